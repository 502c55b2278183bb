"""What the dialogue answers with, independent of Telegram: text plus buttons."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Literal

from flows.checkins import CheckinChange
from flows.state import ChatState


@dataclass(frozen=True)
class Button:
    label: str
    data: str | None = None  # a callback button, or
    url: str | None = None  # a link button


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Attachment:
    """A file sent as its own message: a chart (photo) or an export (document)."""

    kind: Literal["photo", "document"]
    filename: str
    data: bytes = field(repr=False)
    caption: str = ""  # Telegram-flavoured HTML, at most 1,024 characters
    # The same file for every user (a chart): upload it once and reuse Telegram's file id.
    shared: bool = False


@dataclass(frozen=True)
class Reply:
    text: str  # Telegram-flavoured HTML: <b>, <i>, <a href>; "" when only a file is sent
    keyboard: Keyboard = ()
    # True: show this in place of the message whose button was tapped (no chat spam).
    replace: bool = False
    attachment: Attachment | None = None


@dataclass(frozen=True)
class Outcome:
    state: ChatState
    replies: tuple[Reply, ...] = ()
    notice: str | None = None  # a short acknowledgement on the tapped button
    saved_state: ChatState | None = field(default=None, repr=False)
    # The user asked to delete everything stored about the chat (/forget, confirmed).
    erase: bool = False
    # Check-ins to store (or stop) together with the state.
    checkins: CheckinChange | None = None
    # Aggregate counts to add for today, (metric, label) each: ("ask", "salary.pay") says
    # which section answered a typed question. Never who asked, never what was typed.
    tallies: tuple[tuple[str, str], ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the state must be saved before the replies go out."""
        return self.saved_state is not None and self.state != self.saved_state


def rows(buttons: list[Button], per_row: int) -> Keyboard:
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


def plain_text(text: str) -> str:
    """Telegram HTML as plain text: links keep their address, other tags go."""
    text = re.sub(r'<a href="([^"]+)">(.*?)</a>', r"\2 (\1)", text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def markdown_text(text: str) -> str:
    """Telegram HTML as Markdown: bold, italics and links kept, other tags dropped."""
    text = re.sub(r'<a href="([^"]+)">(.*?)</a>', r"[\2](\1)", text, flags=re.S)
    text = re.sub(r"</?b>", "**", text)
    text = re.sub(r"</?i>", "*", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text))
