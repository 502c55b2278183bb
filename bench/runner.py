"""One benchmark run: a fresh stub Bot API and database, the bot as a process, N users."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.configs import Bot, Mode
from bench.journeys import TYPED_QUESTIONS, UserRun, run_user, sent, with_typed_questions
from bench.processes import BotUnderTest, Buckets, Profiler, step_cpu_buckets
from tests.bot_harness import free_port, webhook_env
from tests.stub_bot_api import (
    BotMessage,
    LoopLagMonitor,
    QuietTuning,
    ReactionPace,
    StubBotApi,
    UpdateTiming,
)
from tests.stub_bot_api.chats import ChatState

FIRST_USER_ID = 100_000
QUESTION_USER_ID = 99_999
STARTUP_LIMIT = 60.0
# Each typed question is asked this many times in a row, each asking timed on its own from
# the scheduler's nanosecond count: 320 askings in all for the p50 and p99.
QUESTION_REPEATS = 40
WEBHOOK_SECRET = "bench-webhook-secret"
# The handler that takes typed text (bot/handlers.py), as labelled in the bot's /metrics.
TEXT_HANDLER = "text"


class BenchStub(StubBotApi):
    """The stub, lean for load (no request log, few messages kept per chat), noting when
    each message was sent or edited so the sustained rate can be measured."""

    def __init__(self, reply_timeout: float) -> None:
        super().__init__(
            record_calls=False, messages_per_chat=3, reply_timeout=reply_timeout, quiet_period=0
        )
        # Every journey step waits for the exact reply it expects (`until=`), so the fake
        # users need no quiet period, and one that grows with load would only slow them.
        self.quiet_tuning = QuietTuning(LoopLagMonitor(factor=0), ReactionPace(factor=0))
        self.message_times: list[float] = []
        self.messages_sent = 0  # new messages (each costs Telegram's per-chat budget)
        self.edits_made = 0

    def publish_sent(self, chat: ChatState, message: BotMessage, now: float) -> dict[str, Any]:
        self.message_times.append(now)
        self.messages_sent += 1
        return super().publish_sent(chat, message, now)

    def publish_edit(self, chat: ChatState, message: BotMessage, now: float) -> dict[str, Any]:
        self.message_times.append(now)
        self.edits_made += 1
        return super().publish_edit(chat, message, now)


@dataclass
class RunResult:
    mode: str
    bot: str
    is_floor: bool
    users: int
    runs: list[UserRun]
    timings: list[UpdateTiming]
    message_times: list[float]
    messages_sent: int
    edits_made: int
    startup_seconds: float
    load_seconds: float
    bot_cpu_seconds: float
    stub_cpu_seconds: float
    stub_handler_cpu_seconds: float
    question_cpu_ms: list[float]  # per typed question, after the load (empty: not measured)
    # The bot's own histogram of its typed-text steps' CPU time (empty: it serves none):
    # the steps during the load, and those of the questions asked after it.
    question_steps_in_load: Buckets
    question_steps_after: Buckets
    start_rss_bytes: int  # once started, before any user
    peak_rss_bytes: int
    stored_bytes: int | None
    too_many_requests: int
    retry_after_ignored: int
    violations: int
    requests_by_method: dict[str, int]  # Bot API requests the stub received, whole run
    calls_in_webhook_answers: dict[str, int]  # calls made in answers to webhook POSTs
    notes: list[str] = field(default_factory=list)


async def start_up_seconds(stub: StubBotApi, bot: BotUnderTest) -> float:
    """Start the bot; seconds from spawning it to its first getUpdates arriving at the stub
    (which follows deleteWebhook, what BotProcess.start waits for, at once), or in webhook
    mode to its webhook being set and served (what BotProcess.start waits for)."""
    await bot.start(wait_seconds=STARTUP_LIMIT)
    if bot.webhook_port is None:
        async with asyncio.timeout(STARTUP_LIMIT):
            while not stub.stats.requests_by_method.get("getUpdates"):  # noqa: ASYNC110
                await asyncio.sleep(0.001)
    return time.monotonic() - bot.spawned_at


async def question_cpu_ms(stub: StubBotApi, bot: BotUnderTest) -> list[float]:
    """The bot's CPU time for each typed question it answered (ms): every question of
    TYPED_QUESTIONS asked QUESTION_REPEATS times by one user, one at a time, on an otherwise
    idle bot, each timed on its own. It includes the update's round trips (getUpdates,
    sendMessage): the echo floors show that part alone."""
    user = stub.user(QUESTION_USER_ID, "Asker")
    await user.send("/start", until=sent)
    costs = []
    for question in TYPED_QUESTIONS:
        for _ in range(QUESTION_REPEATS):
            before = await bot.settled_cpu_seconds()
            await user.send(question, until=sent)
            costs.append(1000 * (await bot.settled_cpu_seconds() - before))
    return costs


def minus(later: Buckets, earlier: Buckets) -> Buckets:
    """The observations a histogram gained between two readings."""
    before = dict(earlier)
    return [(bound, count - before.get(bound, 0.0)) for bound, count in later]


async def stop(bot: BotUnderTest, name: str) -> list[str]:
    """SIGTERM, as a platform sends it; anything but a clean exit 0 is worth a note."""
    if bot.process is None or bot.process.returncode is not None:
        return [f"{name} had already exited"] if bot.process else []
    try:
        exit_code = await bot.terminate()
    except AssertionError:
        return [f"{name} ignored SIGTERM and was killed"]
    return [] if exit_code == 0 else [f"{name} exited with {exit_code} on SIGTERM"]


async def run_once(
    mode: Mode,
    target: Bot,
    users: int,
    workdir: Path,
    *,
    reply_timeout: float,
    seed: int,
    profile_dir: Path | None = None,
    typed_questions: bool = False,
    measure_questions: bool = False,
    run: int = 1,
    webhook: bool = False,
) -> RunResult:
    """One bot under one mode's load; `run` numbers repeated runs (their files apart).
    webhook: the stub POSTs the updates to the bot's webhook instead of being polled."""
    label = f"{mode.name}-{target.name.replace('/', '-').replace(' ', '-')}"
    if run > 1:
        label = f"{label}-run{run}"
    rundir = workdir / label
    rundir.mkdir(parents=True)
    async with target.database(rundir) as database_url, BenchStub(reply_timeout) as stub:
        stub.flood_limits = mode.flood_limits
        env = {**target.env, **({} if mode.bot_rate_limit else {"BOT_RATE_LIMIT": "off"})}
        if webhook:
            env.update(webhook_env(free_port(), WEBHOOK_SECRET))
        metrics_port = free_port() if target.serves_metrics else None
        if metrics_port is not None:
            env["METRICS_PORT"] = str(metrics_port)
        journey = with_typed_questions(target.journey) if typed_questions else target.journey
        bot = BotUnderTest(stub, database_url, rundir / "bot.log", env, module=target.module)
        profiler = None
        try:
            startup = await start_up_seconds(stub, bot)
            start_rss = bot.rss_bytes()
            fake_users = [
                stub.user(FIRST_USER_ID + index, f"User{index}") for index in range(users)
            ]
            if profile_dir is not None:
                profiler = Profiler(bot.pid, profile_dir / f"{label}.txt")
                await profiler.start()
            bot_cpu, stub_cpu = bot.cpu_seconds(), time.process_time()
            stub_handler_cpu = stub.stats.handler_cpu_seconds
            started = time.monotonic()
            runs = await asyncio.gather(
                *(
                    run_user(user, index, journey, mode.pace, seed)
                    for index, user in enumerate(fake_users)
                )
            )
            load_seconds = time.monotonic() - started
            bot_cpu = bot.cpu_seconds() - bot_cpu
            stub_cpu = time.process_time() - stub_cpu
            stub_handler_cpu = stub.stats.handler_cpu_seconds - stub_handler_cpu
            if profiler is not None:
                await profiler.stop()
            peak_rss = bot.peak_rss_bytes()
            # What the load did, before the typed-question measurement adds its own.
            timings, message_times = stub.latencies(), sorted(stub.message_times)
            messages_sent, edits_made = stub.messages_sent, stub.edits_made
            steps_in_load: Buckets = []
            steps_after: Buckets = []
            if metrics_port is not None:
                steps_in_load = await step_cpu_buckets(metrics_port, TEXT_HANDLER)
            question_costs = []
            if measure_questions:
                if profile_dir is not None:  # the typed questions' own profile
                    profiler = Profiler(bot.pid, profile_dir / f"{label}-questions.txt")
                    await profiler.start()
                question_costs = await question_cpu_ms(stub, bot)
                if profiler is not None:
                    await profiler.stop()
                if metrics_port is not None:
                    steps_after = minus(
                        await step_cpu_buckets(metrics_port, TEXT_HANDLER), steps_in_load
                    )
        finally:
            if profiler is not None:
                await profiler.stop()
            notes = await stop(bot, target.name)
        stored = await target.stored_bytes(database_url) if target.stored_bytes else None
        return RunResult(
            mode=mode.name,
            bot=target.name,
            is_floor=target.is_floor,
            users=users,
            runs=list(runs),
            timings=timings,
            message_times=message_times,
            messages_sent=messages_sent,
            edits_made=edits_made,
            startup_seconds=startup,
            load_seconds=load_seconds,
            bot_cpu_seconds=bot_cpu,
            stub_cpu_seconds=stub_cpu,
            stub_handler_cpu_seconds=stub_handler_cpu,
            question_cpu_ms=question_costs,
            question_steps_in_load=steps_in_load,
            question_steps_after=steps_after,
            start_rss_bytes=start_rss,
            peak_rss_bytes=peak_rss,
            stored_bytes=stored,
            too_many_requests=stub.stats.too_many_requests_sent,
            retry_after_ignored=len(stub.retry_after_ignored),
            violations=len(stub.violations),
            requests_by_method=dict(stub.stats.requests_by_method),
            calls_in_webhook_answers=dict(stub.stats.webhook_reply_calls),
            notes=notes,
        )
