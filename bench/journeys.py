"""What one simulated user does, from /start to a persona plan, and how fast they go."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tests.quiz_routes import ROUTES
from tests.stub_bot_api import FakeUser, Replies

# The persona buttons under the quiz result, as content/en/messages.yaml labels them.
PERSONAS = (
    "Career changer",
    "Recent graduate",
    "Parent returning to work",
    "Military veteran",
    "Remote job seeker",
)
TRACKS = tuple(ROUTES)
# Updates one journey sends: /start, "Start the quiz", the answers, a persona.
UPDATES_PER_USER = 2 + len(ROUTES["coding"]) + 1


def sent(replies: Replies) -> object:
    return replies.messages


def edited(replies: Replies) -> object:
    return replies.edits


@dataclass(frozen=True)
class Pace:
    """Seconds a user takes before each action after the first (reading, then tapping)."""

    low: float = 0.0
    high: float = 0.0

    async def think(self, rng: random.Random) -> None:
        if self.high > 0:
            await asyncio.sleep(rng.uniform(self.low, self.high))


@dataclass
class UserRun:
    user_id: int
    started_at: float
    finished_at: float | None = None
    error: str | None = None

    @property
    def seconds(self) -> float | None:
        return None if self.finished_at is None else self.finished_at - self.started_at


Journey = Callable[[FakeUser, int, Pace, random.Random], Awaitable[None]]


async def quiz_journey(user: FakeUser, index: int, pace: Pace, rng: random.Random) -> None:
    """/start, the quiz along one of the known routes, then a persona's plan."""
    track = TRACKS[index % len(TRACKS)]
    persona = PERSONAS[index % len(PERSONAS)]
    await user.send("/start", until=sent)
    await pace.think(rng)
    await user.tap("Start the quiz", until=edited)
    for label in ROUTES[track]:
        await pace.think(rng)
        await user.tap(label, until=edited)
    await pace.think(rng)
    # The plan, with the offer of check-ins on day 30, 60 and 90 as one of its buttons.
    replies = await user.tap(persona, until=sent)
    plan = replies.messages[0].text or ""
    if f"{persona} · " not in plan:
        raise AssertionError(f"{user}: expected {persona}'s plan, got {plan[:80]!r}")


async def echo_journey(user: FakeUser, index: int, pace: Pace, rng: random.Random) -> None:
    """The same updates for the echo bot: /start, then as many taps as the quiz takes."""
    await user.send("/start", until=sent)
    for step in range(1, UPDATES_PER_USER):
        await pace.think(rng)
        data = f"step {step}"
        replies = await user.tap_data(data, until=sent)
        if replies.last.text != data:
            raise AssertionError(
                f"{user}: expected the echo of {data!r}, got {replies.last.text!r}"
            )


async def run_user(user: FakeUser, index: int, journey: Journey, pace: Pace, seed: int) -> UserRun:
    run = UserRun(user.user_id, time.monotonic())
    try:
        await journey(user, index, pace, random.Random(seed * 1_000_003 + index))
    except AssertionError as error:
        run.error = str(error).splitlines()[0][:300]
    else:
        run.finished_at = time.monotonic()
    return run
