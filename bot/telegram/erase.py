"""/delete, end to end: clear the chat, erase the rows, and say only what is true.

The bot's messages are deleted first, while their ids are still known (/wipe after the
erase would find nothing). The person is told "erased" only once no copy is left in the
database's journal (WAL) either; when another program's reader holds it up, they are told
what is still pending, and the store finishes the job in the background.
"""

from __future__ import annotations

import logging

from telegram.error import TelegramError

from bot.store import StoreError
from bot.telegram.conversation import Conversation

log = logging.getLogger(__name__)

ERASED = "Done. Everything I kept about you is erased."
ERASED_PENDING = ("Everything I kept about you is erased from my database. A copy is still in "
                  "the database's journal file for a short while, because another program is "
                  "reading the database right now. I clear it as soon as it is free, usually "
                  "within a minute.")
WIPED_TOO = " I also deleted {n} of my recent messages in this chat."
FRESH = " If you want to begin again, send /start. Take care of yourself."
#: The database refused the erase (busy, full, read-only): it is one transaction, so nothing
#: was erased, and saying so is the only true thing to say.
NOT_ERASED = ("Sorry, I couldn't erase your data just now, so nothing has been erased yet. "
              "Please send /delete again in a minute.")


async def erase_person(talk: Conversation, user_id: int) -> None:
    """Wipe the chat, then erase everything stored about the person, then say what is true."""
    try:
        gone = await talk.wipe(user_id)
    except TelegramError as exc:  # the erase must happen even when Telegram refuses the wipe
        log.warning("wipe before erase failed (%s)", type(exc).__name__)
        gone = 0
    try:
        folded = await talk.store.delete_user(user_id)
    except StoreError as exc:
        log.error("erase refused by the database (%s): nothing was erased", exc.code)
        await talk.bot.send_message(user_id, NOT_ERASED)
        return
    text = (ERASED if folded else ERASED_PENDING) + (WIPED_TOO.format(n=gone) if gone else "")
    # Sent directly, not through talk.send: nothing about them, not even this id, is kept.
    await talk.bot.send_message(user_id, text + FRESH)
