"""Words of a medical emergency or a crisis, which get 911 and 988 before anything else."""

from __future__ import annotations

import re
from collections.abc import Iterable

from flows.ask.text import fold

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _plain(text: str) -> str:
    """Folded, with every run of other characters as one space: "Can’t  breathe!" and
    "can't breathe" both read " can t breathe "."""
    return f" {_NOT_ALNUM.sub(' ', fold(text)).strip()} "


class Safety:
    def __init__(self, phrases: Iterable[str]) -> None:
        self._phrases = tuple(sorted({_plain(p) for p in phrases if _plain(p).strip()}))

    def alarming(self, text: str) -> bool:
        """Whether the text has one of the phrases, as whole words."""
        plain = _plain(text)
        return any(phrase in plain for phrase in self._phrases)
