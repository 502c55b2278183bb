"""Flood control like Telegram's: token buckets per bot, per private chat and per group,
plus bookkeeping of every ``retry_after`` the stub told the client, so requests that come
back too early are counted as ``RetryAfterIgnored``.

Defaults are chosen so that PTB's ``AIORateLimiter()`` with default settings never trips
them: it allows bursts of 30 requests then 30/s for the whole bot (any request carrying a
``chat_id``) and bursts of 20 then 20/min per group (negative ``chat_id``). It does not
throttle private chats at all, so the private-chat bucket (1/s after a burst) is the limit a
bot can still hit by sending many messages to one user at once, as with real Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import too_many_requests

FLOOD_COUNTED_METHODS = frozenset(
    {"sendmessage", "editmessagetext", "editmessagereplymarkup", "senddocument", "sendphoto"}
)


def method_family(method: str) -> str:
    """Message-sending methods share flood waits; any other method waits on its own."""
    lowered = method.lower()
    return "messages" if lowered in FLOOD_COUNTED_METHODS else lowered


@dataclass(frozen=True, slots=True)
class FloodLimits:
    """Rates are messages per second; bursts are bucket sizes (messages sent back to back).

    The bursts carry a few messages of slack over ``AIORateLimiter``'s own buckets to absorb
    network jitter (a request acquired later by the limiter may arrive earlier).
    """

    global_rate: float = 30.0
    global_burst: float = 34.0
    private_chat_rate: float = 1.0
    private_chat_burst: float = 10.0
    group_rate: float = 20 / 60
    group_burst: float = 22.0
    retry_after: int | None = None  # fixed retry_after; None: time until a token frees up
    # Telegram says retry_after in whole seconds, rounded up. A test about what the bot
    # does under flood control rather than how long it waits can switch that off, and
    # with faster rates keep its runs short.
    whole_seconds: bool = True


@dataclass(frozen=True, slots=True)
class RetryAfterIgnored:
    """A request that arrived while the client had been told to wait."""

    method: str
    chat_id: int | str | None  # None: the wait applied to the whole bot
    arrived_at: float
    wait_until: float

    @property
    def early_by(self) -> float:
        """How many seconds too early the request came."""
        return self.wait_until - self.arrived_at


class TokenBucket:
    """Classic token bucket: ``capacity`` tokens, refilled at ``rate`` per second."""

    __slots__ = ("capacity", "rate", "tokens", "updated_at")

    def __init__(self, capacity: float, rate: float, now: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.tokens = capacity
        self.updated_at = now

    def take(self, now: float) -> float:
        """Take one token; return 0 on success or the seconds until one will be available.

        A request stamped earlier than the last one taken (handled out of arrival order, as
        happens under load) refills nothing, and takes nothing back either."""
        elapsed = max(0.0, now - self.updated_at)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.updated_at += elapsed
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate

    def give_back(self) -> None:
        self.tokens = min(self.capacity, self.tokens + 1)


@dataclass(slots=True)
class _Wait:
    until: float
    told_at: float
    connection: int


class FloodControl:
    """Applies ``FloodLimits`` (when set) and tracks outstanding ``retry_after`` waits.

    ``in_flight_grace`` (seconds): requests arriving on *another* connection this soon after
    a 429 was sent were probably already in flight and are not counted as ignoring it; a
    request on the same keep-alive connection always counts.
    """

    def __init__(self, limits: FloodLimits | None = None, in_flight_grace: float = 0.05) -> None:
        self.limits = limits
        self.in_flight_grace = in_flight_grace
        self.ignored: list[RetryAfterIgnored] = []
        self._global_bucket: TokenBucket | None = None
        self._chat_buckets: dict[int | str, TokenBucket] = {}
        # (chat or None for the whole bot, method family) -> outstanding wait
        self._waits: dict[tuple[int | str | None, str], _Wait] = {}

    def configure(self, limits: FloodLimits | None) -> None:
        """Switch flood control on (``FloodLimits``) or off (``None``); buckets start full."""
        self.limits = limits
        self._global_bucket = None
        self._chat_buckets.clear()

    def check_waits(
        self, method: str, chat_id: int | str | None, connection: int, now: float
    ) -> None:
        """Raise a 429 if the client was told to wait (for this chat or the whole bot) and
        the wait is not over; record the request as ignoring ``retry_after``.

        A wait earned by a message-sending method applies to all message-sending methods;
        one earned by another method (an injected 429) applies to that method only."""
        if not self._waits:
            return
        family = method_family(method)
        for scope in (None, chat_id) if chat_id is not None else (None,):
            wait = self._waits.get((scope, family))
            if wait is None:
                continue
            if now >= wait.until:
                del self._waits[(scope, family)]
                continue
            if connection == wait.connection or now - wait.told_at > self.in_flight_grace:
                self.ignored.append(RetryAfterIgnored(method, scope, now, wait.until))
            raise too_many_requests(wait.until - now, self._whole_seconds)

    def note_retry_after(
        self,
        method: str,
        chat_id: int | str | None,
        retry_after: float,
        connection: int,
        now: float,
    ) -> None:
        """Remember that the client was told to wait ``retry_after`` s (chat or global)."""
        key = (chat_id, method_family(method))
        until = now + retry_after
        current = self._waits.get(key)
        if current is None or current.until < until:
            self._waits[key] = _Wait(until, now, connection)

    def consume(self, method: str, chat_id: int | str | None, connection: int, now: float) -> None:
        """Take a token for a message-sending request; over the limit, remember the wait
        (globally or for the chat) and raise the 429."""
        limits = self.limits
        if limits is None or method not in FLOOD_COUNTED_METHODS:
            return
        if self._global_bucket is None:
            self._global_bucket = TokenBucket(limits.global_burst, limits.global_rate, now)
        wait = self._global_bucket.take(now)
        if wait:
            self._reject(method, None, limits.retry_after or wait, connection, now)
        if chat_id is None:
            return
        bucket = self._chat_buckets.get(chat_id)
        if bucket is None:
            is_group = isinstance(chat_id, str) or chat_id < 0
            bucket = (
                TokenBucket(limits.group_burst, limits.group_rate, now)
                if is_group
                else TokenBucket(limits.private_chat_burst, limits.private_chat_rate, now)
            )
            self._chat_buckets[chat_id] = bucket
        wait = bucket.take(now)
        if wait:
            self._global_bucket.give_back()
            self._reject(method, chat_id, limits.retry_after or wait, connection, now)

    @property
    def _whole_seconds(self) -> bool:
        return self.limits is None or self.limits.whole_seconds

    def _reject(
        self, method: str, scope: int | str | None, wait: float, connection: int, now: float
    ) -> None:
        error = too_many_requests(wait, self._whole_seconds)
        assert error.retry_after is not None
        self.note_retry_after(method, scope, error.retry_after, connection, now)
        raise error
