"""Turn a content node into messages and keyboards for one person.

Kept apart from the transition logic so the shells can redraw the current screen (after a
sticker, a stale button, a restart) exactly as it first looked.
"""

from __future__ import annotations

import re

from bot.content import Content
from bot.content.callback import CallbackData
from bot.content.models import Node
from bot.engine.effects import Button, Keyboard, Say
from bot.engine.state import Profile

CRISIS_LABEL = "🆘 Crisis help"
#: Crisis-button keys: "x" alone opens the neutral card, a letter after it names the risk
#: (``action: crisis, risk: danger`` in content). All work from any message, however old.
CRISIS_KEYS: dict[str, str | None] = {"x": None, "xs": "self_harm", "xd": "danger",
                                      "xc": "children", "xt": "their_self_harm"}
_KEY_OF_RISK = {risk: key for key, risk in CRISIS_KEYS.items()}
_RELATION_WORDS = {
    "ex": "your ex",
    "partner": "your partner",
    "parent": "your parent",
    "family": "your family member",
    "friend": "your friend",
}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def person_words(relation: str) -> str:
    return _RELATION_WORDS.get(relation, "this person")


def fill(text: str, content: Content, profile: Profile) -> str:
    """Replace placeholders; unknown ones stay visible (the validator reports them)."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "person":
            return person_words(profile.relation)
        if name == "Person":
            words = person_words(profile.relation)
            return words[0].upper() + words[1:]
        if name in ("days", "longest", "total"):
            return str(getattr(profile, name))
        kind, _, field = name.partition(":")
        spec = content.fields.get(field)
        if kind == "list" and spec is not None:
            ticked = [spec.labels.get(v, v) for v in spec.values if (field, v) in profile.marks]
            return "\n".join(f"• {label}" for label in ticked) if ticked else "(nothing ticked yet)"
        return match.group(0)

    return _PLACEHOLDER.sub(one, text)


def data(content: Content, flow: str, node: str, key: str) -> str:
    return CallbackData(flow, node, key, content.version).encode()


def crisis_button(content: Content, flow: str, node: str) -> Button:
    return Button(CRISIS_LABEL, data(content, flow, node, "x"))


def keyboard(content: Content, flow: str, node_id: str, node: Node, profile: Profile) -> Keyboard:
    rows: list[tuple[Button, ...]] = []
    if node.scale:
        scale = [Button(str(n), data(content, flow, node_id, f"s{n}")) for n in range(11)]
        rows += [tuple(scale[:6]), tuple(scale[6:])]
    if node.checklist:
        for i, item in enumerate(node.checklist.items):
            tick = "✅" if (node.checklist.field, item.value) in profile.marks else "▫️"
            rows.append((Button(f"{tick} {item.label}", data(content, flow, node_id, f"t{i}")),))
        rows.append((Button(node.checklist.done_label, data(content, flow, node_id, "done")),))
    for i, button in enumerate(node.buttons):
        if visible(button.when, profile):
            # Crisis buttons share the key "x", which works from any message, however old.
            key = _KEY_OF_RISK.get(button.risk, "x") if button.action == "crisis" else f"b{i}"
            rows.append((Button(button.label, data(content, flow, node_id, key)),))
    has_crisis = any(b.action == "crisis" for b in node.buttons)
    if node.crisis_button and not has_crisis:
        rows.append((crisis_button(content, flow, node_id),))
    return tuple(rows)


def visible(when: str | None, profile: Profile) -> bool:
    if when == "coparent":
        return profile.coparent
    if when == "not_coparent":
        return not profile.coparent
    return True


_COUNTS = ("{days}", "{longest}", "{total}")


def counts_mean_nothing(template: str, profile: Profile) -> bool:
    """A message quoting day counts is left out while there are none (no start date known).

    "0 days in all, longest run 0 days" right after a slip reads as a verdict, not a fact.
    """
    return any(c in template for c in _COUNTS) and not (profile.total or profile.longest)


def node_messages(content: Content, flow: str, node_id: str, profile: Profile,
                  replace: bool = False) -> list[Say]:
    """The node's messages; the keyboard goes on the last one."""
    node = content.flows[flow].nodes[node_id]
    says = [t for t in node.say if not counts_mean_nothing(t, profile)] or node.say[-1:]
    texts = [fill(t, content, profile) for t in says]
    kb = keyboard(content, flow, node_id, node, profile)
    if replace:
        return [Say(texts[-1], kb, replace=True)]
    return [Say(t) for t in texts[:-1]] + [Say(texts[-1], kb)]
