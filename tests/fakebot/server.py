"""A fake Telegram Bot API server on 127.0.0.1, so end-to-end tests never touch the network.

It speaks just enough HTTP/1.1 (keep-alive, Content-Length and chunked bodies) for httpx, which
python-telegram-bot uses, and answers Bot API methods with JSON that PTB parses into its own
types. Every call is recorded; faults (errors, delays, dropped connections, timeouts) can be
injected per method. A small control API under ``/_control/`` on the same port lets a test in
another process push updates and read calls, so a bot subprocess can be killed and restarted
against the same server.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from email.message import Message as _MimeHeader
from email.utils import collapse_rfc2231_value
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["DEFAULT_TOKEN", "BotApiError", "Call", "FakeBotApi", "UploadedFile"]

DEFAULT_TOKEN = "123456:TEST-token-abcdef"
HOST = "127.0.0.1"  # the only address this server ever binds to

JSONDict = dict[str, Any]

# Form fields that are free text or file ids: never JSON-decode them, "123" must stay a string.
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "description",
        "short_description",
        "name",
        "title",
        "callback_query_id",
        "inline_message_id",
        "business_connection_id",
        "message_effect_id",
        "url",
        "secret_token",
        "ip_address",
        "parse_mode",
        "action",
        "language_code",
        "emoji",
        "photo",
        "document",
        "audio",
        "video",
        "voice",
        "sticker",
        "animation",
        "thumbnail",
        "certificate",
    }
)

# Update types Telegram leaves out unless asked for explicitly in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
BLOCKED = "Forbidden: bot was blocked by the user"


class BotApiError(Exception):
    """A Bot API error reply; raised by method handlers, turned into error JSON."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request; the bytes are kept so tests can inspect uploads."""

    filename: str | None
    content_type: str | None
    content: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class Call:
    """One Bot API request as the server saw it, with nested JSON fields already decoded.

    ``status`` is the HTTP status sent back (``None`` when the fault injection dropped the
    response); ``result`` is the Bot API result when the method took effect, even if its
    response was then dropped, so tests can tell "sent but the bot never heard" apart.
    """

    method: str
    params: JSONDict
    at: float
    files: dict[str, UploadedFile] = field(default_factory=dict)
    status: int | None = None
    result: Any = None
    error: str | None = None

    def to_json(self) -> JSONDict:
        data = asdict(self)
        data["files"] = {
            name: {"filename": f.filename, "content_type": f.content_type, "size": f.size}
            for name, f in self.files.items()
        }
        return data


@dataclass
class _Fault:
    kind: str  # "fail" | "drop" | "timeout"
    method: str  # lower-case, or "*"
    times: int | None
    chat_id: int | str | None = None
    status: int = 400
    description: str = ""
    parameters: JSONDict | None = None
    seconds: float = 0.0
    processed: bool = False


@dataclass
class _Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def keep_alive(self) -> bool:
        return self.headers.get("connection", "").lower() != "close"


class _Drop(Exception):
    """Close the connection without answering, as a flaky network would."""


class _Signal:
    """Wakes waiters in any event loop or thread; state itself lives behind the server lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        self.cond = threading.Condition()

    def future(self) -> asyncio.Future[None]:
        """Register before checking state, so a notify in between is never lost."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        with self._lock:
            self._waiters.append((loop, fut))
        return fut

    def discard(self, fut: asyncio.Future[None]) -> None:
        with self._lock:
            self._waiters = [(lp, f) for lp, f in self._waiters if f is not fut]

    def notify(self) -> None:
        with self._lock:
            waiters, self._waiters = self._waiters, []
        for loop, fut in waiters:
            with contextlib.suppress(RuntimeError):  # that loop is already closed
                loop.call_soon_threadsafe(_resolve, fut)
        with self.cond:
            self.cond.notify_all()


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


async def _wait(fut: asyncio.Future[None], signal: _Signal, seconds: float) -> None:
    try:
        await asyncio.wait_for(fut, max(seconds, 0))
    except TimeoutError:
        signal.discard(fut)


