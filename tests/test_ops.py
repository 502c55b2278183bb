"""/healthz, /readyz and /metrics: what an operator's probes and Prometheus get."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import make_mocked_request
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from telegram import WebhookInfo

from bot.app import STORAGE
from bot.config import ConfigError, Settings
from bot.metrics import Metrics
from bot.ops import POLL_STALE_SECONDS, Endpoints, Readiness
from bot.storage import open_storage
from flows.dialogue import Dialogue
from flows.schema import Content
from tests.bot_harness import BotProcess, free_port, running_bot, webhook_env
from tests.chat_double import DialogueUser
from tests.stub_bot_api import FaultKind, FaultRule, StubBotApi

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def get(port: int, path: str) -> tuple[int, str, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, response.headers["Content-Type"], await response.text()


def samples(exposition: str) -> Samples:
    """Every sample of a Prometheus text page, by name and labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


async def wait_ready(port: int, seconds: float = 15.0) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        status, _, body = await get(port, "/readyz")
        if status == 200 or time.monotonic() > deadline:
            return {"status": status, "body": body}
        await asyncio.sleep(0.1)


async def test_health_readiness_and_metrics_of_a_polling_bot(
    stub: StubBotApi, content: Content, database_url: str
) -> None:
    port = free_port()
    # A chat id as long as Telegram's real ones: a four-digit one turned up inside the digits
    # of a timestamp's value (1.7966464598101356e+09) and failed the leak check below.
    user = stub.user(7_351_902_468, "Quentin-Private", language_code="en")
    async with running_bot(stub, content, database_url, metrics_port=port) as application:
        assert await get(port, "/healthz") == (200, "text/plain; charset=utf-8", "ok\n")
        ready = await wait_ready(port)
        assert ready["status"] == 200, ready
        assert '"database": "ok"' in ready["body"] and '"updates": "ok"' in ready["body"]

        await user.send("/start")
        await user.tap("Start the quiz")
        await user.send("my own private words")
        status, content_type, page = await get(port, "/metrics")
        assert status == 200 and content_type.startswith("text/plain; version=0.0.4")
        found = samples(page)
        assert value(found, "careerpath_updates_total", kind="message", handler="/start") == 1
        assert value(found, "careerpath_updates_total", kind="callback_query", handler="tap") == 1
        assert value(found, "careerpath_updates_total", kind="message", handler="text") == 1
        assert value(found, "careerpath_updates_received_total", kind="message") == 2
        assert value(found, "careerpath_handler_seconds_count", handler="/start") == 1
        for handler in ("/start", "tap", "text"):  # each dialogue step's own CPU time
            assert value(found, "careerpath_step_cpu_seconds_count", handler=handler) == 1
            assert 0 < value(found, "careerpath_step_cpu_seconds_sum", handler=handler) < 1
        assert (
            value(found, "careerpath_bot_api_requests_total", method="sendMessage", outcome="ok")
            >= 2
        )
        assert (
            value(found, "careerpath_bot_api_requests_total", method="getUpdates", outcome="ok")
            >= 1
        )
        assert value(found, "careerpath_funnel_events_total", event="quiz_started", label="en") == 1
        assert value(found, "careerpath_last_poll_timestamp_seconds") > time.time() - 60
        for private in ("Quentin", "private words", str(user.chat_id), stub.token):
            assert private not in page, "no user data (or token) in any label or value"

        # The database goes away: not ready, and it says why.
        await application.bot_data[STORAGE].close()
        status, _, body = await get(port, "/readyz")
        assert status == 503 and '"database": "unreachable (StorageError)"' in body
        assert (await get(port, "/healthz"))[0] == 200, "alive all the same"
    with pytest.raises(aiohttp.ClientConnectionError):
        await get(port, "/healthz")  # the server stops with the bot


