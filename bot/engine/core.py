"""The engine: (content, state, event, now, profile) -> (new state, effects).

Pure on purpose: no I/O, no clock, no Telegram. Every decision the bot makes is here, so it
can be tested exhaustively and the console and Telegram shells stay thin.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.content import Content
from bot.content.callback import decode
from bot.content.models import Button as ContentButton
from bot.engine import crisis, render
from bot.engine.effects import (
    Button,
    Cancel,
    Effect,
    End,
    Mark,
    OfferDelete,
    Record,
    Say,
    Schedule,
    ShowCrisis,
    ShowSummary,
)
from bot.engine.events import (
    Answer,
    Choice,
    Command,
    Event,
    Start,
    Text,
    TimerFired,
    Unsupported,
)
from bot.engine.state import CRISIS_FLOW, PASTE_FLOW, Profile, UserState

MENU = "menu"
#: Slash commands that open a flow; both shells (console and Telegram) use this one map.
COMMAND_FLOWS = {"start": "welcome", "urge": "urge", "menu": MENU, "help": "help",
                 "settings": "setup", "checkins": "checkins"}

STALE = "That button is from an earlier screen, so here is where we are now."
OLD_VERSION = "That menu has expired since the bot was updated. Here is the current one."
TYPED = ("I read what you type only to check that you are safe, and I don't keep it. "
         "The buttons are how we go on.")
UNSUPPORTED = {
    "edit": "I don't keep or re-read edited messages. The buttons are how we go on.",
    "command": "I don't know that command. /help lists what I can do.",
}
UNSUPPORTED_DEFAULT = "I can't use that here, and I haven't kept it. The buttons are how we go on."
#: Screens that ask what the other person sent: text pasted there is in their words.
THEIR_WORDS_AT = frozenset({("urge", "what")})
#: The "they're here" screen that follows danger lines (optional: without it, the card's
#: own follow-up).
UNSAFE_FLOW = "unsafe"
COUNTRY_PICK = "Which country? Tap one, or type the country's name."
PASTE_OFFER = ("That reads like it could be {label}. Do you want to look at what it is "
               "for, before you decide anything?")

Result = tuple[UserState, list[Effect]]


def step(content: Content, state: UserState, event: Event, now: datetime,
         profile: Profile | None = None) -> Result:
    """Apply one event. `now` must be timezone-aware; the engine never reads a clock."""
    profile = profile or Profile()
    match event:
        case Start(flow):
            return _start(content, state, flow, now, profile)
        case Command(name):
            return _command(content, state, name, now, profile)
        case Choice(data):
            return _choice(content, state, data, now, profile)
        case Text():
            return _text(content, state, event, now, profile)
        case Answer(value):
            return _answer(content, state, value, now, profile)
        case TimerFired(timer_id):
            return _timer(content, state, timer_id, now, profile)
        case Unsupported(kind):
            note = Say(UNSUPPORTED.get(kind, UNSUPPORTED_DEFAULT))
            return state, [note, *screen(content, state, profile)]
    raise TypeError(f"unknown event {type(event).__name__}")


def screen(content: Content, state: UserState, profile: Profile) -> list[Say]:
    """Redraw where the person is, with no side effects (timers stay as they are)."""
    if state.flow == CRISIS_FLOW:
        if state.node == "pick":
            return [_country_pick(content)]
        if state.node == "whose":
            return [crisis.whose(content, state, profile)]
        if state.node == "check":
            return [crisis.check(content)]
        return [crisis.followup(content, state, profile)]
    if state.flow == PASTE_FLOW and state.guess:
        return [_paste_offer(content, state.guess)]
    if state.flow and state.node and content.node(state.flow, state.node):
        return render.node_messages(content, state.flow, state.node, profile)
    return render.node_messages(content, MENU, content.flows[MENU].start, profile)


def _start(content: Content, state: UserState, flow: str, now: datetime,
           profile: Profile) -> Result:
    if flow not in content.flows:
        flow = MENU
    return _enter(content, state, flow, content.flows[flow].start, now, profile)


def _command(content: Content, state: UserState, name: str, now: datetime,
             profile: Profile) -> Result:
    if name == "crisis":
        return _crisis(content, state, None, profile)
    flow = COMMAND_FLOWS.get(name)
    if flow is None:
        return step(content, state, Unsupported("command"), now, profile)
    return _start(content, state, flow if flow in content.flows else MENU, now, profile)


def _enter(content: Content, state: UserState, flow: str, node_id: str, now: datetime,
           profile: Profile, effects: list[Effect] | None = None) -> Result:
    """Move to a node: cancel any pending timer, say the node, start its own timer."""
    effects = list(effects or [])
    if state.timer:
        effects.append(Cancel(state.timer))
    node = content.flows[flow].nodes[node_id]
    new = UserState(flow=flow, node=node_id)
    effects += render.node_messages(content, flow, node_id, profile)
    if node.timer:
        timer_id = f"{flow}.{node_id}.{int(now.timestamp())}"
        effects.append(Schedule(_when(node.timer.minutes, node.timer.at, now, profile), timer_id))
        new = replace(new, timer=timer_id)
    if node.end:
        effects.append(End(flow))
        if not (node.buttons or node.scale or node.checklist or node.timer):
            menu = content.flows[MENU]
            effects += render.node_messages(content, MENU, menu.start, profile)
            new = UserState(flow=MENU, node=menu.start)
    return new, effects


def _when(minutes: int | None, at: str | None, now: datetime, profile: Profile) -> datetime:
    if minutes is not None:
        return now + timedelta(minutes=minutes)
    assert at is not None
    hour, minute = (int(p) for p in at.split(":"))
    local = now.astimezone(ZoneInfo(profile.tz))
    target = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target <= local:
        # Add a calendar day on the wall clock, so "08:00" stays 08:00 across a DST change.
        target = (local + timedelta(days=1)).replace(hour=hour, minute=minute, second=0,
                                                     microsecond=0)
    return target


def _choice(content: Content, state: UserState, data: str, now: datetime,
            profile: Profile) -> Result:
    cb = decode(data)
    if cb is not None and cb.key in crisis.RISK_BY_KEY:
        # The crisis button works from any message, however old.
        return _crisis_for(content, state, crisis.RISK_BY_KEY[cb.key], now, profile)
    if cb is not None and cb.flow == CRISIS_FLOW:
        # So do a country's numbers and remembering it: a number is one tap away.
        anytime = _crisis_any_time(content, state, cb.node, cb.key, profile)
        if anytime is not None:
            return anytime
    if cb is None or cb.version != content.version:
        return state, _noted(OLD_VERSION, screen(content, state, profile))
    if (cb.flow, cb.node) != (state.flow, state.node):
        return state, _noted(STALE, screen(content, state, profile))
    if cb.flow == CRISIS_FLOW:
        return _crisis_choice(content, state, cb.key, now, profile)
    if cb.flow == PASTE_FLOW:
        return _paste_choice(content, state, cb.key, now, profile)
    node = content.node(cb.flow, cb.node)
    if node is None:
        return state, _noted(OLD_VERSION, screen(content, state, profile))
    kind, number = cb.key[:1], cb.key[1:]
    # ASCII only: str.isdigit() accepts "²", which int() then rejects (forged data must not raise).
    digits = number.isascii() and number.isdigit()
    if kind == "b" and digits and int(number) < len(node.buttons):
        button = node.buttons[int(number)]
        if render.visible(button.when, profile):
            return _press(content, state, button, now, profile)
    if kind == "s" and node.scale and digits and int(number) <= 10:
        record = Record(node.scale.record, int(number))
        return _enter(content, state, cb.flow, node.scale.go, now, profile, [record])
    if node.checklist and cb.key == "done":
        return _enter(content, state, cb.flow, node.checklist.go, now, profile)
    if kind == "t" and node.checklist and digits:
        index = int(number)
        if index < len(node.checklist.items):
            return _toggle(content, state, node.checklist.field,
                           node.checklist.items[index].value, profile)
    return state, _noted(STALE, screen(content, state, profile))


def _noted(note: str, where: list[Say]) -> list[Effect]:
    """One message for a stale tap: the note above where they are now (its keyboard kept).

    A note and a whole screen per tap made 50 taps on an old button 100 messages; the
    earlier messages of the screen were seen already, its last one carries the buttons.
    """
    last = where[-1]
    return [Say(f"{note}\n\n{last.text}", last.buttons)]


def _press(content: Content, state: UserState, button: ContentButton, now: datetime,
           profile: Profile) -> Result:
    effects: list[Effect] = [Record(f, v) for f, v in button.record.items()]
    profile = with_records(profile, button.record)
    assert state.flow is not None
    if button.go:
        return _enter(content, state, state.flow, button.go, now, profile, effects)
    if button.flow:
        target = content.flows[button.flow]
        return _enter(content, state, target.id, target.start, now, profile, effects)
    if button.action == "crisis":
        new, more = _crisis_for(content, state, button.risk, now, profile)
        return new, effects + more
    if button.action in ("summary", "progress"):
        effects.append(ShowSummary("progress" if button.action == "progress" else "urges"))
    elif button.action == "end":
        effects.append(End(state.flow))
    return _enter(content, state, MENU, content.flows[MENU].start, now, profile, effects)


def with_records(profile: Profile, record: dict[str, str]) -> Profile:
    """Let wording adapt at once when a choice sets the relation or co-parenting.

    Shells without a store (the console) use it too, so both adapt the same way.
    """
    if "relation" in record:
        profile = replace(profile, relation=record["relation"])
    if "coparent" in record:
        profile = replace(profile, coparent=record["coparent"] == "yes")
    if record.get("country"):
        profile = replace(profile, country=record["country"].upper())
    if record.get("run") == "restart":
        # The same arithmetic as the store's restart: days done stay in total and longest.
        profile = replace(profile, days=0, longest=max(profile.longest, profile.days))
    return profile


def _toggle(content: Content, state: UserState, field: str, value: str,
            profile: Profile) -> Result:
    on = (field, value) not in profile.marks
    marks = profile.marks | {(field, value)} if on else profile.marks - {(field, value)}
    updated = replace(profile, marks=frozenset(marks))
    assert state.flow and state.node
    redraw = render.node_messages(content, state.flow, state.node, updated, replace=True)
    return state, [Mark(field, value, on), *redraw]


def _resume_of(state: UserState) -> tuple[str | None, str | None]:
    """Where "back" leads from a detour: the detour's own resume point, or here."""
    if state.flow in (CRISIS_FLOW, PASTE_FLOW):
        return state.resume_flow, state.resume_node
    return state.flow, state.node