def _decode_value(key: str, value: str) -> Any:
    if key in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _header_param(header: str, value: str, param: str) -> str | None:
    msg = _MimeHeader()
    msg[header] = value
    got = msg.get_param(param, header=header)
    if got is None:
        return None
    return collapse_rfc2231_value(got)


def _parse_multipart(body: bytes, boundary: str) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for part in body.split(b"--" + boundary.encode())[1:]:
        if part.startswith(b"--"):
            break
        part = part.removeprefix(b"\r\n")
        head, _, content = part.partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, sep, val = line.partition(":")
            if sep:
                headers[name.strip().lower()] = val.strip()
        disposition = headers.get("content-disposition", "")
        name = _header_param("content-disposition", disposition, "name")
        if not name:
            continue
        filename = _header_param("content-disposition", disposition, "filename")
        if filename is None and "content-type" not in headers:
            fields[name] = content.decode("utf-8", "replace")
        else:
            files[name] = UploadedFile(filename, headers.get("content-type"), content)
    return fields, files


def _parse_params(req: _Request) -> tuple[JSONDict, dict[str, UploadedFile]]:
    """Decode query string and body the way the real Bot API accepts them."""
    raw: dict[str, str] = dict(parse_qsl(urlsplit(req.target).query, keep_blank_values=True))
    files: dict[str, UploadedFile] = {}
    ctype = req.headers.get("content-type", "")
    params: JSONDict = {}
    if ctype.startswith("application/json") and req.body:
        loaded = json.loads(req.body)
        if isinstance(loaded, dict):
            params.update(loaded)
    elif ctype.startswith("multipart/form-data"):
        boundary = _header_param("content-type", ctype, "boundary") or ""
        fields, files = _parse_multipart(req.body, boundary)
        raw.update(fields)
    elif req.body:
        raw.update(parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True))
    decoded = {key: _decode_value(key, value) for key, value in raw.items()}
    return {**decoded, **params}, files


def _response(status: int, payload: JSONDict, keep_alive: bool) -> bytes:
    body = json.dumps(payload, ensure_ascii=False).encode()
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Server: fakebot\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    return head.encode("latin-1") + body


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        chunks = []
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while (await reader.readline()).strip():  # trailers
                    pass
                break
            chunks.append(await reader.readexactly(size))
            await reader.readline()
        body = b"".join(chunks)
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
    return _Request(method.upper(), target, headers, body)