async def test_retried_and_refused_bot_api_requests_are_told_apart(
    stub: StubBotApi, content: Content, tmp_path: Path
) -> None:
    port = free_port()
    user = stub.user(8102, "Rae")
    database = f"sqlite:///{tmp_path}/bot.sqlite3"
    async with running_bot(stub, content, database, metrics_port=port):
        stub.faults.add(FaultRule(FaultKind.BAD_GATEWAY, every_nth=2, methods={"sendMessage"}))
        await user.send("/help", reply_timeout=10)
        await user.send("/help", reply_timeout=10)
        found = samples((await get(port, "/metrics"))[2])
    requests = "careerpath_bot_api_requests_total"
    assert value(found, requests, method="sendMessage", outcome="retried") == 1
    assert value(found, requests, method="sendMessage", outcome="ok") == 2


async def test_checkins_due_and_sent_are_counted(
    stub: StubBotApi, content: Content, tmp_path: Path
) -> None:
    port = free_port()
    user = stub.user(8103, "Sol")
    database = f"sqlite:///{tmp_path}/bot.sqlite3"
    async with running_bot(stub, content, database, metrics_port=port, checkin_day_seconds=0.05):
        await user.send("/start plan-changer-coding")
        await user.tap("Remind me on days 30, 60, 90")
        deadline = time.monotonic() + 20
        while True:
            found = samples((await get(port, "/metrics"))[2])
            sent = value(found, "careerpath_checkins_total", event="sent")
            if sent == 3 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
    assert sent == 3
    assert value(found, "careerpath_checkins_total", event="due") == 3
    assert value(found, "careerpath_checkins_total", event="failed") == 0
    assert value(found, "careerpath_funnel_events_total", event="checkins_on", label="") == 1


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_polling_that_stopped_answering_is_not_ready(tmp_path: Path) -> None:
    storage = open_storage(f"sqlite:///{tmp_path}/bot.sqlite3")
    await storage.open()
    metrics, clock = Metrics(), Clock()
    readiness = Readiness(storage, metrics, webhook=False, clock=clock)
    try:
        assert (await readiness.check())["updates"] == "no getUpdates answered yet"
        metrics.api_request("getUpdates", "ok")
        metrics.last_poll_at = clock.now
        assert await readiness.check() == {"database": "ok", "updates": "ok"}
        clock.now += POLL_STALE_SECONDS + 5
        assert (await readiness.check())["updates"] == "no getUpdates answered for 65s"
        metrics.api_request("getUpdates", "5xx")
        assert (await readiness.check())["updates"] != "ok", "only an answered poll counts"
    finally:
        await storage.close()


class FakeBot:
    """getWebhookInfo as Telegram would answer it."""

    def __init__(self, info: WebhookInfo) -> None:
        self.info, self.calls = info, 0

    async def get_webhook_info(self) -> WebhookInfo:
        self.calls += 1
        return self.info


async def test_a_webhook_telegram_cannot_deliver_to_is_not_ready(tmp_path: Path) -> None:
    storage = open_storage(f"sqlite:///{tmp_path}/bot.sqlite3")
    await storage.open()
    clock = Clock()
    failing = WebhookInfo(
        url="https://bot.example/hook",
        has_custom_certificate=False,
        pending_update_count=12,
        last_error_date=datetime.now(UTC),
        last_error_message="Connection refused",
    )
    bot = FakeBot(failing)
    readiness = Readiness(storage, Metrics(), webhook=True, bot=bot, clock=clock)  # type: ignore[arg-type]
    try:
        checks = await readiness.check()
        assert checks["updates"] == "Telegram could not deliver: Connection refused"
        bot.info = WebhookInfo(
            url="https://bot.example/hook", has_custom_certificate=False, pending_update_count=0
        )
        assert (await readiness.check())["updates"] != "ok", "Telegram is asked at most every 30 s"
        assert bot.calls == 1
        clock.now += 31
        assert await readiness.check() == {"database": "ok", "updates": "ok"}
        assert bot.calls == 2
    finally:
        await storage.close()


