"""A user talking to the Dialogue directly (no Telegram), tapping buttons by their label."""

from __future__ import annotations

from dataclasses import dataclass, field

from flows.dialogue import Dialogue
from flows.replies import Button, Outcome, Reply
from flows.state import ChatState, Person


@dataclass
class DialogueUser:
    dialogue: Dialogue
    person: Person = field(default_factory=lambda: Person(first_name="Ana", language_code="en"))
    state: ChatState = field(default_factory=ChatState)
    screen: Reply | None = None  # the message the user is looking at
    last: Outcome | None = None

    def _take(self, outcome: Outcome) -> Outcome:
        self.state, self.last = outcome.state, outcome
        if outcome.replies:
            self.screen = outcome.replies[-1]
        return outcome

    def command(self, name: str) -> Outcome:
        return self._take(self.dialogue.command(self.state, self.person, name))

    def tap_data(self, data: str | None) -> Outcome:
        return self._take(self.dialogue.tap(self.state, self.person, data))

    def button(self, label: str, reply: Reply | None = None) -> Button:
        reply = reply or self.screen
        assert reply is not None, "no message on screen"
        buttons = [b for row in reply.keyboard for b in row]
        exact = [b for b in buttons if b.label == label]
        partial = [b for b in buttons if label in b.label]
        found = exact or partial
        assert len(found) == 1, f"{label!r} not (uniquely) among {[b.label for b in buttons]}"
        return found[0]

    def send(self, typed: str) -> Outcome:
        return self._take(self.dialogue.text(self.state, self.person, typed))

    def tap(self, label: str, reply: Reply | None = None) -> Outcome:
        return self.tap_data(self.button(label, reply).data)

    def answer_options(self) -> list[Button]:
        """The answer buttons of the question on screen (every row but the navigation)."""
        assert self.screen is not None
        return [row[0] for row in self.screen.keyboard[:-1]]

    def answer(self, index: int) -> Outcome:
        return self.tap_data(self.answer_options()[index].data)

    def text(self) -> str:
        assert self.screen is not None
        return self.screen.text
