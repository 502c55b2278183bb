"""Error reports to Sentry (SENTRY_DSN) never carry the token or what a user wrote."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import sentry_sdk
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport
from telegram.error import NetworkError

from bot.errors import init_sentry
from tests.bot_harness import run_until_exit
from tests.stub_bot_api import StubBotApi

TOKEN = "123456789:AAEsecretTOKENvalue_0123456789abcdef"
DSN = "https://publickey123@o0.ingest.sentry.io/42"
WORDS = "I was fired last Tuesday and I am scared"
NAME = "Zelda Quartermaine"


class KeepEnvelopes(Transport):
    """What the SDK would send, kept instead of sent."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)

    def sent(self) -> str:
        return "\n".join(e.serialize().decode(errors="replace") for e in self.envelopes)


def fail_to_send(text: str, first_name: str) -> None:
    update = {"message": {"text": text, "from": {"first_name": first_name}}}  # noqa: F841
    raise NetworkError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage: Bad Gateway")


@pytest.fixture
def sentry() -> Any:
    transport = KeepEnvelopes()
    init_sentry(DSN, [TOKEN], transport=transport)
    try:
        yield transport
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init()  # no DSN: reporting off for the tests that follow


def test_reports_keep_the_error_and_drop_the_token_and_user_content(sentry: KeepEnvelopes) -> None:
    log = logging.getLogger("telegram.ext.Application")
    logging.getLogger("bot.updates").warning("a user wrote %r", WORDS)  # a breadcrumb
    try:
        fail_to_send(WORDS, NAME)
    except NetworkError as error:
        sentry_sdk.capture_exception(error)
    try:  # another failure, reported through logging as PTB reports one
        fail_to_send(WORDS, NAME)
    except NetworkError as error:
        log.error("Update %s caused error %s", {"text": WORDS, "name": NAME}, error, exc_info=True)
    sentry_sdk.flush()

    sent = sentry.sent()
    assert len(sentry.envelopes) == 2, "the exception and the ERROR log line"
    assert "NetworkError" in sent and "fail_to_send" in sent, "what failed, and where"
    assert "Bad Gateway" in sent and "[REDACTED]" in sent, "the message, minus the token"
    assert "Update %s caused error %s" in sent, "a log line goes as its format string"
    for private in (TOKEN, "AAEsecretTOKEN", WORDS, "fired last", NAME, "publickey123"):
        assert private not in sent, f"{private!r} left the process"


async def test_a_dsn_without_the_sdk_is_a_configuration_error(
    stub: StubBotApi, tmp_path: Path
) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": stub.token,
        "TELEGRAM_API_URL": stub.url,
        "DATABASE_URL": f"sqlite:///{tmp_path}/bot.sqlite3",
        "SENTRY_DSN": DSN,
        # sentry_sdk cannot be imported: as on an install without the [sentry] extra.
        "PYTHONPATH": str(tmp_path / "no_sentry"),
    }
    blocker = tmp_path / "no_sentry" / "sentry_sdk"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('not installed')\n")
    code, output = await run_until_exit(env)
    assert code == 2, output
    assert "SENTRY_DSN is set, but sentry-sdk is not installed" in output
    assert "publickey123" not in output