async def test_python_m_bot_serves_the_endpoints_on_localhost(
    stub: StubBotApi, tmp_path: Path
) -> None:
    port = free_port()
    bot = BotProcess.in_dir(stub, tmp_path, {"METRICS_PORT": str(port)})
    try:
        await bot.start()
        # Idle, with nobody writing: ready at once, not when a 10 s long poll returns.
        ready = await wait_ready(port, seconds=3)
        assert ready["status"] == 200, (ready, bot.log())
        assert (await get(port, "/healthz"))[0] == 200
        found = samples((await get(port, "/metrics"))[2])
        # bot/polling.py's getUpdates go through the counted transport: that made it ready.
        assert value(found, "careerpath_bot_api_requests_total", method="getUpdates", outcome="ok")
        assert value(found, "careerpath_last_poll_timestamp_seconds") > time.time() - 60
        assert f"health and metrics on http://127.0.0.1:{port}/metrics" in bot.log()
        assert await bot.terminate() == 0
    finally:
        await bot.stop_quietly()


def test_operator_settings_from_the_environment() -> None:
    base = {"TELEGRAM_BOT_TOKEN": "1:abc"}
    plain = Settings.from_env(base)
    assert (plain.metrics_port, plain.admin_chat_ids, plain.sentry_dsn) == (None, frozenset(), None)
    assert plain.metrics_listen == "127.0.0.1", "the endpoints stay on this machine by default"
    settings = Settings.from_env(
        {
            **base,
            "METRICS_PORT": "9464",
            "METRICS_LISTEN": "0.0.0.0",
            "ADMIN_CHAT_IDS": " 12345, 67890 ,",
            "SENTRY_DSN": "https://key@sentry.example/1",
        }
    )
    assert (settings.metrics_port, settings.metrics_listen) == (9464, "0.0.0.0")
    assert settings.admin_chat_ids == {12345, 67890}
    assert settings.sentry_dsn is not None and "key" not in repr(settings)
    webhook = {"WEBHOOK_URL": "https://bot.example/hook", "WEBHOOK_SECRET": "s", "PORT": "8080"}
    with pytest.raises(ConfigError, match="METRICS_PORT must differ from PORT"):
        Settings.from_env({**base, **webhook, "METRICS_PORT": "8080"})
    for variable, bad in (("ADMIN_CHAT_IDS", "@alice"), ("METRICS_PORT", "99999")):
        with pytest.raises(ConfigError, match=variable) as raised:
            Settings.from_env({**base, variable: bad})
        assert bad not in str(raised.value)


async def test_a_webhook_bot_is_ready_once_telegram_has_its_webhook(
    stub: StubBotApi, tmp_path: Path
) -> None:
    port, metrics_port = free_port(), free_port()
    bot = BotProcess.in_dir(
        stub,
        tmp_path,
        {**webhook_env(port, "s3cret-for-tests"), "METRICS_PORT": str(metrics_port)},
    )
    user = stub.user(8104, "Uma")
    try:
        await bot.start()
        ready = await wait_ready(metrics_port)
        assert ready["status"] == 200, (ready, bot.log())
        await user.send("/start")
        found = samples((await get(metrics_port, "/metrics"))[2])
        assert value(found, "careerpath_updates_total", kind="message", handler="/start") == 1
        assert value(found, "careerpath_last_poll_timestamp_seconds") == 0, "no polling"
        assert value(found, "careerpath_last_update_timestamp_seconds") > 0
    finally:
        await bot.stop_quietly()


