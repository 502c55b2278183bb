"""What the bot did in a chat in response to one fake-user action."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .models import BotMessage, CallbackAnswer


@dataclass(frozen=True, slots=True)
class SentMessage:
    """The bot sent ``message`` (state at the time it was sent)."""

    message: BotMessage


@dataclass(frozen=True, slots=True)
class EditedMessage:
    """The bot edited a message; ``message`` is its new state."""

    message: BotMessage


@dataclass(frozen=True, slots=True)
class DeletedMessage:
    message_id: int


@dataclass(frozen=True, slots=True)
class ChatActionSent:
    action: str


@dataclass(frozen=True, slots=True)
class RequestRejected:
    """The stub refused one of the bot's requests for this chat (4xx/429 or injected fault)."""

    method: str
    error_code: int
    description: str


ReplyEvent = (
    SentMessage
    | EditedMessage
    | DeletedMessage
    | ChatActionSent
    | CallbackAnswer
    | (RequestRejected)
)


class Replies:
    """Everything the bot did in the chat while the stub waited, in order.

    ``events`` holds ``SentMessage``, ``EditedMessage``, ``DeletedMessage``,
    ``ChatActionSent``, ``CallbackAnswer`` and ``RequestRejected`` items.
    """

    def __init__(
        self, update_id: int, events: list[ReplyEvent], user_message_id: int | None = None
    ) -> None:
        self.update_id = update_id
        self.user_message_id = user_message_id
        self.events = events

    @property
    def messages(self) -> list[BotMessage]:
        """New messages the bot sent."""
        return [event.message for event in self.events if isinstance(event, SentMessage)]

    @property
    def edits(self) -> list[BotMessage]:
        """Edited messages, each in its state right after that edit."""
        return [event.message for event in self.events if isinstance(event, EditedMessage)]

    @property
    def callback_answer(self) -> CallbackAnswer | None:
        """The answer to the tapped button's callback query, if the bot gave one."""
        answers = [event for event in self.events if isinstance(event, CallbackAnswer)]
        return answers[0] if answers else None

    @property
    def deleted(self) -> list[int]:
        return [event.message_id for event in self.events if isinstance(event, DeletedMessage)]

    @property
    def chat_actions(self) -> list[str]:
        return [event.action for event in self.events if isinstance(event, ChatActionSent)]

    @property
    def rejected(self) -> list[RequestRejected]:
        """Requests of the bot that the stub refused while handling this update."""
        return [event for event in self.events if isinstance(event, RequestRejected)]

    @property
    def texts(self) -> list[str]:
        """Texts (or captions) of all sent and edited messages, in order."""
        return [
            event.message.content
            for event in self.events
            if isinstance(event, SentMessage | EditedMessage)
        ]

    @property
    def text(self) -> str:
        """All ``texts`` joined with newlines (convenient for ``in`` checks)."""
        return "\n".join(self.texts)

    @property
    def last(self) -> BotMessage | None:
        """The message last sent or edited."""
        for event in reversed(self.events):
            if isinstance(event, SentMessage | EditedMessage):
                return event.message
        return None

    def __iter__(self) -> Iterator[ReplyEvent]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def __repr__(self) -> str:
        return f"Replies(update_id={self.update_id}, {describe_events(self.events)})"


def describe_events(events: list[ReplyEvent]) -> str:
    """Human-readable list of events for assertion messages."""
    if not events:
        return "the bot did nothing"
    lines = []
    for event in events:
        if isinstance(event, SentMessage):
            lines.append(f"sent #{event.message.message_id}: {_preview(event.message)}")
        elif isinstance(event, EditedMessage):
            lines.append(f"edited #{event.message.message_id}: {_preview(event.message)}")
        elif isinstance(event, DeletedMessage):
            lines.append(f"deleted #{event.message_id}")
        elif isinstance(event, ChatActionSent):
            lines.append(f"chat action {event.action}")
        elif isinstance(event, CallbackAnswer):
            lines.append(f"answered callback (text={event.text!r}, alert={event.show_alert})")
        else:
            lines.append(f"REJECTED {event.method}: {event.error_code} {event.description}")
    return "; ".join(lines)


def _preview(message: BotMessage) -> str:
    content = message.content
    short = content if len(content) <= 80 else content[:77] + "..."
    buttons = message.button_texts()
    return f"{short!r}" + (f" buttons={buttons}" if buttons else "")