def _crisis_place(state: UserState, node: str) -> Result:
    """Move to an engine crisis screen, keeping the way back (and stopping a flow timer)."""
    effects: list[Effect] = [Cancel(state.timer)] if state.timer else []
    flow, resume = _resume_of(state)
    return UserState(flow=CRISIS_FLOW, node=node, resume_flow=flow, resume_node=resume), effects


def _crisis(content: Content, state: UserState, risk: str | None, profile: Profile) -> Result:
    new, effects = _crisis_place(state, "card")
    return new, [*effects, ShowCrisis(risk), crisis.followup(content, new, profile, risk=risk)]


def _crisis_for(content: Content, state: UserState, risk: str | None, now: datetime,
                profile: Profile) -> Result:
    """A crisis button: danger goes on to the "they're here" screen, others to the card."""
    if risk == "danger":
        return _danger(content, state, now, profile)
    return _crisis(content, state, risk, profile)


def _danger(content: Content, state: UserState, now: datetime, profile: Profile) -> Result:
    """Danger lines first, then what to do while they are near (stay with people...)."""
    if UNSAFE_FLOW not in content.flows:
        return _crisis(content, state, "danger", profile)
    effects: list[Effect] = [ShowCrisis("danger"), *crisis.country_say(content, profile, "danger")]
    unsafe = content.flows[UNSAFE_FLOW]
    return _enter(content, state, UNSAFE_FLOW, unsafe.start, now, profile, effects)


