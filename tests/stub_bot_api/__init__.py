"""A local stub of the Telegram Bot API plus fake users, for end-to-end tests and load
benchmarks of the bot (python-telegram-bot talks to it over real HTTP).

Typical use::

    async with StubBotApi() as stub:
        app = stub.application_builder().build()   # + handlers, initialize/start/polling
        user = stub.user(1001, "Ana")
        replies = await user.send("/start")
        await user.tap("Start the quiz")
"""

from .errors import ApiError
from .faults import FaultInjector, FaultKind, FaultRule
from .flood import FLOOD_COUNTED_METHODS, FloodLimits, RetryAfterIgnored
from .html_check import ParsedText, parse_html, utf16_length
from .models import (
    BotMessage,
    Button,
    CallbackAnswer,
    CallbackQueryRecord,
    RecordedCall,
    UpdateTiming,
    UploadedFile,
    Violation,
    WebhookDelivery,
)
from .replies import (
    ChatActionSent,
    DeletedMessage,
    EditedMessage,
    Replies,
    ReplyEvent,
    RequestRejected,
    SentMessage,
)
from .server import DEFAULT_TOKEN, StubBotApi
from .stats import StubStats
from .users import FakeUser
from .waiting import Confirmations, LoopLagMonitor, QuietTuning, ReactionPace, WaitOptions

__all__ = [
    "DEFAULT_TOKEN",
    "FLOOD_COUNTED_METHODS",
    "ApiError",
    "BotMessage",
    "Button",
    "CallbackAnswer",
    "CallbackQueryRecord",
    "ChatActionSent",
    "Confirmations",
    "DeletedMessage",
    "EditedMessage",
    "FakeUser",
    "FaultInjector",
    "FaultKind",
    "FaultRule",
    "FloodLimits",
    "LoopLagMonitor",
    "ParsedText",
    "QuietTuning",
    "ReactionPace",
    "RecordedCall",
    "Replies",
    "ReplyEvent",
    "RequestRejected",
    "RetryAfterIgnored",
    "SentMessage",
    "StubBotApi",
    "StubStats",
    "UpdateTiming",
    "UploadedFile",
    "Violation",
    "WaitOptions",
    "WebhookDelivery",
    "parse_html",
    "utf16_length",
]
