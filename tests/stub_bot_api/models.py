"""Plain data the stub records: the bot's messages, uploaded files, callback queries,
update timings, violations and recorded calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Button:
    """One inline keyboard button as the bot sent it."""

    text: str
    callback_data: str | None = None
    url: str | None = None

    @classmethod
    def from_api(cls, button: dict[str, Any]) -> Button:
        return cls(button["text"], button.get("callback_data"), button.get("url"))


@dataclass(frozen=True, slots=True)
class UploadedPart:
    """One file part of a multipart request, as received."""

    field_name: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file the bot uploaded (``sendDocument``/``sendPhoto``) or a fake user sent."""

    file_id: str
    file_unique_id: str
    filename: str | None
    mime_type: str | None
    data: bytes
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def text(self, encoding: str = "utf-8") -> str:
        """The content decoded as text (handy for ``.ics``/``.csv`` attachments)."""
        return self.data.decode(encoding)


@dataclass(frozen=True, slots=True)
class BotMessage:
    """Current state of a message the bot sent (a new instance replaces it on every edit)."""

    message_id: int
    chat_id: int
    date: int
    text: str | None = None
    html: str | None = None
    parse_mode: str | None = None
    entities: tuple[dict[str, Any], ...] = ()
    reply_markup: dict[str, Any] | None = None
    document: UploadedFile | None = None
    photo: UploadedFile | None = None
    caption: str | None = None
    caption_html: str | None = None
    caption_entities: tuple[dict[str, Any], ...] = ()
    reply_to_message_id: int | None = None
    edited: bool = False
    edit_date: int | None = None

    @property
    def buttons(self) -> tuple[tuple[Button, ...], ...]:
        """Inline keyboard rows (empty when the message has no inline keyboard)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return tuple(tuple(Button.from_api(button) for button in row) for row in rows)

    def button_texts(self) -> list[str]:
        """Visible texts of all inline buttons, row by row."""
        return [button.text for row in self.buttons for button in row]

    @property
    def reply_keyboard(self) -> list[list[str]]:
        """Texts of a (non-inline) reply keyboard, if the message carries one."""
        rows = (self.reply_markup or {}).get("keyboard") or []
        return [[b if isinstance(b, str) else b.get("text", "") for b in row] for row in rows]

    @property
    def content(self) -> str:
        """Text, or caption for media messages ("" when there is neither)."""
        return self.text if self.text is not None else (self.caption or "")


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """What the bot passed to ``answerCallbackQuery``."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None = None


@dataclass(slots=True, eq=False)
class CallbackQueryRecord:
    """A callback query a fake user produced and whether the bot answered it."""

    query_id: str
    update_id: int
    chat_id: int
    message_id: int
    data: str | None
    created_at: float
    answer: CallbackAnswer | None = None
    answered_at: float | None = None

    @property
    def answered(self) -> bool:
        return self.answer is not None


@dataclass(slots=True, eq=False)
class UpdateTiming:
    """When an update became available to the bot and when the bot first reacted to it
    (first send/edit in that chat, or the callback answer). Times are ``time.monotonic()``."""

    update_id: int
    chat_id: int | None
    kind: str
    available_at: float | None = None
    fetched_at: float | None = None
    first_response_at: float | None = None
    # When the bot said it was done with the update: a later getUpdates offset confirmed
    # it, or it answered the webhook POST with a 2xx.
    confirmed_at: float | None = None
    delivery_error: str | None = None

    @property
    def latency(self) -> float | None:
        """Seconds from availability to the bot's first reaction, ``None`` if none yet."""
        if self.available_at is None or self.first_response_at is None:
            return None
        return self.first_response_at - self.available_at


@dataclass(frozen=True, slots=True)
class Violation:
    """A request the stub refused with a 4xx error (limits, bad HTML, unknown method...)."""

    method: str
    error_code: int
    description: str
    params: dict[str, Any]
    at: float


@dataclass(frozen=True, slots=True)
class RecordedCall:
    """One Bot API request and the stub's answer (kept while ``record_calls`` is on)."""

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedPart]
    at: float
    status: int
    response: Any = None
    # Made in the bot's answer to a webhook POST, not as a request of its own.
    in_webhook_reply: bool = False


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One POST of an update to the bot's webhook."""

    update_id: int
    url: str
    status: int | None
    error: str | None
    started_at: float
    finished_at: float
    sent_secret: str | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300
