"""One user flooding `python -m bot` must not slow everyone else, under Telegram's limits."""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path

from tests.bot_harness import BotProcess
from tests.quiz_routes import ROUTES, start_quiz
from tests.stub_bot_api import FakeUser, FloodLimits, StubBotApi
from tests.stub_bot_api.api_objects import message_object


def flood(stub: StubBotApi, user: FakeUser, stale_data: str, taps: int, starts: int) -> None:
    """What a user tapping a stale button and hammering /start injects, without waiting."""
    target = user.last_message
    assert target is not None
    for n in range(taps):
        stub.inject_update(
            {
                "callback_query": {
                    "id": f"flood-{n}",
                    "from": user.user,
                    "message": message_object(target, user.chat.chat, stub.bot_user),
                    "chat_instance": str(user.chat_id),
                    "data": stale_data,
                }
            }
        )
    for _ in range(starts):
        stub.inject_update(
            {
                "message": {
                    "message_id": user.chat.next_message_id(),
                    "from": user.user,
                    "chat": user.chat.chat,
                    "date": int(time.time()),
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                }
            }
        )


async def play(user: FakeUser) -> None:
    await user.send("/start")
    await user.tap("Start the quiz")
    for label in ROUTES["billing"][:3]:
        await user.tap(label)


async def test_one_flooding_user_does_not_slow_the_others(stub: StubBotApi, tmp_path: Path) -> None:
    stub.flood_limits = FloodLimits()  # Telegram's: about 1 message/s per chat after a burst
    bot = BotProcess.in_dir(stub, tmp_path)
    flooder = stub.user(4601, "Flo")
    others = [stub.user(4610 + n, f"Calm{n}") for n in range(5)]
    try:
        await bot.start()
        await start_quiz(flooder)
        question_one = flooder.last_message
        assert question_one is not None
        stale = question_one.buttons[0][0].callback_data
        assert stale is not None
        await flooder.tap(ROUTES["coding"][0])
        await asyncio.sleep(1.5)  # the flooder's own burst allowance is back
        marker = len(stub.latencies())

        flood(stub, flooder, stale, taps=50, starts=100)
        await asyncio.gather(*(play(user) for user in others))
        calm = {user.chat_id for user in others}
        latencies = [
            t.latency for t in stub.latencies()[marker:] if t.chat_id in calm and t.latency
        ]
        assert len(latencies) == 5 * 5
        assert max(latencies) < 1.0, f"others waited up to {max(latencies):.2f}s"
        assert statistics.median(latencies) < 0.3

        async with asyncio.timeout(15):  # the flooder's taps are all answered, in time
            while stub.unanswered_callback_queries():  # noqa: ASYNC110 - no event to await
                await asyncio.sleep(0.1)
    finally:
        await bot.stop_quietly()
    assert stub.stats.too_many_requests_sent <= 2, stub.stats.too_many_requests_sent
    sent_to_flooder = len(flooder.messages)
    assert sent_to_flooder <= 15, f"one chat made the bot send {sent_to_flooder} messages"
    assert not stub.not_modified, "no redraw with identical content"
    assert not stub.retry_after_ignored


async def test_a_stale_tap_on_an_old_snapshot_does_not_redraw_the_same_screen(
    stub: StubBotApi, tmp_path: Path
) -> None:
    bot = BotProcess.in_dir(stub, tmp_path)
    user = stub.user(4620, "Snap")
    try:
        await bot.start()
        await start_quiz(user)
        question_one = user.last_message
        assert question_one is not None and question_one.buttons[0][0].callback_data
        snapshot = message_object(question_one, user.chat.chat, stub.bot_user)
        stale = question_one.buttons[0][0].callback_data
        await user.tap(ROUTES["coding"][0])
        screen = user.last_message.text if user.last_message else None
        for n in range(3):  # Telegram clients resend the tap with the message as they saw it
            stub.inject_update(
                {
                    "callback_query": {
                        "id": f"snap-{n}",
                        "from": user.user,
                        "message": snapshot,
                        "chat_instance": str(user.chat_id),
                        "data": stale,
                    }
                }
            )
            async with asyncio.timeout(10):
                while stub.unanswered_callback_queries():  # noqa: ASYNC110 - no event
                    await asyncio.sleep(0.02)
        await asyncio.sleep(0.5)
        assert user.last_message is not None and user.last_message.text == screen
    finally:
        await bot.stop_quietly()
    assert not stub.not_modified, [v.description for v in stub.not_modified]
