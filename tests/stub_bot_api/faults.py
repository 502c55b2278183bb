"""Fault injection: answer every Nth matching request with a failure instead of a result."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class FaultKind(StrEnum):
    """What happens to a request picked by a ``FaultRule``."""

    BAD_GATEWAY = "bad_gateway"  # HTTP 502 with nginx's HTML body (PTB: NetworkError)
    DROP_CONNECTION = "drop_connection"  # socket closed, no response (PTB: NetworkError)
    TIMEOUT = "timeout"  # held until the client gives up (PTB: TimedOut)
    TOO_MANY_REQUESTS = "too_many_requests"  # 429 with retry_after (PTB: RetryAfter)
    MALFORMED_OK = "malformed_ok"  # HTTP 200 whose body is cut short (PTB: TelegramError)


@dataclass(slots=True)
class FaultRule:
    """Inject ``kind`` into every ``every_nth`` request whose method matches.

    ``methods`` limits the rule to those Bot API methods (case-insensitive); ``None`` means
    all methods except ``getUpdates``, which is only included with ``include_get_updates``.
    ``hold_seconds`` is how long a TIMEOUT fault keeps the connection open before dropping it.
    ``retry_after`` is what a TOO_MANY_REQUESTS fault tells the client to wait: Telegram
    says whole seconds, but a test about what the bot does rather than how long it waits
    may say a fraction (PTB reads it as a float) to keep its runs short.
    A faulted request is not processed: nothing is sent or edited.
    """

    kind: FaultKind
    every_nth: int
    retry_after: float = 1
    methods: Collection[str] | None = None
    include_get_updates: bool = False
    hold_seconds: float = 30.0
    seen: int = field(default=0, init=False)
    injected: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if self.every_nth < 1:
            raise ValueError("every_nth must be >= 1")
        if self.methods is not None:
            self.methods = frozenset(method.lower() for method in self.methods)

    def applies_to(self, method: str) -> bool:
        """Whether requests of ``method`` (lower-case) count towards this rule."""
        if self.methods is not None:
            return method in self.methods
        return self.include_get_updates or method != "getupdates"

    def fires(self, method: str) -> bool:
        """Count a request of ``method``; true when it is the Nth one."""
        if not self.applies_to(method):
            return False
        self.seen += 1
        if self.seen % self.every_nth:
            return False
        self.injected += 1
        return True


class FaultInjector:
    """The active fault rules; change them at any time (``add``/``remove``/``clear``)."""

    def __init__(self, rules: Iterable[FaultRule] = ()) -> None:
        self.rules: list[FaultRule] = list(rules)

    def add(self, rule: FaultRule) -> FaultRule:
        """Activate ``rule`` and return it (its ``seen``/``injected`` counters are live)."""
        self.rules.append(rule)
        return rule

    def remove(self, rule: FaultRule) -> None:
        self.rules.remove(rule)

    def clear(self) -> None:
        """Deactivate all rules."""
        self.rules.clear()

    def pick(self, method: str) -> FaultRule | None:
        """The rule that fires for this request, if any (every rule counts the request)."""
        if not self.rules:
            return None
        fired = [rule for rule in self.rules if rule.fires(method)]
        return fired[0] if fired else None