def _their_threat(content: Content, state: UserState, now: datetime, profile: Profile) -> Result:
    """Their threat to hurt themselves: the number framed as one to call for them, then the
    screen that explains the threat as a way back into contact."""
    spec = content.fields.get("tactic")
    flow, _, node = (spec.explain.get("self_harm_threat", "") if spec else "").partition(".")
    if content.node(flow, node) is None:
        return _crisis(content, state, crisis.THEIR_SELF_HARM, profile)
    effects: list[Effect] = [ShowCrisis(crisis.THEIR_SELF_HARM),
                             *crisis.country_say(content, profile, crisis.THEIR_SELF_HARM),
                             Record("tactic", "self_harm_threat")]
    return _enter(content, state, flow, node, now, profile, effects)


def _ask_whose(content: Content, state: UserState, profile: Profile) -> Result:
    """Self-harm words of unclear voice: numbers first (never wait), then ask whose."""
    new, effects = _crisis_place(state, "whose")
    return new, [*effects, ShowCrisis(None), crisis.whose(content, new, profile)]


def _crisis_any_time(content: Content, state: UserState, node: str, key: str,
                     profile: Profile) -> Result | None:
    """Crisis-card buttons that work from any screen: a country's lines, remembering it,
    typing a country's name. None when `key` is not one of them."""
    code = key[1:]
    is_code = len(code) == 2 and code.isascii() and code.isalpha()
    if key[:1] == "c" and is_code:
        risk = crisis.RISK_BY_NODE.get(node)
        new, effects = _crisis_place(state, "card")
        return new, [*effects, ShowCrisis(risk, code),
                     crisis.followup(content, new, profile, risk=risk, shown=code)]
    if key[:1] == "r" and is_code:
        new, effects = _crisis_place(state, "card")
        remembered = replace(profile, country=code.upper())
        return new, [*effects, Record("country", code.lower()),
                     crisis.followup(content, new, remembered, text=crisis.REMEMBERED)]
    if key == "type":
        new, effects = _crisis_place(state, "pick")
        return new, [*effects, _country_pick(content)]
    return None


