"""What the bot remembers about one chat between messages."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from flows.schema import Track


class Checkins(BaseModel):
    """The day-30/60/90 check-ins a user asked for; the database holds the copies that get
    sent (bot/reminders.py), saved in the same transaction as this state."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    plan: str  # "veteran-coding": persona and track
    start: str  # ISO date in the user's time zone the days are counted from
    due: tuple[int, ...]  # when each check-in is due (Unix seconds), day 30, 60, 90


class ChatState(BaseModel):
    """One chat's dialogue state; small, so it can be saved after every step.

    `version` moves on by one with every saved change (a chat's first state starts at a
    random point, see bot/conversation.py). Quiz buttons carry the version they were drawn
    for, so a tap on an out-of-date message is recognised, and storage uses it for
    optimistic concurrency between replicas.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    version: int = 0
    step: str = "idle"
    answers: tuple[int, ...] = ()
    # Answers given before going ◀ Back, for the questions ahead (the next one first): the
    # question marks the answer given before with ✓.
    previous: tuple[int, ...] = ()
    track: Track | None = None
    persona: str | None = None
    language: str | None = None
    # The message that shows the quiz: a stale tap there is most likely a double tap.
    screen: int | None = None
    # The user's own plan is `persona` with this track (None: the quiz's track, as stored
    # before plans could be browsed). Looking at other plans never changes it.
    plan_track: Track | None = None
    # Ticked plan steps, per plan ("veteran-coding"): bit i set = step i done. At most one
    # small number per plan, so switching plans never loses ticks.
    ticks: dict[str, int] = Field(default_factory=dict)
    timezone: str | None = None  # a key of flows.checkins.ZONES; None: US Eastern
    # Try the job (flows/tryout): per step done, the option or feeling picked, in order; and
    # what its screen shows: 0 not started, 1 a step being asked, 2 the last task's feedback.
    tryout: tuple[int, ...] = ()
    tryout_phase: int = 0
    checkins: Checkins | None = None

    def advanced(self, **changes: object) -> ChatState:
        """A copy with the changes applied and the version moved on by one."""
        return self.model_copy(update={**changes, "version": self.version + 1})

    def to_json(self) -> str:
        """Compact JSON for storage; the version lives in its own column."""
        return self.model_dump_json(exclude={"version"}, exclude_defaults=True)

    @classmethod
    def from_json(cls, data: str, version: int) -> ChatState:
        return cls.model_validate_json(data).model_copy(update={"version": version})


class Person(BaseModel):
    """Who sent an update, as far as the dialogue needs to know."""

    model_config = ConfigDict(frozen=True)

    first_name: str = Field(default="")
    language_code: str | None = None
