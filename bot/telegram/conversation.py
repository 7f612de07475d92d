"""The imperative shell around the engine: load, step, store, then talk to Telegram.

Every way into a conversation (a command, a tap, typed text, a timer firing) ends up in
`Conversation.handle`, so storage and delivery rules live in one place. The database write
(state, records, timers) is one transaction that commits before anything is sent: a crash
after it loses nothing, and a crash before it leaves the person where they were.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
)
from telegram.error import BadRequest, Forbidden, NetworkError

from bot.content import Content
from bot.engine import (
    Answer,
    Cancel,
    Choice,
    Command,
    Effect,
    Mark,
    OfferDelete,
    Profile,
    Record,
    Say,
    Schedule,
    ShowCrisis,
    ShowSummary,
    Text,
    UserState,
    expected_input,
    step,
)
from bot.engine.core import OLD_VERSION, STALE
from bot.engine.effects import Keyboard
from bot.engine.events import Event
from bot.progress import FIELDS as PROGRESS_FIELDS
from bot.progress import progress_text
from bot.reading import read_text
from bot.safety import CrisisDirectory, crisis_card
from bot.schedule import daily
from bot.schedule.checkins import out_of_quiet
from bot.store import Store, StoreError, local_date
from bot.summary import urge_summary
from bot.telegram import answers, outbox

log = logging.getLogger(__name__)

#: The first line of any message the bot starts on its own: all a lock screen shows.
NEUTRAL_FIRST_LINE = "Reminder"
NC_SINCE_DAYS = {"today": 0, "week": 7, "month": 30, "quarter": 91, "year": 365}
DELETE_WINDOW = timedelta(hours=47)  # Telegram lets a bot delete messages for 48 hours
#: A tap, an edit or a timer from someone with no row (they used /delete): no row is made.
START_FRESH = ("I don't keep anything about you any more, so I start fresh: send /start to "
               "begin again. If you need help now, /crisis shows the lines where you are.")
#: People whose country is kept in memory for a crisis card sent while the database fails.
COUNTRY_MEMORY = 10_000
#: How long a crisis card waits for the database before it is sent from memory (seconds).
CARD_PATIENCE = 1.0
#: Stale taps within this many seconds of an answered one are not answered again.
STALE_WINDOW = 3.0


@dataclass
class _CardProgress:
    """Whether this update's crisis card was tried (with every retry) and went out."""

    tried: bool = False
    sent: bool = False


