"""Check-ins sent by the real `python -m bot` to the stub Bot API with a "day" of a tenth of
a second (CHECKIN_DAY_SECONDS), on both backends: stopped, killed and restarted in between,
the bot sends each of the three check-ins exactly once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from bot.storage import open_storage
from tests.bot_harness import BotProcess
from tests.stub_bot_api import FakeUser, StubBotApi

DAY_SECONDS = 0.25  # day 30 comes 7.5 s after "yes", day 60 after 15 s, day 90 after 22.5 s
CHECKIN_DAYS = (30, 60, 90)


def checkins_received(user: FakeUser) -> list[int]:
    """The days of the check-ins in the chat, in the order they arrived."""
    return [
        day
        for message in user.messages
        for day in CHECKIN_DAYS
        if f"Day {day} check-in" in (message.text or "")
    ]


async def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds}s for {what}"
        await asyncio.sleep(0.05)


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
        assert "🔔 Check in on day 30, 60, 90" in user.last_message.button_texts()
        confirmed = await user.tap("Check in on day 30, 60, 90")
        said_yes_at = time.monotonic()
        assert "Day 30:" in (confirmed.edits[-1].text or "")

        # Killed before anything is due, and down while day 30 comes due: the check-in
        # goes out as soon as the bot is back.
        await bot.kill()
        await asyncio.sleep(30 * DAY_SECONDS + 1)
        assert checkins_received(user) == []
        await bot.start()
        await wait_until(lambda: checkins_received(user) == [30], 10, "the late day-30 check-in")

        # A clean restart between day 30 and day 60 neither loses nor repeats one.
        assert await bot.terminate() == 0
        await bot.start()
        await wait_until(lambda: len(checkins_received(user)) == 3, 30, "days 60 and 90")
        assert time.monotonic() - said_yes_at >= 90 * DAY_SECONDS - 0.5, "not before its time"

        # Another restart after the last one: nothing is left to send.
        await bot.kill()
        await bot.start()
        await asyncio.sleep(3)
        assert checkins_received(user) == [30, 60, 90], "each check-in exactly once"

        listing = await user.send("/reminders")
        assert "All three check-ins have gone out" in (listing.messages[-1].text or "")
    finally:
        await bot.stop_quietly()

    storage = open_storage(database_url)
    await storage.open()
    try:
        assert await storage.waiting_reminders(int(time.time()) + 10**9) == []
    finally:
        await storage.close()
    stub.assert_no_violations()
    assert stub.token not in bot.log()


async def test_forget_stops_the_check_ins(
    stub: StubBotApi, database_url: str, tmp_path: Path
) -> None:
    bot = BotProcess(
        stub, database_url, tmp_path / "bot.log", extra_env={"CHECKIN_DAY_SECONDS": "0.05"}
    )
    user = stub.user(8102, "Eli")
    try:
        await bot.start()
        await user.send("/start plan-remote-billing")
        await user.tap("Check in on day 30, 60, 90")
        await user.send("/forget")
        await user.tap("Yes, delete my data")
        await asyncio.sleep(90 * 0.05 + 2)
        assert checkins_received(user) == [], "nothing is sent to a chat that asked to forget"
    finally:
        await bot.stop_quietly()
