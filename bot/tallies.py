"""The day's tallies (what /stats counts), gathered in memory and written every few seconds.

Written with each step, a typed question's tally was a database write of its own: about a
tenth of what the bot does for the question. Gathered, they cost a dictionary update per
step and one write per few seconds for everything counted meanwhile. What a process had
not yet written when it was killed (not stopped: stopping writes them) is lost; they are
counts for improving the content, never what a user was told was saved.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from bot.storage import Storage

log = logging.getLogger(__name__)

# How often python -m bot writes what it gathered (bot/app.py); /stats writes it first too.
FLUSH_SECONDS = 2.0
# Kinds of (day, metric, label) kept while the database refuses them; beyond it the new ones
# are dropped (and logged), so a database down for days cannot grow the process without end.
MAX_WAITING = 10_000

Tallies = Sequence[tuple[str, str]]


class DailyTallies:
    def __init__(
        self, storage: Storage, on_tallies: Callable[[Tallies], None] | None = None
    ) -> None:
        """on_tallies: told of each step's tallies as they come (the /metrics funnel)."""
        self.storage = storage
        self.on_tallies = on_tallies
        # Per UTC day, the counts of (metric, label) not yet written.
        self._waiting: dict[str, Counter[tuple[str, str]]] = {}
        self._dropped = 0

    def add(self, tallies: Tallies) -> None:
        """One more of each (metric, label) for today (UTC), to be written at the next flush."""
        day = datetime.fromtimestamp(self.storage.now(), UTC).strftime("%Y-%m-%d")
        counts = self._waiting.setdefault(day, Counter())
        for pair in tallies:
            if pair in counts or self._kinds() < MAX_WAITING:
                counts[pair] += 1
            else:
                self._dropped += 1
        if self.on_tallies is not None:
            self.on_tallies(tallies)

    @property
    def waiting(self) -> int:
        """How many tallies are gathered and not yet written."""
        return sum(counts.total() for counts in self._waiting.values())

    def _kinds(self) -> int:
        return sum(len(counts) for counts in self._waiting.values())

    async def flush(self) -> None:
        """Write what was gathered, a day at a time. What the database refuses is kept for
        the next flush and logged (how many, never the labels)."""
        if self._dropped:
            log.warning("dropped %d tallies: too many waiting to be written", self._dropped)
            self._dropped = 0
        gathered, self._waiting = self._waiting, {}
        for day, counts in sorted(gathered.items()):
            try:
                await self.storage.add_tallies(day, counts)
            except Exception as error:
                log.warning("could not add %d tallies: %s", counts.total(), type(error).__name__)
                self._waiting.setdefault(day, Counter()).update(counts)
