"""What the bot remembers about one chat between messages."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from flows.schema import Track


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
    track: Track | None = None
    persona: str | None = None
    language: str | None = None
    # The message that shows the quiz: a stale tap there is most likely a double tap.
    screen: int | None = None

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