def _strip_html(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", text))


def _chat_key(value: Any) -> int | str:
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


class FakeBotApi:
    """A Bot API double that a real ``telegram.ext.Application`` can poll and call.

    Use ``async with FakeBotApi() as api`` in async tests, ``with FakeBotApi() as api`` (a
    background thread) in sync code, or ``python -m tests.fakebot`` for other processes.
    """

    def __init__(self, token: str = DEFAULT_TOKEN, *, port: int = 0) -> None:
        self.token = token
        self.port = port
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 123456
        self.bot_user: JSONDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Fake bot",
            "username": "fake_test_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._lock = threading.RLock()
        self._calls_signal = _Signal()
        self._updates_signal = _Signal()
        self._server: asyncio.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._conn_tasks: set[asyncio.Task[None]] = set()
        self._thread: threading.Thread | None = None
        self._handlers: dict[str, Callable[[JSONDict, dict[str, UploadedFile]], Any]] = {
            name.removeprefix("_m_").lower().replace("_", ""): getattr(self, name)
            for name in dir(self)
            if name.startswith("_m_")
        }
        self.reset()

    # ----------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        """What to pass to ``ApplicationBuilder.base_url``; PTB appends the token itself."""
        return f"http://{HOST}:{self.port}/bot"

    @property
    def url(self) -> str:
        """Root URL of the server, where ``/_control/`` lives."""
        return f"http://{HOST}:{self.port}"

    async def start(self) -> None:
        """Bind to 127.0.0.1 only (a random free port unless one was given) and serve."""
        self._loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(self._serve_connection, HOST, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and cut open connections, including parked long polls."""
        if self._server is None:
            return
        self._server.close()
        tasks = list(self._conn_tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._server.wait_closed()
        self._server = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def start_in_thread(self) -> FakeBotApi:
        """Serve from a daemon thread with its own loop, for sync tests and benchmarks."""
        started = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # report bind errors to the caller
                errors.append(exc)
                started.set()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        self._thread = threading.Thread(target=run, name="fakebot", daemon=True)
        self._thread.start()
        started.wait()
        if errors:
            raise errors[0]
        return self

    def stop_thread(self) -> None:
        """Stop a server started with :meth:`start_in_thread`."""
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._thread = None

    def __enter__(self) -> FakeBotApi:
        return self.start_in_thread()

    def __exit__(self, *exc_info: object) -> None:
        self.stop_thread()

    # ----------------------------------------------------------------- test-facing state

    def reset(self) -> None:
        """Forget calls, updates, messages, faults and settings: a fresh Telegram."""
        with self._lock:
            self._calls: list[Call] = []
            self._pending: list[JSONDict] = []
            self._next_update_id = 1
            self._allowed_updates: set[str] | None = None
            self._poll_generation = 0
            self._webhook: JSONDict = {}
            self._messages: dict[int | str, dict[int, JSONDict]] = {}
            self._message_ids: dict[int | str, itertools.count[int]] = {}
            self._chats: dict[int | str, JSONDict] = {}
            self._blocked: set[int | str] = set()
            self._callback_ids: set[str] = set()
            self._commands: dict[str, list[JSONDict]] = {}
            self._descriptions: dict[tuple[str, str], str] = {}
            self._faults: list[_Fault] = []
            self._delays: dict[str, float] = {}
            self._file_ids = itertools.count(1)
        self._calls_signal.notify()
        self._updates_signal.notify()

    @property
    def calls(self) -> list[Call]:
        """A snapshot of every recorded call, in the order their responses were decided."""
        with self._lock:
            return list(self._calls)

    def calls_of(self, method: str) -> list[Call]:
        key = method.lower()
        with self._lock:
            return [c for c in self._calls if c.method.lower() == key]

    def sent_texts(self, chat_id: int | str | None = None) -> list[str]:
        """Texts the user would have seen: sendMessage calls that took effect."""
        return [
            c.params.get("text", "")
            for c in self.calls_of("sendMessage")
            if c.result is not None
            and (chat_id is None or _chat_key(c.params.get("chat_id")) == _chat_key(chat_id))
        ]

    def clear_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    def chat_messages(self, chat_id: int | str) -> list[JSONDict]:
        """Messages currently visible in a chat (bot's and user's), in the order they arrived."""
        with self._lock:
            stored = self._messages.get(_chat_key(chat_id), {})
            return [json.loads(json.dumps(m)) for m in stored.values()]

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates pushed but not yet confirmed by a getUpdates offset."""
        with self._lock:
            return list(self._pending)

    def _find_call(
        self, key: str, predicate: Callable[[Call], bool] | None, since: int
    ) -> Call | None:
        with self._lock:
            for call in self._calls[since:]:
                if (key == "*" or call.method.lower() == key) and (
                    predicate is None or predicate(call)
                ):
                    return call
        return None

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 (the API the tests were promised)
        *,
        since: int = 0,
    ) -> Call:
        """First call of ``method`` matching ``predicate`` from index ``since`` on.

        Already recorded calls count, so a reply that raced ahead of the wait is still found.
        Raises ``TimeoutError`` naming the calls seen, which makes a failing test readable.
        """
        key = method.lower()
        deadline = time.monotonic() + timeout
        while True:
            fut = self._calls_signal.future()
            found = self._find_call(key, predicate, since)
            remaining = deadline - time.monotonic()
            if found is not None or remaining <= 0:
                self._calls_signal.discard(fut)
                if found is not None:
                    return found
                seen = [c.method for c in self.calls]
                raise TimeoutError(f"no {method} call within {timeout}s; calls: {seen}")
            await _wait(fut, self._calls_signal, remaining)

    def wait_for_sync(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
        *,
        since: int = 0,
    ) -> Call:
        """Blocking :meth:`wait_for` for code outside the server's event loop."""
        key = method.lower()
        deadline = time.monotonic() + timeout
        with self._calls_signal.cond:
            while True:
                found = self._find_call(key, predicate, since)
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no {method} call within {timeout}s")
                self._calls_signal.cond.wait(remaining)

    def push_update(self, update: JSONDict, *, keep_id: bool = False) -> JSONDict:
        """Queue an update for getUpdates, giving it the next update_id; returns the stored copy.

        A callback query about a message the fake already knows gets that message, as Telegram
        would; a my_chat_member "kicked" in a private chat blocks further sends with 403.
        ``keep_id=True`` keeps the update's own ``update_id`` (to replay a delivery).
        """
        update = json.loads(json.dumps(update))
        with self._lock:
            if keep_id and isinstance(update.get("update_id"), int):
                self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
            else:
                update["update_id"] = self._next_update_id
                self._next_update_id += 1
            self._observe(update)
            self._pending.append(update)
        self._updates_signal.notify()
        return update

    def push_updates(self, batch: list[JSONDict], *, keep_id: bool = False) -> list[JSONDict]:
        """Queue several updates at once, so one getUpdates answer carries them all."""
        with self._lock:
            return [self.push_update(update, keep_id=keep_id) for update in batch]

    def _observe(self, update: JSONDict) -> None:
        for kind in ("message", "edited_message", "channel_post"):
            msg = update.get(kind)
            if isinstance(msg, dict) and "chat" in msg:
                chat_id = msg["chat"]["id"]
                self._chats[chat_id] = msg["chat"]
                self._messages.setdefault(chat_id, {})[msg["message_id"]] = msg
        query = update.get("callback_query")
        if isinstance(query, dict):
            self._callback_ids.add(str(query.get("id")))
            msg = query.get("message")
            if isinstance(msg, dict) and "chat" in msg:
                known = self._messages.get(msg["chat"]["id"], {}).get(msg.get("message_id"))
                if known is not None:
                    query["message"] = json.loads(json.dumps(known))
        member = update.get("my_chat_member")
        if isinstance(member, dict) and member.get("chat", {}).get("type") == "private":
            chat_id = member["chat"]["id"]
            if member.get("new_chat_member", {}).get("status") == "kicked":
                self._blocked.add(chat_id)
            else:
                self._blocked.discard(chat_id)

    # ----------------------------------------------------------------- fault injection

    def fail_next(
        self,
        method: str,
        *,
        status: int = 400,
        description: str | None = None,
        retry_after: int | None = None,
        times: int | None = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """Answer the next ``times`` calls (``None``: all) with a Bot API error, untouched state.

        ``method="*"`` matches any method; ``chat_id`` limits it to calls for that chat.
        """
        parameters = None
        if status == 429:
            retry_after = 1 if retry_after is None else retry_after
            parameters = {"retry_after": retry_after}
            description = description or f"Too Many Requests: retry after {retry_after}"
        description = description or _DEFAULT_DESCRIPTIONS.get(status, "Error")
        self._add_fault(
            _Fault("fail", method.lower(), times, chat_id, status, description, parameters)
        )

    def drop_next(
        self,
        method: str,
        *,
        times: int | None = 1,
        processed: bool = False,
        chat_id: int | str | None = None,
    ) -> None:
        """Close the connection without a response. ``processed=True``: the method still takes
        effect (the message is sent) and only its answer is lost: the duplicate-send case."""
        self._add_fault(_Fault("drop", method.lower(), times, chat_id, processed=processed))

    def timeout_next(
        self,
        method: str,
        seconds: float = 10.0,
        *,
        times: int | None = 1,
        processed: bool = False,
        chat_id: int | str | None = None,
    ) -> None:
        """Hold the request for ``seconds`` (longer than the client waits), then hang up."""
        self._add_fault(
            _Fault("timeout", method.lower(), times, chat_id, seconds=seconds, processed=processed)
        )

    def delay(self, method: str, seconds: float) -> None:
        """Slow every call of ``method`` (or ``"*"``) by ``seconds``; 0 removes the delay."""
        with self._lock:
            if seconds > 0:
                self._delays[method.lower()] = seconds
            else:
                self._delays.pop(method.lower(), None)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._delays.clear()

    def block_chat(self, chat_id: int | str, blocked: bool = True) -> None:
        """Make every send to a chat fail with 403 until unblocked, like a user who blocked us."""
        with self._lock:
            (self._blocked.add if blocked else self._blocked.discard)(_chat_key(chat_id))

    def _add_fault(self, fault: _Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _take_fault(self, key: str, params: JSONDict) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.method not in ("*", key):
                    continue
                if fault.chat_id is not None and _chat_key(params.get("chat_id")) != _chat_key(
                    fault.chat_id
                ):
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                return fault
        return None

    # ----------------------------------------------------------------- HTTP plumbing

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._conn_tasks.add(task)
        try:
            while True:
                req = await _read_request(reader)
                if req is None:
                    break
                try:
                    status, payload = await self._dispatch(req)
                except _Drop:
                    break
                writer.write(_response(status, payload, req.keep_alive))
                await writer.drain()
                if not req.keep_alive:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            self._conn_tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _dispatch(self, req: _Request) -> tuple[int, JSONDict]:
        path = urlsplit(req.target).path
        if path.startswith("/_control/"):
            return await self._control(req, path.removeprefix("/_control/"))
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z0-9_]+)", path)
        if match is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        if match.group(1) != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        try:
            params, files = _parse_params(req)
        except ValueError:
            return 400, BotApiError(400, "Bad Request: can't parse request").payload()
        return await self._call(match.group(2), params, files)

    async def _call(
        self, method: str, params: JSONDict, files: dict[str, UploadedFile]
    ) -> tuple[int, JSONDict]:
        call = Call(method, params, time.time(), files)
        key = method.lower()
        with self._lock:
            delay = self._delays.get(key, self._delays.get("*", 0.0))
        if delay:
            await asyncio.sleep(delay)
        fault = self._take_fault(key, params)
        if fault is not None and fault.kind in ("drop", "timeout"):
            if fault.processed:
                with contextlib.suppress(BotApiError):
                    call.result = await self._run(key, params, files)
            self._record(call)
            if fault.kind == "timeout":
                await asyncio.sleep(fault.seconds)
            raise _Drop
        if fault is not None:
            error = BotApiError(fault.status, fault.description, fault.parameters)
        else:
            try:
                call.result = await self._run(key, params, files)
                error = None
            except BotApiError as exc:
                error = exc
        if error is not None:
            call.status, call.error = error.code, error.description
            self._record(call)
            return error.code, error.payload()
        call.status = 200
        self._record(call)
        return 200, {"ok": True, "result": call.result}

    async def _run(self, key: str, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        if key == "getupdates":
            return await self._get_updates(params)
        handler = self._handlers.get(key)
        if handler is None:
            raise BotApiError(404, "Not Found: method not found")
        with self._lock:
            return handler(params, files)

    def _record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)
        self._calls_signal.notify()

    # ----------------------------------------------------------------- control API

    async def _control(self, req: _Request, action: str) -> tuple[int, JSONDict]:
        """JSON-in, JSON-out mirror of the Python API for tests in another process."""
        query = dict(parse_qsl(urlsplit(req.target).query))
        body: JSONDict = json.loads(req.body) if req.body.strip() else {}
        args = {**query, **body}
        result: Any = True
        if action == "health":
            result = {"token": self.token, "base_url": self.base_url, "bot_user": self.bot_user}
        elif action == "push_update":
            result = self.push_update(body.get("update", body),
                                      keep_id=bool(body.get("keep_id", False)))
        elif action == "calls":
            since = int(args.get("since", 0))
            method = args.get("method")
            calls = self.calls[since:]
            result = [c.to_json() for c in calls if method is None or c.method == method]
        elif action == "wait_for":
            try:
                call = await self.wait_for(
                    args["method"],
                    None,
                    float(args.get("timeout", 5.0)),
                    since=int(args.get("since", 0)),
                )
            except TimeoutError as exc:
                return 408, {"ok": False, "error_code": 408, "description": str(exc)}
            result = call.to_json()
        elif action == "clear_calls":
            self.clear_calls()
        elif action == "reset":
            self.reset()
        elif action == "clear_faults":
            self.clear_faults()
        elif action == "messages":
            result = self.chat_messages(_chat_key(args["chat_id"]))
        elif action == "pending_updates":
            result = self.pending_updates
        elif action in ("fail_next", "drop_next", "timeout_next", "delay", "block_chat"):
            getattr(self, action)(**args)
        else:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        return 200, {"ok": True, "result": result}

    # ----------------------------------------------------------------- getUpdates

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        """Long poll like Telegram: answer at once if anything is pending, else wait."""
        timeout = float(params.get("timeout") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        deadline = time.monotonic() + timeout
        with self._lock:
            if self._webhook.get("url"):
                raise BotApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            self._confirm(params.get("offset"))
            allowed = params.get("allowed_updates")
            if isinstance(allowed, list):
                self._allowed_updates = set(allowed) or None
            # A newer poll ends an older one, as Telegram does; a killed bot's parked poll
            # must not keep swallowing wake-ups after the bot restarts.
            self._poll_generation += 1
            generation = self._poll_generation
        self._updates_signal.notify()
        while True:
            fut = self._updates_signal.future()
            with self._lock:
                if generation != self._poll_generation:
                    self._updates_signal.discard(fut)
                    raise BotApiError(409, _DEFAULT_DESCRIPTIONS[409])
                batch = self._deliverable(limit)
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0:
                self._updates_signal.discard(fut)
                return batch
            await _wait(fut, self._updates_signal, remaining)

    def _confirm(self, offset: Any) -> None:
        if offset is None or offset == "":
            return
        offset = int(offset)
        if offset < 0:
            self._pending = self._pending[offset:]
        else:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

    def _deliverable(self, limit: int) -> list[JSONDict]:
        allowed = self._allowed_updates
        keep = []
        for update in self._pending:
            kind = next((k for k in update if k != "update_id"), "")
            ok = kind not in _OPT_IN_UPDATES if allowed is None else kind in allowed
            if ok:
                keep.append(update)
        self._pending = keep  # Telegram never queues updates the bot did not ask for
        return json.loads(json.dumps(keep[:limit]))

    # ----------------------------------------------------------------- helpers for methods

    def _chat(self, chat_id: int | str) -> JSONDict:
        known = self._chats.get(chat_id)
        if known is not None:
            return known
        if isinstance(chat_id, int) and chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "Test"}
        if isinstance(chat_id, int) and str(chat_id).startswith("-100"):
            return {"id": chat_id, "type": "supergroup", "title": "Test group"}
        if isinstance(chat_id, int):
            return {"id": chat_id, "type": "group", "title": "Test group"}
        raise BotApiError(400, "Bad Request: chat not found")

    def _target_chat(self, params: JSONDict) -> int | str:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise BotApiError(400, "Bad Request: chat_id is empty")
        chat_id = _chat_key(raw)
        self._chat(chat_id)
        if chat_id in self._blocked:
            raise BotApiError(403, BLOCKED)
        return chat_id

    def _send(self, chat_id: int | str, content: JSONDict, params: JSONDict) -> JSONDict:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        message_id = next(counter)
        while message_id in self._messages.get(chat_id, {}):
            message_id = next(counter)
        msg: JSONDict = {
            "message_id": message_id,
            "from": self.bot_user,
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            **content,
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            msg["reply_markup"] = markup
        self._messages.setdefault(chat_id, {})[message_id] = msg
        return json.loads(json.dumps(msg))

    def _format(self, text: str, params: JSONDict) -> str:
        if str(params.get("parse_mode", "")).upper() == "HTML":
            return _strip_html(text)
        return text

    def _message_for_edit(self, params: JSONDict) -> JSONDict | None:
        """The stored message to edit, or None for inline messages (which answer True)."""
        if params.get("inline_message_id"):
            return None
        if params.get("message_id") in (None, ""):
            raise BotApiError(400, "Bad Request: message identifier is not specified")
        chat_id = self._target_chat(params)
        msg = self._messages.get(chat_id, {}).get(int(params["message_id"]))
        if msg is None:
            raise BotApiError(400, "Bad Request: message to edit not found")
        if msg.get("from", {}).get("id") != self.bot_user["id"]:
            raise BotApiError(400, "Bad Request: message can't be edited")
        return msg

    def _file(self, params: JSONDict, files: dict[str, UploadedFile], name: str) -> JSONDict:
        n = next(self._file_ids)
        upload = files.get(name)
        value = params.get(name)
        if upload is None and not value:
            raise BotApiError(400, f"Bad Request: there is no {name} in the request")
        meta: JSONDict = {"file_id": f"fake-{name}-{n}", "file_unique_id": f"u{name}{n}"}
        if upload is not None:
            meta["file_size"] = upload.size
            if upload.filename:
                meta["file_name"] = upload.filename
            if upload.content_type:
                meta["mime_type"] = upload.content_type
        return meta

    # ----------------------------------------------------------------- Bot API methods
    # Named _m_<method in snake case>; looked up case-insensitively without underscores.

    def _m_get_me(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        return self.bot_user

    def _m_log_out(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        return True

    def _m_close(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        return True

    def _m_delete_webhook(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        self._webhook = {}
        if params.get("drop_pending_updates") is True:
            self._pending.clear()
        return True

    def _m_set_webhook(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        url = params.get("url") or ""
        if url and not str(url).startswith("https://"):
            raise BotApiError(400, "Bad Request: bad webhook: HTTPS url must be provided")
        self._webhook = {"url": url}
        if isinstance(params.get("allowed_updates"), list):
            self._webhook["allowed_updates"] = params["allowed_updates"]
        if params.get("drop_pending_updates") is True:
            self._pending.clear()
        return True

    def _m_get_webhook_info(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
            **self._webhook,
        }

    def _commands_key(self, params: JSONDict) -> str:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps([scope, params.get("language_code") or ""], sort_keys=True)

    def _m_set_my_commands(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise BotApiError(400, "Bad Request: can't parse commands JSON object")
        for cmd in commands:
            name = str(cmd.get("command", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise BotApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(cmd.get("description", ""))) <= 256:
                raise BotApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._commands_key(params)] = commands
        return True

    def _m_get_my_commands(
        self, params: JSONDict, files: dict[str, UploadedFile]
    ) -> list[JSONDict]:
        return self._commands.get(self._commands_key(params), [])

    def _m_delete_my_commands(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _m_set_my_description(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        text = str(params.get("description") or "")
        if len(text) > 512:
            raise BotApiError(400, "Bad Request: description is too long")
        self._descriptions[("description", params.get("language_code") or "")] = text
        return True

    def _m_get_my_description(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        lang = params.get("language_code") or ""
        return {"description": self._descriptions.get(("description", lang), "")}

    def _m_set_my_short_description(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        text = str(params.get("short_description") or "")
        if len(text) > 120:
            raise BotApiError(400, "Bad Request: short description is too long")
        self._descriptions[("short_description", params.get("language_code") or "")] = text
        return True

    def _m_get_my_short_description(
        self, params: JSONDict, files: dict[str, UploadedFile]
    ) -> JSONDict:
        lang = params.get("language_code") or ""
        return {"short_description": self._descriptions.get(("short_description", lang), "")}

    def _m_send_message(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat_id = self._target_chat(params)
        text = self._format(str(params.get("text") or ""), params)
        if not text.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise BotApiError(400, "Bad Request: message is too long")
        return self._send(chat_id, {"text": text}, params)

    def _m_send_photo(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat_id = self._target_chat(params)
        meta = self._file(params, files, "photo")
        meta.pop("file_name", None)
        meta.pop("mime_type", None)
        small = {**meta, "file_id": meta["file_id"] + "-s", "width": 90, "height": 90}
        content: JSONDict = {"photo": [small, {**meta, "width": 800, "height": 800}]}
        if params.get("caption"):
            content["caption"] = self._format(str(params["caption"]), params)
        return self._send(chat_id, content, params)

    def _m_send_document(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat_id = self._target_chat(params)
        content: JSONDict = {"document": self._file(params, files, "document")}
        if params.get("caption"):
            content["caption"] = self._format(str(params["caption"]), params)
        return self._send(chat_id, content, params)

    def _m_edit_message_text(
        self, params: JSONDict, files: dict[str, UploadedFile]
    ) -> JSONDict | bool:
        msg = self._message_for_edit(params)
        if msg is None:
            return True
        if "text" not in msg:
            raise BotApiError(400, "Bad Request: there is no text in the message to edit")
        text = self._format(str(params.get("text") or ""), params)
        if not text.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        markup = params.get("reply_markup")
        markup = markup if isinstance(markup, dict) and markup.get("inline_keyboard") else None
        if text == msg["text"] and markup == msg.get("reply_markup"):
            raise BotApiError(400, NOT_MODIFIED)
        msg["text"] = text
        self._apply_markup(msg, markup)
        return json.loads(json.dumps(msg))

    def _m_edit_message_reply_markup(
        self, params: JSONDict, files: dict[str, UploadedFile]
    ) -> JSONDict | bool:
        msg = self._message_for_edit(params)
        if msg is None:
            return True
        markup = params.get("reply_markup")
        markup = markup if isinstance(markup, dict) and markup.get("inline_keyboard") else None
        if markup == msg.get("reply_markup"):
            raise BotApiError(400, NOT_MODIFIED)
        self._apply_markup(msg, markup)
        return json.loads(json.dumps(msg))

    def _apply_markup(self, msg: JSONDict, markup: JSONDict | None) -> None:
        msg["edit_date"] = int(time.time())
        if markup is None:
            msg.pop("reply_markup", None)
        else:
            msg["reply_markup"] = markup

    def _m_answer_callback_query(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._callback_ids:
            raise BotApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self._callback_ids.discard(query_id)
        return True

    def _m_delete_message(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        chat_id = self._target_chat(params)
        if self._messages.get(chat_id, {}).pop(int(params.get("message_id") or 0), None) is None:
            raise BotApiError(400, "Bad Request: message to delete not found")
        return True

    def _m_delete_messages(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        chat_id = self._target_chat(params)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise BotApiError(400, "Bad Request: message identifiers are not specified")
        stored = self._messages.get(chat_id, {})
        for message_id in ids:
            stored.pop(int(message_id), None)  # Telegram skips ids it cannot find
        return True

    def _m_leave_chat(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        chat_id = _chat_key(params.get("chat_id"))
        if self._chat(chat_id)["type"] == "private":
            raise BotApiError(
                400, "Bad Request: chat member status can't be changed in private chats"
            )
        return True

    def _m_send_chat_action(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        self._target_chat(params)
        if not params.get("action"):
            raise BotApiError(400, "Bad Request: wrong parameter action in request")
        return True
