"""Drive a fake server that runs in another process, through its ``/_control/`` endpoints.

Standard library only (urllib), so a crash test can use it while the bot runs elsewhere.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from .server import DEFAULT_TOKEN

JSONDict = dict[str, Any]


class FakeBotClient:
    """Mirror of FakeBotApi's test helpers over HTTP; calls come back as plain dicts."""

    def __init__(self, url: str, token: str = DEFAULT_TOKEN) -> None:
        if urllib.parse.urlsplit(url).hostname != "127.0.0.1":
            raise ValueError(f"the fake Bot API only lives on 127.0.0.1, not {url!r}")
        self.url = url.rstrip("/")
        self.token = token

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    def _request(self, action: str, body: JSONDict | None = None, timeout: float = 10.0) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            f"{self.url}/_control/{action}",
            data=data,
            method="GET" if body is None else "POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return json.loads(resp.read())["result"]
        except urllib.error.HTTPError as exc:
            payload = json.loads(exc.read() or b"{}")
            if exc.code == 408:
                raise TimeoutError(payload.get("description", "timed out")) from None
            raise

    def wait_ready(self, timeout: float = 10.0) -> JSONDict:
        """Poll /health until the server answers, for a server just spawned as a process."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self._request("health", timeout=1.0)
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def push_update(self, update: JSONDict) -> JSONDict:
        return self._request("push_update", {"update": update})

    def calls(self, method: str | None = None, since: int = 0) -> list[JSONDict]:
        query = f"calls?since={since}" + (f"&method={method}" if method else "")
        return self._request(query)

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        return [
            c["params"].get("text", "")
            for c in self.calls("sendMessage")
            if c["result"] is not None
            and (chat_id is None or str(c["params"].get("chat_id")) == str(chat_id))
        ]

    def wait_for(self, method: str, timeout: float = 5.0, since: int = 0) -> JSONDict:
        query = f"wait_for?method={method}&timeout={timeout}&since={since}"
        return self._request(query, timeout=timeout + 5)

    def messages(self, chat_id: int) -> list[JSONDict]:
        return self._request(f"messages?chat_id={chat_id}")

    def pending_updates(self) -> list[JSONDict]:
        return self._request("pending_updates")

    def clear_calls(self) -> None:
        self._request("clear_calls", {})

    def reset(self) -> None:
        self._request("reset", {})

    def clear_faults(self) -> None:
        self._request("clear_faults", {})

    def fail_next(self, method: str, **kwargs: Any) -> None:
        self._request("fail_next", {"method": method, **kwargs})

    def drop_next(self, method: str, **kwargs: Any) -> None:
        self._request("drop_next", {"method": method, **kwargs})

    def timeout_next(self, method: str, seconds: float = 10.0, **kwargs: Any) -> None:
        self._request("timeout_next", {"method": method, "seconds": seconds, **kwargs})

    def delay(self, method: str, seconds: float) -> None:
        self._request("delay", {"method": method, "seconds": seconds})

    def block_chat(self, chat_id: int, blocked: bool = True) -> None:
        self._request("block_chat", {"chat_id": chat_id, "blocked": blocked})
