"""Check-ins sent by the real `python -m bot` to the stub Bot API with a "day" of a twentieth
of a second (CHECKIN_DAY_SECONDS), on both backends: stopped, killed and restarted in between,
the bot sends each of the three check-ins exactly once.

The tests wait on conditions (a check-in arrived, the clock passed a due time read from the
database), never for a fixed time, except to see that nothing more comes: that takes a window
of two of the bot's sweeps (SHORT_DAY_SWEEP_SECONDS) past the moment something could."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.reminders import SHORT_DAY_SWEEP_SECONDS
from bot.storage import open_storage
from bot.storage.base import Reminder
from tests.bot_harness import BotProcess
from tests.stub_bot_api import FakeUser, StubBotApi

# Day 30 comes 1.5 s after "yes" (due times are whole seconds: up to 2.5 s), day 60 after
# 3 s, day 90 after 4.5 s. The first kill follows the "yes" within milliseconds.
DAY_SECONDS = 0.05
# Long enough for a bot that is up to sweep the reminders twice and send what it found.
QUIET_WINDOW = 2 * SHORT_DAY_SWEEP_SECONDS + 0.5
CHECKIN_DAYS = (30, 60, 90)


def checkins_received(user: FakeUser) -> list[int]:
    """The days of the check-ins in the chat, in the order they arrived."""
    return [
        day
        for message in user.messages
        for day in CHECKIN_DAYS
        if f"Day {day} check-in" in (message.text or "")
    ]


async def wait_until(
    condition: Callable[[], bool], seconds: float, what: str, bot: BotProcess
) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, (
            f"waited {seconds}s for {what}; the bot's log:\n{bot.log()}"
        )
        await asyncio.sleep(0.02)


async def waiting_reminders(database_url: str) -> list[Reminder]:
    """Every check-in the database still holds, due or not."""
    storage = open_storage(database_url)
    await storage.open()
    try:
        return await storage.waiting_reminders(int(time.time()) + 10**9)
    finally:
        await storage.close()


async def wait_past(unix_time: float) -> None:
    """Until the wall clock (which the bot's due times use) has passed unix_time."""
    while time.time() <= unix_time:  # noqa: ASYNC110 - waiting on the clock itself
        await asyncio.sleep(min(0.05, max(0.0, unix_time - time.time()) + 0.001))


@pytest.mark.slow
async def test_check_ins_survive_kill_and_restart_without_loss_or_duplicate(
    stub: StubBotApi, database_url: str, tmp_path: Path
) -> None:
    bot = BotProcess(
        stub,
        database_url,
        tmp_path / "bot.log",
        extra_env={"CHECKIN_DAY_SECONDS": str(DAY_SECONDS)},
    )
    user = stub.user(8101, "Dana")
    try:
        await bot.start()
        await user.send("/start plan-veteran-coding")
        assert "🔔 Remind me on days 30, 60, 90" in user.last_message.button_texts()
        confirmed = await user.tap("Remind me on days 30, 60, 90")
        said_yes_at = time.monotonic()
        assert "Day 30:" in (confirmed.edits[-1].text or "")

        # Killed before anything is due, and down while day 30 comes due: the check-in
        # goes out as soon as the bot is back.
        await bot.kill()
        due = {r.day: r.due_at for r in await waiting_reminders(database_url)}
        assert sorted(due) == [30, 60, 90]
        await wait_past(due[30])
        assert checkins_received(user) == []
        await bot.start()
        # (Day 60 may come due too while the bot starts on a busy machine; the two are then
        # sent at once and may arrive in either order.)
        await wait_until(lambda: 30 in checkins_received(user), 10, "the late day 30", bot)

        # A clean restart (between day 30 and day 60, unless the machine is slow) neither
        # loses nor repeats one.
        assert await bot.terminate() == 0
        await bot.start()
        await wait_until(lambda: len(checkins_received(user)) == 3, 30, "days 60 and 90", bot)
        assert time.monotonic() - said_yes_at >= 90 * DAY_SECONDS - 0.5, "not before its time"

        # Another restart after the last one: nothing is left to send.
        await bot.kill()
        await bot.start()
        listing = await user.send("/reminders")  # the bot is up: its first sweep has begun
        assert "All three check-ins have gone out" in (listing.messages[-1].text or "")
        await asyncio.sleep(QUIET_WINDOW)
        # Each exactly once. (Days 60 and 90 both due while a slow restart is under way are
        # sent at once, and may arrive in either order.)
        received = checkins_received(user)
        assert sorted(received) == [30, 60, 90], f"each check-in once: {received}\n{bot.log()}"
    finally:
        await bot.stop_quietly()

    assert await waiting_reminders(database_url) == []
    stub.assert_no_violations()
    assert stub.token not in bot.log()


@pytest.mark.slow
async def test_forget_stops_the_check_ins(
    stub: StubBotApi, database_url: str, tmp_path: Path
) -> None:
    bot = BotProcess(
        stub, database_url, tmp_path / "bot.log", extra_env={"CHECKIN_DAY_SECONDS": "0.02"}
    )
    user = stub.user(8102, "Eli")
    try:
        await bot.start()
        await user.send("/start plan-remote-billing")
        await user.tap("Remind me on days 30, 60, 90")
        due = {r.day: r.due_at for r in await waiting_reminders(database_url)}
        assert sorted(due) == [30, 60, 90]
        await user.send("/forget")
        await user.tap("Yes, delete my data")
        assert await waiting_reminders(database_url) == [], "the check-ins were deleted"
        # Past the last due time, and past two sweeps more: still nothing.
        await wait_past(due[90])
        await asyncio.sleep(QUIET_WINDOW)
        assert checkins_received(user) == [], "nothing is sent to a chat that asked to forget"
    finally:
        await bot.stop_quietly()