@dataclass
class Conversation:
    content: Content
    store: Store
    directory: CrisisDirectory
    bot: Bot
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _countries: OrderedDict[int, str | None] = field(default_factory=OrderedDict, repr=False)
    _stale_answered: dict[int, float] = field(default_factory=dict, repr=False)

    async def handle(self, user_id: int, event: Event, *, tapped: int | None = None,
                     pasted: int | None = None, by_bot: bool = False,
                     region_hint: str | None = None, fresh: bool = False) -> None:
        """Run one event for one person and deliver what the engine says.

        Crisis lines have no dependencies: when this event shows them (risk words, /crisis,
        the crisis button) and the database has not answered within `CARD_PATIENCE`, or
        anything at all fails (the database, the zone data), the card is sent from memory
        (`cards_from_memory`), and instead of the apology, never after it.

        `region_hint` (from Telegram's language_code) only orders country buttons on a card;
        it is used for this step and never stored, and only when we have that country's lines.
        Only `fresh` events (something the person typed or sent) make a row for someone who
        has none: after /delete a late tap, an edit or a due timer must not recreate them.
        """
        card = _CardProgress()
        cards = self.cards_from_memory(event)
        try:
            if cards:  # the card must not wait on the database: race it
                work = asyncio.ensure_future(
                    self._step_and_store(user_id, event, region_hint=region_hint, fresh=fresh))
                done, _ = await asyncio.wait({work}, timeout=CARD_PATIENCE)
                if not done:
                    log.warning("the database is slow: crisis card sent from memory")
                    await self._send_cards(user_id, cards, card)
                stored = await work
            else:
                stored = await self._step_and_store(user_id, event, region_hint=region_hint,
                                                    fresh=fresh)
            if stored is None:  # nobody here (they used /delete): no row is made
                await self._no_row(user_id, event, by_bot=by_bot, card=card)
                return
            effects, country = stored
            if self._collapse(user_id, event, effects):
                return
            await self._deliver(user_id, effects, country=country, tapped=tapped,
                                pasted=pasted, by_bot=by_bot, card=card)
        except Exception as exc:
            if not card.tried and cards:
                await self._send_cards(user_id, cards, card)
            if card.sent:
                # The lines are out; an apology after them would only bury them.
                log.error("error %s: the crisis card was sent, no apology", _reason(exc))
                return
            raise  # the error handler logs it and says kindly that nothing was saved

    async def _step_and_store(self, user_id: int, event: Event, *,
                              region_hint: str | None = None, fresh: bool = False
                              ) -> tuple[list[Effect], str | None] | None:
        """Load, step and store in one transaction; returns the effects and their country,
        or None for someone with no row when the event is not `fresh`."""
        now = self.clock()
        async with self.store.transaction():
            if fresh:  # a new person has no zone yet, so their first day is the UTC one
                await self.store.ensure_user(user_id, local_date(now, None))
            elif not await self.store.has_user(user_id):
                return None
            state, profile = await self.store.load(user_id, now)
            if region_hint and self.directory.get(region_hint):
                profile = replace(profile, region_hint=region_hint)
            today = local_date(now, profile.tz)
            new_state, effects = step(self.content, state, event, now, profile)
            await self._store_effects(user_id, effects, now, today)
            await self.store.save_state(user_id, new_state)
            country = (await self.store.user(user_id) or {}).get("country")
        self._remember_country(user_id, country)
        return effects, country

    async def _no_row(self, user_id: int, event: Event, *, by_bot: bool,
                      card: _CardProgress) -> None:
        """Crisis lines if the event asks for them; otherwise how to begin again. Stores nothing."""
        if by_bot:
            return  # a timer or check-in left over from before /delete: say nothing
        _, effects = step(self.content, UserState(), event, self.clock(), Profile())
        crisis = [e for e in effects if isinstance(e, ShowCrisis)]
        if crisis:
            await self._deliver(user_id, crisis, country=None, tapped=None, pasted=None,
                                by_bot=False, card=card)
        else:
            await self.send(user_id, START_FRESH)

    def cards_from_memory(self, event: Event) -> list[ShowCrisis]:
        """The crisis cards this event shows whatever the person's state: no I/O at all.

        The engine is asked what the event shows to someone with no state and no profile
        (risk words, /crisis and the crisis button show the card from any state), so no
        database read and no zone lookup is needed to know it.
        """
        if not isinstance(event, Text | Command | Choice):
            return []
        try:
            _, effects = step(self.content, UserState(), event, datetime.now(UTC), Profile())
        except Exception:  # an event the empty state cannot take shows no card
            return []
        return [e for e in effects if isinstance(e, ShowCrisis)]

    async def _send_cards(self, user_id: int, cards: list[ShowCrisis],
                          card: _CardProgress) -> None:
        """Send cards built from the directory in memory, for the country last seen for this
        person in this process (else the generic card: the emergency line and
        findahelpline.com). Never raises: it runs when something has already failed."""
        card.tried = True
        country = self._countries.get(user_id)
        try:
            for show in cards:
                where = show.country.upper() if show.country else country
                await self.send(user_id, crisis_card(self.directory, where, show.risk),
                                crisis=True, remember=False)
            card.sent = True
        except Exception as exc:
            log.error("crisis card from memory failed too: %s", type(exc).__name__)

    def _remember_country(self, user_id: int, country: str | None) -> None:
        """Keep the last few thousand people's country, only for the card from memory."""
        self._countries[user_id] = country
        self._countries.move_to_end(user_id)
        while len(self._countries) > COUNTRY_MEMORY:
            self._countries.popitem(last=False)

    def _collapse(self, user_id: int, event: Event, effects: list[Effect]) -> bool:
        """True when this is a repeat stale tap: the last one was answered moments ago.

        Fifty taps on an old button used to send fifty screens (and bring 429s); now the
        first is answered and taps in the next few seconds are not.
        """
        stale = isinstance(event, Choice) and bool(effects) and \
            isinstance(effects[0], Say) and effects[0].text.startswith((STALE, OLD_VERSION))
        if not stale:
            return False
        moment = self.clock().timestamp()
        last = self._stale_answered.get(user_id)
        if last is not None and 0 <= moment - last < STALE_WINDOW:
            return True  # (a clock stepped back answers again rather than go silent)
        self._stale_answered[user_id] = moment
        if len(self._stale_answered) > COUNTRY_MEMORY:
            self._stale_answered = {k: t for k, t in self._stale_answered.items()
                                    if 0 <= moment - t < STALE_WINDOW}
        return False

    async def handle_text(self, user_id: int, text: str, message_id: int, *,
                          theirs: bool = False, region_hint: str | None = None) -> None:
        """Read typed text for risk, an expected answer, or a hoover tactic; keep none of it.

        `theirs`: the text is the other person's (forwarded), never an answer to a question.
        """
        facts = read_text(text, theirs=theirs)
        event: Event = facts
        kind = None
        if facts.risk is None and not theirs:
            state, _ = await self.store.load(user_id, self.clock())
            kind = expected_input(self.content, state)
            value = answers.parse(kind, text, self.directory,
                                  now=self.clock()) if kind else None
            if value is not None:
                event = Answer(value)
            elif kind:
                event = Text(length=facts.length)  # a failed answer is not a pasted hoover
        del text
        if kind == "letter":
            await self._delete_letter(user_id, message_id)
        await self.handle(user_id, event, pasted=message_id, region_hint=region_hint,
                          fresh=True)

    async def _delete_letter(self, user_id: int, message_id: int) -> None:
        """The unsent letter leaves the chat as soon as it arrives; its text was never kept.

        (With risk words in it the crisis card comes first and the letter stays, so nothing
        but the card stands between a person at risk and help.)
        """
        try:
            await self.bot.delete_message(user_id, message_id)
        except (BadRequest, Forbidden, NetworkError) as exc:
            log.info("unsent letter not deleted: %s", type(exc).__name__)

    async def _store_effects(self, user_id: int, effects: list[Effect], now: datetime,
                             today: date) -> None:
        for effect in effects:
            match effect:
                case Record(name, value):
                    await self._record(user_id, name, value, now, today)
                case Mark(name, value, on):
                    await self.store.mark(user_id, name, value, on)
                case Schedule(at, timer_id):
                    user = await self.store.user(user_id) or {}
                    if user.get("tz"):  # a flow timer never lands in quiet hours
                        at = out_of_quiet(at, user["tz"], user["quiet_start"], user["quiet_end"])
                    await self.store.schedule(user_id, "timer", timer_id, at)
                case Cancel(timer_id):
                    await self.store.cancel(user_id, "timer", timer_id)

    async def _record(self, user_id: int, name: str, value: str | int, now: datetime,
                      today: date) -> None:
        spec = self.content.fields.get(name)
        kind = spec.kind if spec else "enum"
        if kind in ("enum", "scale"):
            await self.store.record(user_id, name, value, now)
            if name == "run" and value == "restart":
                await self.store.restart_run(user_id, today)
                await daily.setting_changed(self.store, user_id, name, value, now)
            return
        if name == "coparent":
            await self.store.set_profile(user_id, coparent=int(value == "yes"))
        elif name == "nc_since":
            if value in NC_SINCE_DAYS:
                start = today - timedelta(days=NC_SINCE_DAYS[str(value)])
                await self.store.set_profile(user_id, nc_start=start.isoformat())
        elif kind == "country":
            await self.store.set_profile(user_id, country=str(value).upper())
        elif name in ("relation", "nc_start", "checkin_time", "tz"):
            await self.store.set_profile(user_id, **{name: value})
        elif await daily.record_setting(self.store, user_id, name, value, today):
            pass
        else:
            log.warning("profile field %s has no column; not stored", name)
        await daily.setting_changed(self.store, user_id, name, value, now)

    # -- delivery -----------------------------------------------------------------------

    async def _deliver(self, user_id: int, effects: list[Effect], *, country: str | None,
                       tapped: int | None, pasted: int | None, by_bot: bool,
                       card: _CardProgress | None = None) -> None:
        """Send the effects in order; `card` notes whether crisis lines were tried and sent."""
        card = _CardProgress() if card is None else card
        first = by_bot
        for effect in effects:
            match effect:
                case Say(text, buttons, replace_):
                    if first:
                        text, first = f"{NEUTRAL_FIRST_LINE}\n\n{text}", False
                    if replace_ and tapped and await self._edit(user_id, tapped, text, buttons):
                        continue
                    await self.send(user_id, text, buttons)
                case ShowCrisis(risk, other) if not card.sent:  # (not twice: sent from memory)
                    where = other.upper() if other else country
                    card.tried = True
                    await self.send(user_id, crisis_card(self.directory, where, risk),
                                    crisis=True)
                    card.sent = True
                case ShowSummary(what="progress"):
                    await self.send(user_id, await self._progress(user_id))
                case ShowSummary():
                    records = await self.store.records(
                        user_id, ("pull_before", "pull_after", "tactic", "outcome", "trigger"))
                    labels = self.content.fields["tactic"].labels \
                        if "tactic" in self.content.fields else {}
                    triggers = self.content.fields["trigger"].labels \
                        if "trigger" in self.content.fields else {}
                    await self.send(user_id, urge_summary(records, tactic_labels=labels,
                                                          trigger_labels=triggers))
                case OfferDelete() if pasted:
                    async with self.store.transaction():
                        # Kept as an id only, so /wipe can remove the paste too.
                        await self.store.remember_message(user_id, pasted, self.clock())
                    button = ((InlineKeyboardButton("🗑 Delete what I pasted",
                                                    callback_data=f"!del:{pasted}"),),)
                    await self.send(user_id, "I can delete the message you pasted, so it does "
                                             "not stay in this chat.", button)

    async def _progress(self, user_id: int) -> str:
        _, profile = await self.store.load(user_id, self.clock())
        user = await self.store.user(user_id) or {}
        return progress_text(await self.store.records(user_id, PROGRESS_FIELDS, limit=100_000),
                             has_start=bool(user.get("nc_start")), days=profile.days,
                             longest=profile.longest, total=profile.total)

    async def send(self, user_id: int, text: str,
                   buttons: Keyboard | tuple[tuple[InlineKeyboardButton, ...], ...] = (),
                   *, protect: bool = False, crisis: bool = False,
                   remember: bool = True) -> int | None:
        """Send and remember the message id (for /wipe). A blocked bot marks the person away.

        Network errors, timeouts and 5xx are retried per `outbox`: once for an ordinary
        message, with backoff for about ten seconds for crisis lines (`crisis=True`), where a
        rare duplicate matters far less than a missing card. 429s are the rate limiter's.
        """
        async def call(**timeouts: float) -> Message:
            return await self.bot.send_message(
                user_id, text, reply_markup=_markup(buttons), protect_content=protect,
                link_preview_options=LinkPreviewOptions(is_disabled=True), **timeouts)

        try:
            message = await outbox.attempt(call, outbox.CRISIS if crisis else outbox.ORDINARY)
        except Forbidden:
            await self.deactivate(user_id)
            return None
        if not remember:  # (the database is failing: don't wait on it again)
            return message.message_id
        try:
            async with self.store.transaction():
                if await self.store.user(user_id):
                    await self.store.remember_message(user_id, message.message_id,
                                                      self.clock())
        except StoreError as exc:  # only /wipe needs it: the message is already delivered
            log.warning("could not remember a sent message id (%s)", exc.code)
        return message.message_id

    async def _edit(self, user_id: int, message_id: int, text: str, buttons: Keyboard) -> bool:
        try:
            await self.bot.edit_message_text(text, chat_id=user_id, message_id=message_id,
                                             reply_markup=_markup(buttons))
        except BadRequest as exc:
            return "not modified" in str(exc).lower()
        except Forbidden:
            await self.deactivate(user_id)
        return True

    async def deactivate(self, user_id: int) -> None:
        """They blocked the bot: send nothing more until they /start again."""
        async with self.store.transaction():
            await self.store.set_active(user_id, False)
            await self.store.cancel(user_id, "timer")
            await self.store.cancel(user_id, "checkin")
        log.info("user deactivated (bot blocked)")

    # -- whole-of-person actions ----------------------------------------------------------

    async def export_file(self, user_id: int) -> BytesIO:
        data = await self.store.export(user_id)
        payload = json.dumps(data, indent=2, ensure_ascii=False, default=str).encode()
        buffer = BytesIO(payload)
        buffer.name = "mydata.json"
        return buffer

    async def wipe(self, user_id: int) -> int:
        """Delete the bot's own recent messages from the chat; returns how many went."""
        since = self.clock() - DELETE_WINDOW
        ids = await self.store.messages(user_id, since)
        gone = 0
        for start in range(0, len(ids), 100):
            chunk = ids[start:start + 100]
            try:
                await self.bot.delete_messages(user_id, chunk)
                gone += len(chunk)
            except BadRequest:
                continue
        async with self.store.transaction():
            await self.store.forget_messages(user_id)
        return gone


def _reason(exc: BaseException) -> str:
    """An error's class, or the database's code name (SQLITE_FULL...): never any values."""
    return exc.code if isinstance(exc, StoreError) else type(exc).__name__


def _markup(buttons: Keyboard | tuple[tuple[InlineKeyboardButton, ...], ...]
            ) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows = [[b if isinstance(b, InlineKeyboardButton)
             else InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
            for row in buttons]
    return InlineKeyboardMarkup(rows)
