"""The engine, told as what happens to a person tapping through a small fixed content tree.

The content lives in `tests/fixtures/story/`, so these tests never depend on the wording of
the real flows (which writers change freely).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.content import Content, load_content
from bot.engine import (
    CRISIS_FLOW,
    Answer,
    Cancel,
    Choice,
    Command,
    End,
    Mark,
    Profile,
    Record,
    Say,
    Schedule,
    ShowCrisis,
    ShowSummary,
    Start,
    Text,
    TimerFired,
    Unsupported,
    UserState,
    expected_input,
    render,
    step,
)
from bot.engine.core import OLD_VERSION, STALE, TYPED

try:  # bot.safety's risk reading is being written alongside; fall back to bare facts.
    from bot.reading import read_text
    from bot.safety import detect_risk, guess_tactic  # noqa: F401
except ImportError:  # pragma: no cover - depends on what else is merged
    def read_text(text: str) -> Text:
        return Text(length=len(text))


FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
CRISIS_KEY = "x"


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(FIXTURES / "story")


def at(flow: str, node: str, **kw: str) -> UserState:
    return UserState(flow=flow, node=node, **kw)


def data(content: Content, flow: str, node: str, key: str) -> str:
    return render.data(content, flow, node, key)


def tap(content: Content, state: UserState, key: str, *, profile: Profile | None = None,
        now: datetime = NOW, flow: str | None = None, node: str | None = None):
    """Tap the button `key` on the screen the person is on (or on another one)."""
    cb = data(content, flow or state.flow or "", node or state.node or "", key)
    return step(content, state, Choice(cb), now, profile)


def says(effects: list) -> list[Say]:
    return [e for e in effects if isinstance(e, Say)]


def text_of(effects: list) -> str:
    return "\n".join(s.text for s in says(effects))


def labels(say: Say) -> list[str]:
    return [b.label for row in say.buttons for b in row]


def current_screen(content: Content, state: UserState, profile: Profile | None = None):
    return render.node_messages(content, state.flow or "", state.node or "", profile or Profile())


# --- Start and commands ---------------------------------------------------------------------


def test_start_opens_a_flow_at_its_first_screen(content: Content) -> None:
    state, effects = step(content, UserState(), Start("urge"), NOW)
    assert (state.flow, state.node) == ("urge", "rate")
    assert says(effects)[0].text == "URGE-RATE"


def test_start_of_an_unknown_flow_opens_the_menu(content: Content) -> None:
    state, effects = step(content, UserState(), Start("no_such_flow"), NOW)
    assert (state.flow, state.node) == ("menu", "home")
    assert "MENU-HOME" in text_of(effects)


def test_start_command_greets_with_the_welcome_in_several_messages(content: Content) -> None:
    state, effects = step(content, UserState(), Command("start"), NOW)
    assert (state.flow, state.node) == ("welcome", "hello")
    first, last = says(effects)
    assert first.text.startswith("WELCOME-ONE") and first.buttons == ()
    assert last.text == "WELCOME-TWO"
    assert "Start urge" in labels(last)


@pytest.mark.parametrize(("command", "where"), [
    ("urge", ("urge", "rate")),
    ("menu", ("menu", "home")),
    ("help", ("help", "about")),
])
def test_commands_open_their_flow_from_anywhere(content: Content, command: str,
                                                where: tuple[str, str]) -> None:
    state, _ = step(content, at("plan", "review"), Command(command), NOW)
    assert (state.flow, state.node) == where


def test_help_opens_the_menu_when_content_has_no_help_flow() -> None:
    small = load_content(FIXTURES / "clean")
    state, _ = step(small, UserState(), Command("help"), NOW)
    assert (state.flow, state.node) == ("menu", "home")


def test_crisis_command_shows_the_crisis_lines_and_a_way_back(content: Content) -> None:
    state, effects = step(content, at("urge", "tactic"), Command("crisis"), NOW)
    assert ShowCrisis(None) in effects
    assert state.flow == CRISIS_FLOW
    assert (state.resume_flow, state.resume_node) == ("urge", "tactic")
    assert "↩️ Back to where I was" in labels(says(effects)[-1])


def test_an_unknown_command_is_answered_and_the_screen_stays(content: Content) -> None:
    before = at("urge", "tactic")
    state, effects = step(content, before, Command("frobnicate"), NOW)
    assert state == before
    assert "/help" in says(effects)[0].text
    assert says(effects)[1:] == current_screen(content, before)


def test_a_sticker_is_answered_kindly_and_the_screen_stays(content: Content) -> None:
    before = at("plan", "review")
    state, effects = step(content, before, Unsupported("sticker"), NOW)
    assert state == before
    assert says(effects)[1:] == current_screen(content, before)


# --- Buttons ---------------------------------------------------------------------------------


def test_a_button_that_goes_to_another_flow_opens_it(content: Content) -> None:
    state, effects = tap(content, at("welcome", "hello"), "b0")
    assert (state.flow, state.node) == ("urge", "rate")
    assert says(effects)[0].text == "URGE-RATE"


def test_a_button_that_records_a_choice_records_it_and_moves_on(content: Content) -> None:
    state, effects = tap(content, at("urge", "tactic"), "b0")
    assert Record("tactic", "guilt") in effects
    assert (state.flow, state.node) == ("urge", "wait")


def test_choosing_the_relation_changes_the_wording_at_once(content: Content) -> None:
    _, effects = tap(content, at("welcome", "hello"), "b2")
    assert effects[0] == Record("relation", "parent")
    assert "PARENT-END about your parent. Your parent stays out." in text_of(effects)


def test_a_help_now_button_opens_crisis_help(content: Content) -> None:
    state, effects = tap(content, at("urge", "tactic"), "b1")
    assert ShowCrisis(None) in effects
    assert state.flow == CRISIS_FLOW


def test_stopping_a_flow_ends_it_and_shows_the_menu(content: Content) -> None:
    state, effects = tap(content, at("urge", "tactic"), "b2")
    assert End("urge") in effects
    assert (state.flow, state.node) == ("menu", "home")
    assert says(effects)[-1].text == "MENU-HOME"


def test_asking_for_my_urges_shows_the_summary_then_the_menu(content: Content) -> None:
    state, effects = tap(content, at("urge", "tactic"), "b3")
    assert ShowSummary() in effects
    assert (state.flow, state.node) == ("menu", "home")


def test_back_to_menu_opens_the_menu_without_ending_anything(content: Content) -> None:
    state, effects = tap(content, at("urge", "tactic"), "b4")
    assert (state.flow, state.node) == ("menu", "home")
    assert not any(isinstance(e, End) for e in effects)


@pytest.mark.parametrize("answer", [0, 5, 10])
def test_rating_the_pull_records_the_number_and_moves_on(content: Content, answer: int) -> None:
    state, effects = tap(content, at("urge", "rate"), f"s{answer}")
    assert effects[0] == Record("pull_before", answer)
    assert isinstance(effects[0].value, int)
    assert (state.flow, state.node) == ("urge", "tactic")


def test_the_scale_shows_eleven_numbers_and_crisis_help(content: Content) -> None:
    _, effects = step(content, UserState(), Start("urge"), NOW)
    assert labels(says(effects)[-1]) == [str(n) for n in range(11)] + [render.CRISIS_LABEL]


@pytest.mark.parametrize(("node", "key"), [
    ("rate", "s11"), ("rate", "s-1"), ("rate", "s"), ("rate", "b0"), ("rate", "done"),
    ("tactic", "b5"), ("tactic", "b99999999999999999999"), ("tactic", "s3"), ("tactic", "t0"),
    ("tactic", "q1"), ("tactic", "b²"), ("rate", "s٣"),
])
def test_a_key_the_screen_does_not_have_only_redraws_it(content: Content, node: str,
                                                        key: str) -> None:
    before = at("urge", node)
    state, effects = tap(content, before, key)
    assert state == before
    assert_one_message_with_the_screen(effects, STALE, current_screen(content, before))
    assert not any(isinstance(e, Record) for e in effects)


# --- Checklists ------------------------------------------------------------------------------


def test_ticking_an_item_marks_it_and_redraws_the_same_message(content: Content) -> None:
    before = at("plan", "pick")
    state, effects = tap(content, before, "t0")
    assert state == before
    assert effects[0] == Mark("steps", "mute", True)
    (redraw,) = says(effects)
    assert redraw.replace is True
    # The shell applies the Mark to the profile; the redraw already shows the tick.
    assert labels(redraw)[:3] == ["✅ Mute", "▫️ Walk", "Done"]


def test_unticking_an_item_unmarks_it(content: Content) -> None:
    profile = Profile(marks=frozenset({("steps", "mute")}))
    state, effects = tap(content, at("plan", "pick"), "t0", profile=profile)
    assert effects[0] == Mark("steps", "mute", False)
    assert labels(says(effects)[0])[0] == "▫️ Mute"


def test_done_moves_on_and_lists_what_was_ticked(content: Content) -> None:
    profile = Profile(marks=frozenset({("steps", "walk")}))
    state, effects = tap(content, at("plan", "pick"), "done", profile=profile)
    assert (state.flow, state.node) == ("plan", "review")
    assert says(effects)[0].text == "PLAN-REVIEW\n• Take a walk"


def test_an_empty_checklist_is_listed_gently(content: Content) -> None:
    _, effects = tap(content, at("plan", "pick"), "done")
    assert "(nothing ticked yet)" in says(effects)[0].text


# --- Timers ----------------------------------------------------------------------------------


def enter_wait(content: Content) -> tuple[UserState, Schedule]:
    state, effects = tap(content, at("urge", "tactic"), "b0")
    (schedule,) = [e for e in effects if isinstance(e, Schedule)]
    return state, schedule


def test_a_waiting_screen_schedules_its_timer(content: Content) -> None:
    state, schedule = enter_wait(content)
    assert schedule.at == NOW + timedelta(minutes=10)
    assert state.timer == schedule.timer_id


def test_when_the_timer_fires_the_flow_goes_on(content: Content) -> None:
    state, schedule = enter_wait(content)
    later = NOW + timedelta(minutes=10)
    state, effects = step(content, state, TimerFired(schedule.timer_id), later)
    assert (state.flow, state.node) == ("urge", "after")
    assert state.timer is None
    assert says(effects)[0].text == "URGE-AFTER"
    assert not any(isinstance(e, Cancel) for e in effects)


def test_a_stale_timer_does_nothing(content: Content) -> None:
    state, schedule = enter_wait(content)
    assert step(content, state, TimerFired("urge.wait.1"), NOW) == (state, [])
    moved, _ = tap(content, state, "b0")  # skipped the wait: the timer was cancelled
    assert step(content, moved, TimerFired(schedule.timer_id), NOW) == (moved, [])


def test_leaving_a_waiting_screen_cancels_its_timer(content: Content) -> None:
    state, schedule = enter_wait(content)
    state, effects = tap(content, state, "b0")
    assert effects[0] == Cancel(schedule.timer_id)
    assert (state.flow, state.node, state.timer) == ("urge", "after", None)


def test_crisis_help_from_a_waiting_screen_cancels_the_timer(content: Content) -> None:
    state, schedule = enter_wait(content)
    _, effects = tap(content, state, CRISIS_KEY)
    assert Cancel(schedule.timer_id) in effects


def morning_timer(content: Content, now: datetime, tz: str) -> datetime:
    _, effects = tap(content, at("plan", "review"), "b0", now=now, profile=Profile(tz=tz))
    (schedule,) = [e for e in effects if isinstance(e, Schedule)]
    return schedule.at


@pytest.mark.parametrize(("now", "expected"), [
    # Before 08:00 local: today.
    (datetime(2026, 3, 10, 6, 0, tzinfo=UTC), datetime(2026, 3, 10, 7, 0, tzinfo=UTC)),
    # After 08:00 local: tomorrow.
    (datetime(2026, 3, 10, 12, 0, tzinfo=UTC), datetime(2026, 3, 11, 7, 0, tzinfo=UTC)),
    # Saturday before the spring change (29 March 2026): 08:00 CEST is 06:00 UTC.
    (datetime(2026, 3, 28, 12, 0, tzinfo=UTC), datetime(2026, 3, 29, 6, 0, tzinfo=UTC)),
    # Early on the change day itself, after the clocks moved.
    (datetime(2026, 3, 29, 5, 0, tzinfo=UTC), datetime(2026, 3, 29, 6, 0, tzinfo=UTC)),
    # Saturday before the autumn change (25 October 2026): 08:00 CET is 07:00 UTC.
    (datetime(2026, 10, 24, 12, 0, tzinfo=UTC), datetime(2026, 10, 25, 7, 0, tzinfo=UTC)),
])
def test_a_morning_check_in_comes_at_eight_on_the_persons_own_clock(
        content: Content, now: datetime, expected: datetime) -> None:
    at_ = morning_timer(content, now, "Europe/Berlin")
    assert at_ == expected
    assert at_.astimezone(UTC).hour == expected.hour


def test_a_morning_check_in_without_a_time_zone_uses_utc(content: Content) -> None:
    now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert morning_timer(content, now, "UTC") == datetime(2026, 3, 11, 8, 0, tzinfo=UTC)


# --- Ends ------------------------------------------------------------------------------------


def test_an_end_with_nothing_to_tap_ends_the_flow_and_the_menu_follows(content: Content) -> None:
    state, effects = tap(content, at("welcome", "hello"), "b2")
    assert End("welcome") in effects
    assert (state.flow, state.node) == ("menu", "home")
    menu = says(effects)[-1]
    assert menu.text == "MENU-HOME"
    assert effects.index(End("welcome")) < effects.index(menu)


def test_an_end_with_its_own_buttons_stays_on_the_end_screen(content: Content) -> None:
    state, effects = tap(content, at("urge", "after"), "b0")
    assert End("urge") in effects
    assert (state.flow, state.node) == ("urge", "done")
    assert "MENU-HOME" not in text_of(effects)


def test_a_timer_that_leads_to_an_end_ends_the_flow(content: Content) -> None:
    state, effects = tap(content, at("plan", "review"), "b0")
    state, effects = step(content, state, TimerFired(state.timer or ""), NOW + timedelta(days=1))
    assert End("plan") in effects
    assert (state.flow, state.node) == ("menu", "home")


# --- Old buttons and crisis help -------------------------------------------------------------


def test_tap_on_an_old_button_shows_the_current_screen(content: Content) -> None:
    before = at("urge", "tactic")
    state, effects = tap(content, before, "s5", flow="urge", node="rate")
    assert state == before
    assert_one_message_with_the_screen(effects, STALE, current_screen(content, before))
    assert not any(isinstance(e, Record) for e in effects)


def test_a_button_from_before_an_update_says_the_menu_expired(content: Content) -> None:
    before = at("urge", "rate")
    state, effects = step(content, before, Choice("urge:rate:s5:000000"), NOW)
    assert state == before
    assert "expired" in says(effects)[0].text
    assert_one_message_with_the_screen(effects, OLD_VERSION, current_screen(content, before))


def assert_one_message_with_the_screen(effects: list, note: str, screen_now: list) -> None:
    """A stale tap is answered with one message: the note, then the screen's last message
    with its buttons (50 taps on an old button once sent 100 messages)."""
    (answer,) = says(effects)
    assert answer.text.startswith(note)
    assert answer.text.endswith(screen_now[-1].text)
    assert answer.buttons == screen_now[-1].buttons


def every_screen(content: Content) -> list[tuple[str, str]]:
    return [(f, n) for f, flow in content.flows.items() for n in flow.nodes]


def test_every_screen_is_one_tap_from_crisis_help(content: Content) -> None:
    for flow, node in every_screen(content):
        state = at(flow, node)
        messages = current_screen(content, state)
        taps = [b.data for row in messages[-1].buttons for b in row]
        assert any(ShowCrisis(None) in step(content, state, Choice(d), NOW)[1] for d in taps), (
            flow, node)


def test_the_crisis_button_works_from_every_screen(content: Content) -> None:
    for flow, node in every_screen(content):
        state, effects = tap(content, at(flow, node), CRISIS_KEY)
        assert ShowCrisis(None) in effects, (flow, node)
        assert (state.flow, state.resume_flow, state.resume_node) == (CRISIS_FLOW, flow, node)


def test_the_crisis_button_works_on_an_old_message_from_before_an_update(
        content: Content) -> None:
    before = at("plan", "review")
    state, effects = step(content, before, Choice("urge:rate:x:0ld0ld"), NOW)
    assert ShowCrisis(None) in effects
    assert state.flow == CRISIS_FLOW


def test_back_after_crisis_help_returns_to_where_i_was(content: Content) -> None:
    crisis, _ = tap(content, at("urge", "tactic"), CRISIS_KEY)
    state, effects = tap(content, crisis, "back")
    assert (state.flow, state.node) == ("urge", "tactic")
    assert says(effects) == current_screen(content, state)


def test_back_to_a_waiting_screen_after_crisis_help_restarts_its_timer(content: Content) -> None:
    waiting, _ = enter_wait(content)
    crisis, _ = tap(content, waiting, CRISIS_KEY)
    state, effects = tap(content, crisis, "back")
    assert (state.flow, state.node) == ("urge", "wait")
    assert any(isinstance(e, Schedule) for e in effects)
    assert state.timer is not None


def test_crisis_help_twice_still_remembers_where_i_was(content: Content) -> None:
    crisis, _ = tap(content, at("plan", "review"), CRISIS_KEY)
    again, _ = step(content, crisis, Command("crisis"), NOW)
    state, _ = tap(content, again, "back")
    assert (state.flow, state.node) == ("plan", "review")


def test_menu_after_crisis_help_opens_the_menu(content: Content) -> None:
    crisis, _ = tap(content, at("urge", "tactic"), CRISIS_KEY)
    state, _ = tap(content, crisis, "menu")
    assert (state.flow, state.node) == ("menu", "home")


def test_crisis_help_before_anything_else_offers_another_country_and_the_menu(
        content: Content) -> None:
    _, effects = step(content, UserState(), Command("crisis"), NOW, Profile(country="GB"))
    assert labels(says(effects)[-1]) == ["🌍 Lines in another country", "Menu"]


def test_someone_travelling_can_see_another_countrys_lines(content: Content) -> None:
    state, effects = step(content, UserState(), Command("crisis"), NOW, Profile(country="GB"))
    pick = next(b.data for row in says(effects)[-1].buttons for b in row
                if "another country" in b.label)
    state, effects = step(content, state, Choice(pick), NOW)
    assert expected_input(content, state) == "country"
    state, effects = step(content, state, Answer("nz"), NOW)
    assert ShowCrisis(None, "nz") in effects
    assert expected_input(content, state) is None


# --- Malformed callback data -----------------------------------------------------------------

STATES = [UserState(), at("urge", "rate"), at("urge", "tactic"), at("plan", "pick"),
          at("urge", "wait", timer="urge.wait.1"),
          UserState(flow=CRISIS_FLOW, node="card", resume_flow="urge", resume_node="rate")]


@pytest.mark.parametrize("raw", [
    "", ":", ":::", "a:b:c", "a:b:c:d:e", "garbage", "x" * 65, "é" * 33, "\x00:\x00:\x00:\x00",
    "urge:rate:s5", "urge:rate::v", "::x:",
])
def test_malformed_button_data_never_breaks_the_conversation(content: Content, raw: str) -> None:
    for before in STATES:
        state, effects = step(content, before, Choice(raw), NOW)
        assert isinstance(state, UserState)
        assert says(effects), (raw, before)


@settings(max_examples=300, deadline=None)
@given(state=st.sampled_from(STATES), key=st.text(max_size=30), raw=st.text(max_size=80),
       which=st.sampled_from(["raw", "rate", "tactic", "pick", "card"]))
def test_any_button_data_at_all_is_answered_without_raising(
        content: Content, state: UserState, key: str, raw: str, which: str) -> None:
    where = {"rate": ("urge", "rate"), "tactic": ("urge", "tactic"), "pick": ("plan", "pick"),
             "card": (CRISIS_FLOW, "card")}
    payload = raw if which == "raw" else data(content, *where[which], key)
    new, effects = step(content, state, Choice(payload), NOW)
    assert isinstance(new, UserState)
    assert effects


# --- What the person sees depends on their profile --------------------------------------------


def test_coparent_only_buttons_show_only_to_coparents(content: Content) -> None:
    state = at("welcome", "hello")
    solo = labels(current_screen(content, state, Profile(coparent=False))[-1])
    shared = labels(current_screen(content, state, Profile(coparent=True))[-1])
    assert "Co-parent only" not in solo and "Not co-parent only" in solo
    assert "Co-parent only" in shared and "Not co-parent only" not in shared


def test_a_hidden_coparent_button_cannot_be_tapped(content: Content) -> None:
    before = at("welcome", "hello")
    state, effects = tap(content, before, "b3", profile=Profile(coparent=False))
    assert state == before
    assert says(effects)[0].text.startswith(STALE)
    state, _ = tap(content, before, "b3", profile=Profile(coparent=True))
    assert (state.flow, state.node) != ("welcome", "hello")


@pytest.mark.parametrize(("relation", "words"), [
    ("ex", "your ex"), ("parent", "your parent"), ("other", "this person"),
    ("unheard_of", "this person"),
])
def test_the_person_is_named_the_way_the_user_chose(content: Content, relation: str,
                                                    words: str) -> None:
    _, effects = step(content, UserState(), Command("start"), NOW, Profile(relation=relation))
    assert says(effects)[0].text == f"WELCOME-ONE about {words}"


def test_a_capitalised_person_placeholder_starts_a_sentence(content: Content) -> None:
    messages = current_screen(content, at("welcome", "parent"), Profile(relation="ex"))
    assert messages[0].text == "PARENT-END about your ex. Your ex stays out."


def test_days_without_contact_are_filled_in(content: Content) -> None:
    messages = current_screen(content, at("urge", "done"), Profile(days=12))
    assert messages[0].text == "URGE-DONE after 12 days"


def test_the_list_placeholder_shows_ticked_items_by_their_labels(content: Content) -> None:
    marks = frozenset({("steps", "mute"), ("steps", "walk")})
    messages = current_screen(content, at("plan", "review"), Profile(marks=marks))
    assert messages[0].text == "PLAN-REVIEW\n• Mute the chat\n• Take a walk"


# --- Privacy: typed text never enters state or effects -----------------------------------------


@settings(max_examples=300, deadline=None)
@given(typed=st.text(min_size=1, max_size=300), before=st.sampled_from(STATES))
def test_what_someone_types_is_never_kept_or_echoed(content: Content, typed: str,
                                                    before: UserState) -> None:
    baseline = repr(step(content, before, Text(length=0), NOW))
    assume(typed.strip() and typed not in baseline)
    event = read_text(typed)
    assert isinstance(event, Text) and event.length == len(typed)
    new, effects = step(content, before, event, NOW)
    assert typed not in repr(new)
    assert typed not in repr(effects)
    for effect in effects:
        assert typed not in repr(effect)


def test_typing_on_a_screen_explains_buttons_and_keeps_the_place(content: Content) -> None:
    before = at("urge", "tactic")
    state, effects = step(content, before, Text(length=42), NOW)
    assert state == before
    assert says(effects)[0].text == TYPED
    assert says(effects)[1:] == current_screen(content, before)
