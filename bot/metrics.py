"""What the bot counts for Prometheus (served at /metrics by bot/ops.py).

One registry per Application, not prometheus-client's global one, so several bots in one
process (the tests) never mix their counts. No label ever carries user data: handler names,
update kinds and Bot API methods come from code, funnel labels from content ids, and
anything else is replaced by "other".
"""

from __future__ import annotations

import re
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from flows.stats import (
    ASK,
    QUESTION_ANSWERED,
    QUESTION_UNMATCHED,
    SAFETY_REPLY,
    TYPED_QUIZ_ANSWER,
)
from flows.stats.report import as_event

# Where the Application keeps its Metrics (application.bot_data).
METRICS = "metrics"
# Handler latency buckets (seconds): a step is a load, a save and one or two Bot API calls.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Dialogue-step CPU buckets (seconds): a tap's step takes about a tenth of a millisecond, a
# typed question's a few tenths; 2 ms is the typed-question target (python -m bench).
STEP_CPU_BUCKETS = (0.0001, 0.00015, 0.0002, 0.0003, 0.0004, 0.0005, 0.001, 0.002, 0.005, 0.05)
CHECKIN_EVENTS = ("due", "sent", "failed")
# What typed text came to (flows/ask), as the outcome label of careerpath_typed_questions.
TYPED_OUTCOMES = {
    QUESTION_ANSWERED: "answered",
    QUESTION_UNMATCHED: "unmatched",
    TYPED_QUIZ_ANSWER: "quiz_answer",
    SAFETY_REPLY: "safety",
}
# Content ids and Bot API method names; anything else (never expected) is not passed on.
_SAFE_LABEL = re.compile(r"[A-Za-z0-9_./:-]{0,64}")


def safe_label(value: str) -> str:
    return value if _SAFE_LABEL.fullmatch(value) else "other"


def api_outcome(status: int) -> str:
    """A Bot API answer's HTTP status as an outcome label: ok, 429, 4xx or 5xx."""
    if status < 300:
        return "ok"
    if status == 429:
        return "429"
    return "5xx" if status >= 500 else "4xx"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.updates_received = Counter(
            "careerpath_updates_received",
            "Updates received from Telegram, by kind (whether or not a handler took them).",
            ["kind"],
            registry=registry,
        )
        self.updates = Counter(
            "careerpath_updates",
            "Updates handled, by kind and the handler that took them.",
            ["kind", "handler"],
            registry=registry,
        )
        self.handler_seconds = Histogram(
            "careerpath_handler_seconds",
            "Time to handle one update, replies included, by handler.",
            ["handler"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.step_cpu_seconds = Histogram(
            "careerpath_step_cpu_seconds",
            "CPU time of the dialogue step alone (reading typed text, scoring, drawing the "
            "reply; no storage or Bot API call), by handler.",
            ["handler"],
            buckets=STEP_CPU_BUCKETS,
            registry=registry,
        )
        self.api_requests = Counter(
            "careerpath_bot_api_requests",
            "Bot API requests by method and outcome: ok, 429, 4xx, 5xx, retried (a failed "
            "attempt that is tried again), malformed (a 200 whose body was cut short, after "
            "the last attempt) or network (no answer after the last attempt).",
            ["method", "outcome"],
            registry=registry,
        )
        self.checkins = Counter(
            "careerpath_checkins",
            "Day-30/60/90 check-ins: due (claimed for sending), sent, failed.",
            ["event"],
            registry=registry,
        )
        self.funnel = Counter(
            "careerpath_funnel_events",
            "What people did, as counted for /stats (in this process since it started).",
            ["event", "label"],
            registry=registry,
        )
        self.typed_questions = Counter(
            "careerpath_typed_questions",
            "Typed text by outcome: answered (from a guide section, a credential card or as "
            "a request), unmatched (not understood), quiz_answer (a quiz answer typed) or "
            "safety (an emergency pointed to 911/988).",
            ["outcome"],
            registry=registry,
        )
        self.last_update = Gauge(
            "careerpath_last_update_timestamp_seconds",
            "When the last update arrived (Unix time); 0 before the first.",
            registry=registry,
        )
        self.last_poll = Gauge(
            "careerpath_last_poll_timestamp_seconds",
            "When the last getUpdates answered (Unix time); 0 in webhook mode.",
            registry=registry,
        )
        for event in CHECKIN_EVENTS:
            self.checkins.labels(event)
        for outcome in TYPED_OUTCOMES.values():
            self.typed_questions.labels(outcome)
        # Label values are few (code's names, content ids), so their children stay few.
        self._children: dict[tuple[object, tuple[str, ...]], Any] = {}
        # Monotonic times for /readyz (the gauges above are for people and dashboards).
        self.last_update_at: float | None = None
        self.last_poll_at: float | None = None

    def _child(self, metric: Counter | Histogram, *labels: str) -> Any:
        """The metric's child for these labels, found once: prometheus-client's labels()
        validates and locks on every call, several times per update."""
        key = (metric, labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*(safe_label(v) for v in labels))
        return child

    def update_received(self, kind: str) -> None:
        self._child(self.updates_received, kind).inc()
        self.last_update.set(time.time())
        self.last_update_at = time.monotonic()

    def update_handled(self, kind: str, handler: str, seconds: float) -> None:
        self._child(self.updates, kind, handler).inc()
        self._child(self.handler_seconds, handler).observe(seconds)

    def step_cpu(self, handler: str, seconds: float) -> None:
        self._child(self.step_cpu_seconds, handler).observe(seconds)

    def api_request(self, method: str, outcome: str) -> None:
        """One Bot API attempt; a getUpdates that answered marks polling as alive."""
        self._child(self.api_requests, method, outcome).inc()
        if method == "getUpdates" and outcome == "ok":
            self.last_poll.set(time.time())
            self.last_poll_at = time.monotonic()

    def checkin(self, event: str) -> None:
        self.checkins.labels(event).inc()

    def tallies(self, tallies: tuple[tuple[str, str], ...]) -> None:
        for event, label in tallies:
            self.funnel.labels(safe_label(event), safe_label(label)).inc()
            if event == ASK:
                self.typed_questions.labels(TYPED_OUTCOMES[as_event(event, label)[0]]).inc()
