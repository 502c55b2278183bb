"""Counters a benchmark can read to check the stub itself is not the bottleneck."""

from __future__ import annotations

import resource
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class StubStats:
    """Live counters of a ``StubBotApi``.

    ``handler_cpu_seconds`` is the CPU time spent inside the stub's own request handling
    (measured with ``time.thread_time`` around the synchronous parts, so it stays meaningful
    when the bot runs in the same process). ``process_cpu_seconds`` is the whole process's CPU
    time since ``start()`` (meaningful when the stub runs in a process of its own).
    """

    requests_by_method: Counter[str] = field(default_factory=Counter)
    responses_by_status: Counter[int] = field(default_factory=Counter)
    faults_injected: Counter[str] = field(default_factory=Counter)
    bytes_received: int = 0
    bytes_sent: int = 0
    too_many_requests_sent: int = 0
    updates_injected: int = 0
    webhook_posts: int = 0
    # Bot API calls made in the bot's answers to webhook POSTs (not HTTP requests).
    webhook_reply_calls: Counter[str] = field(default_factory=Counter)
    handler_cpu_seconds: float = 0.0
    started_at: float = field(default_factory=time.monotonic)
    _process_cpu_at_start: float = field(default_factory=time.process_time)

    @property
    def requests_total(self) -> int:
        return sum(self.requests_by_method.values())

    @property
    def process_cpu_seconds(self) -> float:
        return time.process_time() - self._process_cpu_at_start

    @property
    def wall_seconds(self) -> float:
        return time.monotonic() - self.started_at

    @staticmethod
    def max_rss_kib() -> int:
        """Peak resident memory of the process in KiB."""
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def reset(self) -> None:
        """Zero all counters and restart the clocks (e.g. after a warm-up phase)."""
        self.requests_by_method.clear()
        self.responses_by_status.clear()
        self.faults_injected.clear()
        self.bytes_received = self.bytes_sent = 0
        self.too_many_requests_sent = self.updates_injected = self.webhook_posts = 0
        self.handler_cpu_seconds = 0.0
        self.started_at = time.monotonic()
        self._process_cpu_at_start = time.process_time()

    def snapshot(self) -> dict[str, Any]:
        """A JSON-friendly copy of all counters."""
        return {
            "requests_total": self.requests_total,
            "requests_by_method": dict(self.requests_by_method),
            "responses_by_status": dict(self.responses_by_status),
            "faults_injected": dict(self.faults_injected),
            "bytes_received": self.bytes_received,
            "bytes_sent": self.bytes_sent,
            "too_many_requests_sent": self.too_many_requests_sent,
            "updates_injected": self.updates_injected,
            "webhook_posts": self.webhook_posts,
            "handler_cpu_seconds": round(self.handler_cpu_seconds, 6),
            "process_cpu_seconds": round(self.process_cpu_seconds, 6),
            "wall_seconds": round(self.wall_seconds, 6),
            "max_rss_kib": self.max_rss_kib(),
        }
