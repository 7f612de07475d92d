"""`/stats` for the operator: the "Is it helping?" report and its picture, in their chat.

Only ids in `BOT_ADMIN_IDS` get here (the handler checks); anyone else gets the ordinary
unknown-command reply, so the command is not even visible as special. What is sent is the
same aggregate report as `python -m bot stats`: counts and averages, nothing about a person.
"""

from __future__ import annotations

from telegram.error import Forbidden, TelegramError

from bot.outcomes import report_png, report_text
from bot.telegram.conversation import Conversation

#: Telegram's limit for one message's text.
MESSAGE_LIMIT = 4096


async def send_stats(talk: Conversation, user_id: int) -> None:
    now = talk.clock()
    figures = await talk.store.outcomes(now)
    picture = report_png(figures, now)  # drawn first, so text and picture arrive together
    for part in chunks(report_text(figures, now)):
        await talk.send(user_id, part)
    try:
        await talk.bot.send_photo(user_id, picture,
                                  caption="Retention and pull before/after.")
    except Forbidden:
        await talk.deactivate(user_id)
    except TelegramError:
        await talk.send(user_id, "The picture could not be sent; `python -m bot stats --png "
                                 "FILE` writes it on the server.")


def chunks(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split at line ends so each piece fits one message (a long run of weeks grows)."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # one very long line: cut it hard
            parts.append(line[:limit])
            line = line[limit:]
        if current and len(current) + 1 + len(line) > limit:
            parts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        parts.append(current)
    return parts
