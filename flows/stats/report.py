"""The per-day counts turned into what /stats shows: totals and splits over 7 and 30 days."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from flows.stats import (
    ASK,
    ASK_NO_MATCH,
    ASK_QUIZ_ANSWER,
    ASK_SAFETY,
    FUNNEL,
    PLAN,
    QUESTION_ANSWERED,
    QUESTION_UNMATCHED,
    QUIZ_FINISHED,
    QUIZ_STARTED,
    SAFETY_REPLY,
    TYPED_QUIZ_ANSWER,
)

WINDOWS = (7, 30)
# The events drawn day by day on the chart.
CHARTED = (QUIZ_STARTED, QUIZ_FINISHED, PLAN)

Row = tuple[str, str, str, int]  # (day "YYYY-MM-DD", event, label, count)


@dataclass(frozen=True)
class Window:
    """What happened on the last `days` days, today included."""

    days: int
    totals: Mapping[str, int]  # event -> count
    labels: Mapping[str, Mapping[str, int]]  # event -> label -> count

    def total(self, event: str) -> int:
        return self.totals.get(event, 0)

    def split(self, event: str) -> Mapping[str, int]:
        return self.labels.get(event, {})


@dataclass(frozen=True)
class StatsReport:
    today: date
    windows: tuple[Window, ...]
    # For the chart: each of the last 30 days, and each charted event's count on it.
    days: tuple[date, ...]
    daily: Mapping[str, tuple[int, ...]]

    def window(self, days: int) -> Window:
        return next(w for w in self.windows if w.days == days)


def first_day(today: date, days: int = max(WINDOWS)) -> str:
    """The earliest day a report covering `days` days needs, as the database stores it."""
    return (today - timedelta(days=days - 1)).isoformat()


# Typed text that was not a question about careers, counted apart from the topics.
_ASK_APART = {
    ASK_NO_MATCH: QUESTION_UNMATCHED,
    ASK_SAFETY: SAFETY_REPLY,
    ASK_QUIZ_ANSWER: TYPED_QUIZ_ANSWER,
}


def as_event(event: str, label: str) -> tuple[str, str]:
    """A stored tally as the event /stats reports it: a typed question's tally becomes
    answered (labelled with the section or intent), not understood, a typed quiz answer or
    a safety reply."""
    if event != ASK:
        return event, label
    if label in _ASK_APART:
        return _ASK_APART[label], ""
    unmatched, _, nearest = label.partition(":")
    if unmatched == ASK_NO_MATCH:
        return QUESTION_UNMATCHED, nearest
    return QUESTION_ANSWERED, label


def build_report(rows: Iterable[Row], today: date) -> StatsReport:
    by_day: dict[date, Counter[tuple[str, str]]] = defaultdict(Counter)
    for day, event, label, count in rows:
        by_day[date.fromisoformat(day)][as_event(event, label)] += count
    windows = []
    for days in WINDOWS:
        since = today - timedelta(days=days - 1)
        totals: Counter[str] = Counter({event: 0 for event in FUNNEL})
        labels: dict[str, Counter[str]] = defaultdict(Counter)
        for day, counts in by_day.items():
            if since <= day <= today:
                for (event, label), count in counts.items():
                    totals[event] += count
                    labels[event][label] += count
        windows.append(Window(days, dict(totals), {e: dict(c) for e, c in labels.items()}))
    span = tuple(today - timedelta(days=n) for n in reversed(range(max(WINDOWS))))
    daily = {
        event: tuple(
            sum(c for (e, _), c in by_day.get(day, Counter()).items() if e == event) for day in span
        )
        for event in CHARTED
    }
    return StatsReport(today, tuple(windows), span, daily)
