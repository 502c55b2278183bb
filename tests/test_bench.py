"""The benchmark's pieces work (python -m bench): not its timings, which are too noisy to test."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench.configs import bots, modes
from bench.echo_bot import build_echo_application
from bench.journeys import UPDATES_PER_USER, Pace, echo_journey, quiz_journey, run_user
from bench.report import Row, checks, table
from bench.runner import run_once
from bot.app import polling
from tests.bot_harness import settings_for
from tests.stub_bot_api import StubBotApi


async def test_the_echo_bot_answers_every_update_with_one_message(stub: StubBotApi) -> None:
    application = build_echo_application(settings_for(stub, "sqlite:///:memory:"))
    user = stub.user(3001, "Eve")
    async with polling(application, poll_timeout=1):
        await echo_journey(user, 0, Pace(), random.Random(0))
    assert stub.stats.requests_by_method["sendMessage"] == UPDATES_PER_USER
    assert [m.text for m in user.messages][-2:] == [f"step {n}" for n in (11, 12)]
    assert not stub.unanswered_callback_queries()
    stub.assert_no_violations()


async def test_the_driver_tells_finished_users_from_stuck_ones(stub: StubBotApi, bot: None) -> None:
    finished = await run_user(stub.user(3002, "Fay"), 3, quiz_journey, Pace(), seed=1)
    assert finished.error is None and finished.seconds is not None and finished.seconds > 0
    plan = stub.messages(3002)[-1]
    assert "Military veteran · " in plan.text
    assert "🔔 Check in on day 30, 60, 90" in plan.button_texts()

    stub.reply_timeout = 0.5  # the quiz bot never echoes, so this user gets stuck
    stuck = await run_user(stub.user(3003, "Gil"), 0, echo_journey, Pace(), seed=1)
    assert stuck.finished_at is None and stuck.seconds is None
    assert stuck.error is not None and "the `until` condition never held" in stuck.error


@pytest.mark.parametrize("which", ["careerpath/sqlite", "echo floor"])
async def test_a_small_run_measures_each_bot_process(tmp_path: Path, which: str) -> None:
    mode = modes(production_think=(1.0, 3.0))["capacity"]
    target = next(b for b in bots(with_postgres=False) if b.name == which)
    result = await run_once(mode, target, 2, tmp_path, reply_timeout=20, seed=1)
    row = Row.of(result)
    assert (row.finished, row.users, row.unanswered, row.violations) == (2, 2, 0, 0)
    # One message or edit per update; the check-in offer is a button on the plan.
    assert len(result.message_times) == 2 * UPDATES_PER_USER
    assert 0 < row.startup_s < 30 and 10 < row.peak_rss_mb < 1000
    assert (row.state_bytes_per_user is None) == target.is_floor
    assert "2/2" in table([row])
    assert all(check.met for check in checks([row], 1000) if "finishes" in check.target)
