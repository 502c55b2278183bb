"""When the day-30/60/90 check-ins fall, and what the caller must change in storage.

Pure: the current time comes from a clock the caller passes in. A check-in is due at 10:00
in the user's time zone on the day it names, counted from the day the user asked for them;
with a shortened "day" (CHECKIN_DAY_SECONDS, for tests and demos) it is simply that many
seconds per day from now.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flows.schema import Phase, Track

CHECKIN_DAYS: dict[Phase, int] = {"day30": 30, "day60": 60, "day90": 90}
CHECKIN_HOUR = 10
# US time zones in menu order, east to west: the contiguous four, Arizona (which keeps
# standard time all year), Alaska, Hawaii, and Puerto Rico (Atlantic time, no daylight
# saving) first.
ZONES: dict[str, str] = {
    "puerto_rico": "America/Puerto_Rico",
    "eastern": "America/New_York",
    "central": "America/Chicago",
    "mountain": "America/Denver",
    "arizona": "America/Phoenix",
    "pacific": "America/Los_Angeles",
    "alaska": "America/Anchorage",
    "hawaii": "Pacific/Honolulu",
}
DEFAULT_ZONE = "eastern"


def zone_of(timezone: str | None) -> str:
    return timezone if timezone in ZONES else DEFAULT_ZONE


def plan_key(persona: str, track: Track) -> str:
    """How a plan is named in stored state, file names and the reminders table."""
    return f"{persona}-{track}"


def split_plan_key(key: str) -> tuple[str, str]:
    persona, _, track = key.rpartition("-")
    return persona, track


@dataclass(frozen=True)
class CheckinChange:
    """What to do with a chat's stored check-ins, in the transaction that saves its state.

    replace (the default): the chat's check-ins become exactly `due` (empty: stop them all).
    move_only: move the listed days to new times, where they are still waiting to be sent.
    """

    due: tuple[tuple[int, int], ...] = ()  # (day, Unix seconds)
    plan: str = ""
    language: str = ""
    move_only: bool = False


class CheckinCalendar:
    def __init__(
        self, clock: Callable[[], float] = time.time, day_seconds: float | None = None
    ) -> None:
        self.clock = clock
        self.day_seconds = day_seconds

    @property
    def aligned(self) -> bool:
        """Whether check-ins fall at 10:00 local time (not with a shortened day)."""
        return self.day_seconds is None

    def now(self) -> float:
        return self.clock()

    def today(self, zone: str) -> date:
        return datetime.fromtimestamp(self.now(), ZoneInfo(ZONES[zone])).date()

    def local(self, timestamp: float, zone: str) -> datetime:
        return datetime.fromtimestamp(timestamp, ZoneInfo(ZONES[zone]))

    def due_times(self, start: date, zone: str) -> tuple[int, ...]:
        """Day 30, 60 and 90 counted from start (today, when the user says yes)."""
        days = CHECKIN_DAYS.values()
        if self.day_seconds is not None:
            now = self.now()
            return tuple(math.ceil(now + day * self.day_seconds) for day in days)
        return tuple(self._at_ten(start + timedelta(days=day), zone) for day in days)

    def moved(self, start: date, due: tuple[int, ...], zone: str) -> tuple[int, ...]:
        """The same days at 10:00 in another time zone; check-ins already due stay put."""
        if not self.aligned:
            return due
        now = self.now()
        return tuple(
            self._at_ten(start + timedelta(days=day), zone) if when > now else when
            for day, when in zip(CHECKIN_DAYS.values(), due, strict=True)
        )

    @staticmethod
    def _at_ten(day: date, zone: str) -> int:
        local = datetime(day.year, day.month, day.day, CHECKIN_HOUR, tzinfo=ZoneInfo(ZONES[zone]))
        return int(local.timestamp())
