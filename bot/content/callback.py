"""Callback data for inline buttons: ``<flow>:<node>:<key>:<content version>``.

Telegram caps callback data at 64 bytes and keeps old keyboards in the chat forever, so the
data names exactly which screen a button belonged to and which content it came from. A tap on
a button from another screen or an older content version is recognised and answered kindly.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64
VERSION_LENGTH = 6


@dataclass(frozen=True)
class CallbackData:
    flow: str
    node: str
    key: str
    version: str

    def encode(self) -> str:
        return f"{self.flow}:{self.node}:{self.key}:{self.version}"


def decode(data: str | None) -> CallbackData | None:
    """Parse callback data; anything malformed (forged, truncated, ancient) gives None."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(":")
    if len(parts) != 4 or not all(parts):
        return None
    return CallbackData(*parts)


def longest_key(buttons: int, scale: bool, checklist_items: int) -> str:
    """The longest key a node can produce, for the validator's 64-byte check."""
    keys = [f"b{buttons - 1}"] if buttons else []
    if scale:
        keys.append("s10")
    if checklist_items:
        keys += [f"t{checklist_items - 1}", "done"]
    keys.append("x")  # the crisis button
    return max(keys, key=len)
