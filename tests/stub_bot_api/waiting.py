"""How a fake user decides that the bot has finished handling its update."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from .chats import ChatState
from .models import CallbackQueryRecord, UpdateTiming
from .replies import Replies, describe_events

Condition = Callable[[Replies], object]


class Confirmations(Enum):
    """What the bot under test means when it confirms an update (``UpdateTiming
    .confirmed_at``), and so when a fake user may stop waiting on it."""

    # Nothing about handling: PTB's own Updater confirms what it has merely fetched. A wait
    # ends once the chat has been quiet for the quiet period.
    FETCHED = "fetched"
    # bot/polling.py moves its getUpdates offset past an update only once that update and
    # every earlier one were handled; bot/webhook.py answers each POST once it is handled.
    # A wait ends at the confirmation; while earlier updates (of other chats, say) still
    # hold the offset back, at a quiet period as for FETCHED.
    HANDLED = "handled"
    # Each update is reported the moment its handling ends (tests/bot_harness.py does so
    # for an in-process bot). A wait ends then, and only then.
    EACH_HANDLED = "each handled"


@dataclass(frozen=True, slots=True)
class WaitOptions:
    """Per-action waiting options (``None`` means the stub's default)."""

    expect_no_reply: bool = False
    reply_timeout: float | None = None
    quiet_period: float | None = None
    until: Condition | None = None


class LoopLagMonitor:
    """Measures how late the event loop fires timers (a moving average, time constant
    about ``interval / smoothing`` = 0.2 s). While a bot in the same process saturates the
    loop, two requests of one handler can be further apart than the quiet period, so
    waiters stretch it by ``factor * lag``."""

    def __init__(self, interval: float = 0.02, smoothing: float = 0.1, factor: float = 8.0):
        self.interval = interval
        self.smoothing = smoothing
        self.factor = factor
        self.lag = 0.0
        self._task: asyncio.Task[None] | None = None

    @property
    def extra_quiet(self) -> float:
        """Seconds to add to the quiet period right now."""
        return self.factor * self.lag

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._measure(), name="stub-loop-lag")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _measure(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            expected = loop.time() + self.interval
            await asyncio.sleep(self.interval)
            late = max(0.0, loop.time() - expected)
            self.lag += (late - self.lag) * self.smoothing


class ReactionPace:
    """Learns how far apart the bot's requests for one update are (a maximum that halves
    every ``half_life`` seconds), so waits can allow for a bot that is slow right now."""

    def __init__(self, half_life: float = 5.0, factor: float = 2.0, cap: float = 3.0):
        self.half_life = half_life
        self.factor = factor
        self.cap = cap
        self._gap = 0.0
        self._observed_at = 0.0

    def current_gap(self, now: float) -> float:
        if not self._gap:
            return 0.0
        return self._gap * 0.5 ** ((now - self._observed_at) / self.half_life)

    def observe(self, gap: float, now: float) -> None:
        if gap > self.current_gap(now):
            self._gap, self._observed_at = gap, now

    def quiet_floor(self, now: float) -> float:
        """The shortest quiet period that is safe given the recent pace."""
        return min(self.cap, self.factor * self.current_gap(now))


@dataclass(slots=True)
class QuietTuning:
    """Adapts the fake users' quiet period to load: it becomes
    ``max(quiet + lag.extra_quiet, pace.quiet_floor)``."""

    lag: LoopLagMonitor = field(default_factory=LoopLagMonitor)
    pace: ReactionPace = field(default_factory=ReactionPace)

    def quiet_period(self, base: float, now: float) -> float:
        return max(base + self.lag.extra_quiet, self.pace.quiet_floor(now))


@dataclass(frozen=True, slots=True)
class PendingAction:
    """An update a fake user injected and is now waiting on."""

    actor: str
    description: str
    chat: ChatState
    timing: UpdateTiming
    requests_before: int
    query: CallbackQueryRecord | None
    wait: WaitOptions
    replies: Replies  # live view of the events collected so far

    def ready(self) -> bool:
        """Whether the bot has done the minimum expected before the quiet period starts:
        fetched the update (silence expected), answered the callback query (tap), or made
        at least one request for this chat (message); plus the ``until`` condition."""
        if self.wait.expect_no_reply:
            done = self.timing.fetched_at is not None
        elif self.query is not None:
            done = self.query.answered
        else:
            done = self.chat.requests_seen > self.requests_before
        return done and (self.wait.until is None or bool(self.wait.until(self.replies)))


async def wait_until_handled(
    action: PendingAction,
    default_timeout: float,
    default_quiet: float,
    tuning: QuietTuning,
    confirmations: Confirmations = Confirmations.FETCHED,
    held_back: Callable[[int], bool] = lambda update_id: False,
) -> None:
    """Return once ``action`` is ready and its update was handled; raise a descriptive
    ``AssertionError`` after the timeout or on a failed webhook delivery.

    Handled means confirmed, for a bot whose confirmations say so (see ``Confirmations``):
    the handler has finished, so nothing more can come of the update, and an update the
    bot never finishes runs into the timeout rather than passing for handled. Otherwise
    (and while ``held_back(update_id)``: earlier updates keep the getUpdates offset from
    confirming this one) it means the chat has been quiet for the quiet period, and any
    ``retry_after`` or fault-recovery time for this chat has passed."""
    chat, timing, wait = action.chat, action.timing, action.wait
    limit = default_timeout if wait.reply_timeout is None else wait.reply_timeout
    quiet = default_quiet if wait.quiet_period is None else wait.quiet_period
    started = time.monotonic()
    deadline = started + limit
    own_extra = 0.0  # grows when this waiter's own timer fired late (the loop was blocked)
    while True:
        now = time.monotonic()
        if timing.delivery_error is not None:
            raise AssertionError(
                f"{action.actor} sent {action.description} (update {timing.update_id}) but "
                f"webhook delivery failed: {timing.delivery_error}"
            )
        by_confirmation = confirmations is not Confirmations.FETCHED and (
            timing.confirmed_at is not None
            or confirmations is Confirmations.EACH_HANDLED
            or not held_back(timing.update_id)
        )
        if action.ready() and by_confirmation:
            if timing.confirmed_at is not None:
                return
            wake_at = deadline  # the bot is still handling it
        elif action.ready():
            last_activity = max(
                chat.last_request_at, timing.fetched_at or started, chat.settle_not_before
            )
            if chat.requests_held:
                last_activity = now
            settle_at = last_activity + max(tuning.quiet_period(quiet, now), quiet + own_extra)
            if now >= settle_at:
                return
            wake_at = min(settle_at, deadline)
        else:
            wake_at = deadline
        if now >= deadline:
            raise AssertionError(timeout_report(action, limit))
        if not await chat.wait_for_activity(wake_at - now):
            # Woken by the timer: if it fired late, the loop was blocked and the bot may not
            # have had a chance to send its next request yet; give it time to catch up.
            lateness = time.monotonic() - wake_at
            own_extra = max(own_extra, tuning.lag.factor * lateness)


def timeout_report(action: PendingAction, limit: float) -> str:
    """Explain what was expected and what the bot did so far."""
    if action.timing.fetched_at is None:
        state = "the bot never fetched the update (is it polling or is a webhook set?)"
    elif action.query is not None and not action.query.answered:
        state = f"callback query {action.query.query_id} was never answered"
    elif action.ready():
        state = "the bot never confirmed it: its handling did not finish"
    elif action.wait.until is not None:
        state = "the `until` condition never held"
    else:
        state = "the bot did not react"
    return (
        f"{action.actor} sent {action.description} (update {action.timing.update_id}); "
        f"after {limit:.1f}s {state}. So far: {describe_events(action.replies.events)}"
    )
