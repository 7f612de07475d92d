"""Builders of Bot API update dicts, so tests say what the user did rather than spell JSON.

Users carry only ``first_name="Test"``: the fixtures hold no personal data. Message ids come
from a counter starting at 1,000,000, far from the ids the fake server gives the bot's own
messages (1, 2, ...), so the two never collide in one chat. ``update_id`` is a placeholder:
``FakeBotApi.push_update`` assigns the real one.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from .server import DEFAULT_TOKEN

__all__ = [
    "BOT_USER",
    "callback",
    "command",
    "document",
    "edited_text",
    "forwarded_text",
    "group_text",
    "location",
    "my_chat_member_blocked",
    "photo",
    "sticker",
    "text",
    "user",
    "voice",
]

JSONDict = dict[str, Any]

BOT_USER: JSONDict = {
    "id": int(DEFAULT_TOKEN.split(":", 1)[0]),
    "is_bot": True,
    "first_name": "Fake bot",
    "username": "fake_test_bot",
}

_update_ids = itertools.count(1)
_message_ids = itertools.count(1_000_000)
_file_ids = itertools.count(1)
_callback_ids = itertools.count(1)


def user(user_id: int, language_code: str | None = None) -> JSONDict:
    """A Telegram user with a placeholder name; ``language_code`` only when a test needs it."""
    data: JSONDict = {"id": user_id, "is_bot": False, "first_name": "Test"}
    if language_code is not None:
        data["language_code"] = language_code
    return data


def _chat(user_id: int, chat_id: int | None, chat_type: str) -> JSONDict:
    if chat_type == "private":
        return {
            "id": user_id if chat_id is None else chat_id,
            "type": "private",
            "first_name": "Test",
        }
    if chat_id is None:
        raise ValueError(f"a {chat_type} chat needs an explicit chat_id")
    return {"id": chat_id, "type": chat_type, "title": "Test group"}


def _message(
    user_id: int,
    chat_id: int | None = None,
    chat_type: str = "private",
    message_id: int | None = None,
    **content: Any,
) -> JSONDict:
    return {
        "message_id": next(_message_ids) if message_id is None else message_id,
        "from": user(user_id),
        "chat": _chat(user_id, chat_id, chat_type),
        "date": int(time.time()),
        **content,
    }


def _update(**body: Any) -> JSONDict:
    return {"update_id": next(_update_ids), **body}


def _file(prefix: str) -> JSONDict:
    n = next(_file_ids)
    return {"file_id": f"fake-{prefix}-in-{n}", "file_unique_id": f"in{prefix}{n}"}


def text(
    user_id: int,
    text: str,
    chat_id: int | None = None,
    chat_type: str = "private",
    *,
    message_id: int | None = None,
) -> JSONDict:
    """A plain text message; non-private chats need ``chat_id``."""
    return _update(message=_message(user_id, chat_id, chat_type, message_id, text=text))


def command(
    user_id: int,
    command: str,
    chat_id: int | None = None,
    chat_type: str = "private",
    *,
    message_id: int | None = None,
) -> JSONDict:
    """``/start`` or ``/start payload``, with the bot_command entity PTB's CommandHandler needs."""
    if not command.startswith("/"):
        command = "/" + command
    entity = {"type": "bot_command", "offset": 0, "length": len(command.split(maxsplit=1)[0])}
    msg = _message(user_id, chat_id, chat_type, message_id, text=command, entities=[entity])
    return _update(message=msg)


def callback(
    user_id: int,
    data: str,
    message_id: int,
    chat_id: int | None = None,
    *,
    message_text: str = "...",
) -> JSONDict:
    """A button press on one of the bot's messages; the fake server swaps in the stored copy
    of that message when it knows it, so ``message_text`` rarely matters."""
    chat = _chat(user_id, chat_id, "private" if chat_id in (None, user_id) else "group")
    message = {
        "message_id": message_id,
        "from": BOT_USER,
        "chat": chat,
        "date": int(time.time()),
        "text": message_text,
    }
    query = {
        "id": str(next(_callback_ids)),
        "from": user(user_id),
        "chat_instance": f"instance-{chat['id']}",
        "data": data,
        "message": message,
    }
    return _update(callback_query=query)


def photo(user_id: int, caption: str | None = None) -> JSONDict:
    meta = _file("photo")
    sizes = [
        {**meta, "file_id": meta["file_id"] + "-s", "width": 90, "height": 90},
        {**meta, "width": 800, "height": 600},
    ]
    extra: JSONDict = {} if caption is None else {"caption": caption}
    return _update(message=_message(user_id, photo=sizes, **extra))


def sticker(user_id: int) -> JSONDict:
    st = {
        **_file("sticker"),
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "\N{SLIGHTLY SMILING FACE}",
    }
    return _update(message=_message(user_id, sticker=st))


def voice(user_id: int, duration: int = 3) -> JSONDict:
    vc = {**_file("voice"), "duration": duration, "mime_type": "audio/ogg"}
    return _update(message=_message(user_id, voice=vc))


def document(user_id: int, file_name: str = "file.pdf") -> JSONDict:
    doc = {**_file("document"), "file_name": file_name, "mime_type": "application/pdf"}
    return _update(message=_message(user_id, document=doc))


def location(user_id: int) -> JSONDict:
    """A location at 0,0: the point is the message type, not a place."""
    return _update(message=_message(user_id, location={"latitude": 0.0, "longitude": 0.0}))


def edited_text(user_id: int, message_id: int, text: str) -> JSONDict:
    msg = _message(user_id, message_id=message_id, text=text, edit_date=int(time.time()))
    return _update(edited_message=msg)


def forwarded_text(user_id: int, text: str) -> JSONDict:
    """Text forwarded from someone who hides their account: no second person's data."""
    origin = {"type": "hidden_user", "sender_user_name": "Hidden", "date": int(time.time())}
    return _update(message=_message(user_id, text=text, forward_origin=origin))


def group_text(user_id: int, group_id: int, text: str) -> JSONDict:
    return _update(message=_message(user_id, group_id, "group", text=text))


def my_chat_member_blocked(user_id: int) -> JSONDict:
    """The update Telegram sends when a user blocks the bot; the fake then answers 403."""
    now = int(time.time())
    member = {
        "chat": _chat(user_id, None, "private"),
        "from": user(user_id),
        "date": now,
        "old_chat_member": {"status": "member", "user": BOT_USER},
        "new_chat_member": {"status": "kicked", "user": BOT_USER, "until_date": 0},
    }
    return _update(my_chat_member=member)