async def test_the_webhook_port_answers_the_endpoints_without_the_secret(
    stub: StubBotApi, tmp_path: Path
) -> None:
    port = free_port()
    bot = BotProcess.in_dir(
        stub,
        tmp_path,
        webhook_env(port, "s3cret-for-tests"),
    )
    user = stub.user(8105, "Vera")
    try:
        await bot.start()
        ready = await wait_ready(port)
        assert ready["status"] == 200, (ready, bot.log())
        assert await get(port, "/healthz") == (200, "text/plain; charset=utf-8", "ok\n")
        await user.send("/start")
        status, content_type, page = await get(port, "/metrics")
        assert status == 200 and content_type.startswith("text/plain; version=0.0.4")
        found = samples(page)
        assert value(found, "careerpath_updates_received_total", kind="message") == 1
        assert value(found, "careerpath_updates_total", kind="message", handler="/start") == 1
        assert value(found, "careerpath_last_update_timestamp_seconds") > time.time() - 60
        assert "Vera" not in page and "s3cret" not in page

        # A health check never reads a body: one announced and never sent is not waited for.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: bot\r\nContent-Length: 100000\r\n\r\n")
        await writer.drain()
        head = await asyncio.wait_for(reader.readline(), 5)
        writer.close()
        assert head.startswith(b"HTTP/1.1 200"), head
        # The webhook path keeps its checks; other paths and methods are still refused.
        async with aiohttp.ClientSession() as session:
            async with session.post(f"http://127.0.0.1:{port}/telegram", json={}) as response:
                assert response.status == 403, "no secret, no update"
            async with session.post(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 404
            async with session.get(f"http://127.0.0.1:{port}/elsewhere") as response:
                assert response.status == 404
    finally:
        await bot.stop_quietly()


async def test_the_endpoints_can_share_another_server(tmp_path: Path) -> None:
    """What a webhook server on aiohttp's low-level server calls for paths it does not own."""
    storage = open_storage(f"sqlite:///{tmp_path}/bot.sqlite3")
    await storage.open()
    metrics = Metrics()
    endpoints = Endpoints(metrics, Readiness(storage, metrics, webhook=False))
    try:
        health = await endpoints.answer(make_mocked_request("GET", "/healthz"))
        assert health is not None and (health.status, health.text) == (200, "ok\n")
        page = await endpoints.answer(make_mocked_request("GET", "/metrics"))
        assert page is not None and b"careerpath_updates_total" in page.body
        ready = await endpoints.answer(make_mocked_request("GET", "/readyz"))
        assert ready is not None and ready.status == 503, "not polled yet"
        assert await endpoints.answer(make_mocked_request("POST", "/metrics")) is None
        assert await endpoints.answer(make_mocked_request("GET", "/telegram")) is None
    finally:
        await storage.close()


def test_labels_are_content_ids_or_other() -> None:
    metrics = Metrics()
    metrics.tallies((("ask", "salary.pay"), ("ask", "no_match"), ("plan", "José <b>hi</b>")))
    found = samples(generate_latest(metrics.registry).decode())
    events = "careerpath_funnel_events_total"
    assert value(found, events, event="ask", label="salary.pay") == 1
    assert value(found, events, event="ask", label="no_match") == 1
    assert value(found, events, event="plan", label="other") == 1, "never free text"


def test_typed_questions_are_counted_by_outcome(dialogue: Dialogue) -> None:
    metrics = Metrics()
    typed = ("how much do coders make?", "start the quiz", "tell me a joke", "I have chest pain")
    for text in typed:
        metrics.tallies(DialogueUser(dialogue).send(text).tallies)
    user = DialogueUser(dialogue)
    user.command("start")
    user.tap_data("go")
    question = dialogue.content.quiz.questions[0]
    words = dialogue.content.words("en").quiz.questions[question.id]
    metrics.tallies(user.send(words.options[question.options[0].id].label).tallies)
    page = generate_latest(metrics.registry).decode()
    found = samples(page)
    name = "careerpath_typed_questions_total"
    assert value(found, name, outcome="answered") == 2, "a question and a request"
    assert value(found, name, outcome="unmatched") == 1
    assert value(found, name, outcome="safety") == 1
    assert value(found, name, outcome="quiz_answer") == 1
    assert value(found, "careerpath_funnel_events_total", event="quiz_started", label="en") == 1
    assert not any(text.lower() in page.lower() for text in typed), "nothing typed in a label"
