"""What one simulated user does, from /start to a persona plan, and how fast they go."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from flows.callbacks import Act
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
# What people type at the bot (--mix typed): every third user types two of these after the
# plan, each answered with one message from the typed-question index.
TYPED_QUESTIONS = (
    "how much do medical coders make?",
    "¿puedo trabajar desde casa?",
    "what is the difference between coding and billing",
    "Which certification should I get first, CPC or CCS?",
    "how long does it take to become a medical biller",
    "¿cuánto gana un facturador médico?",
    "can I work remotely as a coder with no experience?",
    "is the CPC exam open book",
)
QUESTIONS_PER_TYPIST = 2
TYPIST_EVERY = 3  # one user in three


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
    # The plan, one message, with the offer of check-ins on day 30, 60 and 90 as one of its
    # buttons.
    replies = await user.tap(persona, until=sent)
    plan = replies.messages[0].text or ""
    if f"{persona} · " not in plan:
        raise AssertionError(f"{user}: expected {persona}'s plan, got {plan[:80]!r}")
    if not offers_check_ins(replies):
        raise AssertionError(f"{user}: {persona}'s plan came without the check-in button")


def offers_check_ins(replies: Replies) -> bool:
    """Whether a message among the replies carries the button that turns check-ins on."""
    offer = f"{Act.REMIND_HERE.value}:"
    return any(
        (button.callback_data or "").startswith(offer)
        for message in replies.messages
        for row in message.buttons
        for button in row
    )


def with_typed_questions(journey: Journey) -> Journey:
    """The journey, then, for one user in three, two typed questions, each answered with a
    message."""

    async def journey_and_questions(
        user: FakeUser, index: int, pace: Pace, rng: random.Random
    ) -> None:
        await journey(user, index, pace, rng)
        if index % TYPIST_EVERY:
            return
        for number in range(QUESTIONS_PER_TYPIST):
            await pace.think(rng)
            question = TYPED_QUESTIONS[(index // TYPIST_EVERY + number) % len(TYPED_QUESTIONS)]
            await user.send(question, until=sent)

    return journey_and_questions


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