def _country_pick(content: Content) -> Say:
    """A few countries as buttons; any other is found by typing its name."""
    spec = content.fields.get("country")
    rows = [(Button(label, render.data(content, CRISIS_FLOW, "pick", f"c{code}")),)
            for code, label in (spec.labels.items() if spec else [])]
    rows.append((Button("↩️ Back", render.data(content, CRISIS_FLOW, "pick", "card")),))
    return Say(COUNTRY_PICK, tuple(rows))


def _crisis_choice(content: Content, state: UserState, key: str, now: datetime,
                   profile: Profile) -> Result:
    if state.node == "whose" and key == "own":
        card = replace(state, node="card")
        return card, [crisis.followup(content, card, profile, risk="self_harm", text=crisis.OWN)]
    if state.node == "whose" and key == "theirs":
        return _their_threat(content, state, now, profile)
    if state.node == "check" and key == "self":
        return _crisis(content, state, "self_harm", profile)
    if state.node == "check" and key == "danger":
        return _danger(content, state, now, profile)
    if key == "pick":
        new = replace(state, node="pick")
        return new, [_country_pick(content)]
    if state.node == "pick":
        card = replace(state, node="card")
        return card, [crisis.followup(content, card, profile)]
    flow, node = state.resume_flow, state.resume_node
    if key in ("back", "ok") and flow and node and content.node(flow, node):
        return _enter(content, state, flow, node, now, profile)
    return _start(content, state, MENU, now, profile)


def _text(content: Content, state: UserState, event: Text, now: datetime,
          profile: Profile) -> Result:
    voice = event.voice
    if voice is None and (state.flow, state.node) in THEIR_WORDS_AT:
        voice = "theirs"  # pasted in answer to "what did they send?"
    if event.risk == "self_harm" and voice == "theirs":
        return _their_threat(content, state, now, profile)
    if event.risk == "self_harm" and voice is None:
        return _ask_whose(content, state, profile)
    if event.risk == "danger" and voice == "theirs":
        return _danger(content, state, now, profile)
    if event.risk:
        return _crisis(content, state, event.risk, profile)
    if event.unsure:
        new, effects = _crisis_place(state, "check")
        return new, [*effects, crisis.check(content)]
    spec = content.fields.get("tactic")
    if event.tactic and spec and event.tactic in spec.explain:
        if state.flow in (CRISIS_FLOW, PASTE_FLOW):
            resume = (state.resume_flow, state.resume_node)
        else:
            resume = (state.flow, state.node)
        new = UserState(flow=PASTE_FLOW, node="guess", timer=state.timer, resume_flow=resume[0],
                        resume_node=resume[1], guess=event.tactic)
        return new, [OfferDelete(), _paste_offer(content, event.tactic)]
    return state, [Say(TYPED), *screen(content, state, profile)]


def _answer(content: Content, state: UserState, value: str, now: datetime,
            profile: Profile) -> Result:
    if (state.flow, state.node) == (CRISIS_FLOW, "pick"):
        card = replace(state, node="card")
        return card, [ShowCrisis(None, value),
                      crisis.followup(content, card, profile, shown=value)]
    node = content.node(state.flow or "", state.node or "")
    if node is None or node.input is None:
        return state, [Say(TYPED), *screen(content, state, profile)]
    record = Record(node.input.record, value)
    return _enter(content, state, state.flow or "", node.input.go, now, profile, [record])


def expected_input(content: Content, state: UserState) -> str | None:
    """The kind of typed answer the current screen accepts, if any (country, date, time)."""
    if (state.flow, state.node) == (CRISIS_FLOW, "pick"):
        return "country"
    node = content.node(state.flow or "", state.node or "")
    return node.input.kind if node and node.input else None


def _paste_offer(content: Content, tactic: str) -> Say:
    spec = content.fields["tactic"]
    label = spec.labels.get(tactic, tactic.replace("_", " "))
    rows = (
        (Button("Yes, show me", render.data(content, PASTE_FLOW, "guess", "yes")),),
        (Button("Not now", render.data(content, PASTE_FLOW, "guess", "no")),),
        (render.crisis_button(content, PASTE_FLOW, "guess"),),
    )
    return Say(PASTE_OFFER.format(label=label), rows)


def _paste_choice(content: Content, state: UserState, key: str, now: datetime,
                  profile: Profile) -> Result:
    spec = content.fields.get("tactic")
    if key == "yes" and spec and state.guess in spec.explain:
        flow, _, node = spec.explain[state.guess].partition(".")
        effects: list[Effect] = [Record("tactic", state.guess)]
        return _enter(content, state, flow, node, now, profile, effects)
    flow, node = state.resume_flow, state.resume_node
    if flow and node and content.node(flow, node):
        back = replace(state, flow=flow, node=node, resume_flow=None, resume_node=None,
                       guess=None)
        return back, screen(content, back, profile)
    return _start(content, state, MENU, now, profile)


def _timer(content: Content, state: UserState, timer_id: str, now: datetime,
           profile: Profile) -> Result:
    if timer_id != state.timer or not state.flow or not state.node:
        return state, []  # cancelled or superseded: nothing to say
    if state.flow == PASTE_FLOW:
        # They are reading the pasted-message offer: don't interrupt; "Not now" will take
        # them to where the timer would have.
        waiting = content.node(state.resume_flow or "", state.resume_node or "")
        if waiting is not None and waiting.timer is not None:
            return replace(state, timer=None, resume_node=waiting.timer.go), []
        return replace(state, timer=None), []
    node = content.node(state.flow, state.node)
    if node is None or node.timer is None:
        return replace(state, timer=None), []
    return _enter(content, replace(state, timer=None), state.flow, node.timer.go, now, profile)
