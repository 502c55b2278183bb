"""The real world: odd input, forged and stale buttons, groups, Bot API faults, flood limits."""

from __future__ import annotations

import asyncio
import re

import pytest

from flows.schema import Content
from tests.bot_harness import running_bot
from tests.quiz_routes import HEADLINES, ROUTES, TOTAL, finish_quiz, start_quiz
from tests.stub_bot_api import FaultKind, FaultRule, FloodLimits, StubBotApi

MEDIA_NOTE = "I can only read buttons and text."


# ---- every input gets a sensible outcome ---------------------------------------------------


@pytest.mark.slow
async def test_abuse_catalogue_mid_quiz_leaves_the_quiz_answerable(
    stub: StubBotApi, bot: None
) -> None:
    user = stub.user(3001, "Ana")
    await start_quiz(user)
    await user.tap(ROUTES["coding"][0])

    for text in (
        "asdkjh qwe zzz",
        "🙂🙂🙂",
        "a" * 4000,
        "<b>bold</b> & <script>x</script>",
        "1",
        "   ",
    ):
        reply = await user.send(text)
        assert len(reply.messages) == 1, text[:20]
        assert "tap one of the buttons" in reply.last.text.lower()
        assert f"Question 2 of {TOTAL}" in reply.last.text
        assert "<script>" not in reply.last.text, "users' words are never echoed"

    for send in (user.send_sticker, user.send_photo, user.send_voice, user.send_document):
        reply = await send()
        assert [m.text for m in reply.messages] == [MEDIA_NOTE]

    unknown = await user.send("/definitely_not_a_command")
    assert "/help" in unknown.last.text

    typed = await user.send("hello")
    edited = await user.edit_message(max(user.chat.user_messages), "hello again")
    assert "tap one of the buttons" in edited.last.text.lower()
    assert typed.last.text == edited.last.text

    await user.tap(ROUTES["coding"][1])
    assert f"Question 3 of {TOTAL}" in user.last_message.text


@pytest.mark.parametrize("payload", ["☃️💥<x>&amp;", "x" * 64, "plan-nobody", "../../etc"])
async def test_start_with_an_odd_payload_gets_the_welcome(
    stub: StubBotApi, bot: None, payload: str
) -> None:
    user = stub.user(3002, "Ben")
    reply = await user.send(f"/start {payload}")
    assert reply.last.button_texts() == ["▶ Start the quiz", "🧪 Try the job (2 minutes)"]


async def test_html_in_the_users_name_is_escaped(stub: StubBotApi, bot: None) -> None:
    user = stub.user(3003, "<i>Cy</i> & co <script>")
    reply = await user.send("/start")
    assert reply.last.text.startswith("👋 Hi <i>Cy</i> & co <script>!")


# ---- forged, stale and repeated callbacks ---------------------------------------------------


@pytest.mark.parametrize(
    "data", ["zzz", "a:1", "a:one:2", "p:nobody:coding", "c:xyz", "a:" + "1" * 100, "☃", ":::"]
)
async def test_forged_callback_data_is_answered_and_changes_nothing(
    stub: StubBotApi, bot: None, data: str
) -> None:
    user = stub.user(3004, "Di")
    await start_quiz(user)
    await user.tap(ROUTES["coding"][0])
    reply = await user.tap_data(data)
    assert reply.callback_answer is not None
    assert f"Question 2 of {TOTAL}" in user.last_message.text
    await user.tap(ROUTES["coding"][1])
    assert f"Question 3 of {TOTAL}" in user.last_message.text


async def test_a_double_tap_advances_one_step(stub: StubBotApi, bot: None) -> None:
    user = stub.user(3005, "Eve")
    await start_quiz(user)
    message = user.last_message
    data = message.buttons[0][0].callback_data
    await asyncio.gather(
        user.tap_data(data, message=message.message_id),
        user.tap_data(data, message=message.message_id),
    )
    answers = sorted(
        str(query.answer.text)
        for query in stub.callback_queries.values()
        if query.chat_id == user.chat_id and query.data == data
    )
    assert answers == ["Got it, one tap is enough 👍", "None"], "one step, then a calm ack"
    assert f"Question 2 of {TOTAL}" in user.last_message.text
    await user.tap("◀ Back")
    assert f"Question 1 of {TOTAL}" in user.last_message.text, "only one answer was recorded"


async def test_buttons_from_a_finished_quiz_do_not_reopen_it(stub: StubBotApi, bot: None) -> None:
    user = stub.user(3006, "Flo")
    await start_quiz(user)
    await user.send("/restart")  # the first quiz message keeps its question-1 buttons
    old_question = user.messages[0]
    for label in ROUTES["coding"]:
        await user.tap(label)
    result = user.last_message
    assert result.text.splitlines()[0] == HEADLINES["coding"]
    reply = await user.tap_data(
        old_question.buttons[1][0].callback_data, message=old_question.message_id
    )
    assert "out of date" in reply.callback_answer.text
    assert [m.message_id for m in reply.edits] == [old_question.message_id]
    assert reply.edits[0].text.splitlines()[0] == HEADLINES["coding"], "result unchanged"
    plan = await user.tap("Recent graduate", message=result.message_id)
    assert "Recent graduate · Medical coding" in plan.messages[0].text


# ---- groups ----------------------------------------------------------------------------------


async def test_in_a_group_only_our_commands_get_a_pointer_to_a_private_chat(
    stub: StubBotApi, bot: None
) -> None:
    member = stub.user(
        3007, "Gus", chat_id=-100777, chat_type="supergroup", chat_title="Coding class"
    )
    reply = await member.send("/start")
    assert "private chat" in reply.last.text
    [button] = [b for row in reply.last.buttons for b in row]
    assert button.url == "https://t.me/CareerPathTestBot?start=quiz"

    addressed = await member.send("/certs@CareerPathTestBot")
    assert "private chat" in addressed.last.text
    await member.send("/start@SomeOtherBot", expect_no_reply=True)
    await member.send("/weather", expect_no_reply=True)
    await member.send("which is better, coding or billing?", expect_no_reply=True)
    await member.send_sticker(expect_no_reply=True)
    tap = await member.tap_data("go", message=reply.last.message_id)
    assert tap.callback_answer is not None

    private = stub.user(3007, "Gus")
    await start_quiz(private)
    assert f"Question 1 of {TOTAL}" in private.last_message.text


# ---- Bot API faults --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind",
    [
        FaultKind.BAD_GATEWAY,
        FaultKind.DROP_CONNECTION,
        FaultKind.TIMEOUT,
        FaultKind.TOO_MANY_REQUESTS,
    ],
)
async def test_eight_users_finish_with_the_right_results_when_one_request_in_nine_fails(
    stub: StubBotApi, content: Content, database_url: str, kind: FaultKind
) -> None:
    # A 429 on a callback answer (no chat) pauses every request of the bot for retry_after:
    # a fraction of a second, not Telegram's whole one, so that the pauses, which add up
    # over the eight quizzes, keep the test short.
    rule = stub.faults.add(FaultRule(kind, every_nth=9, retry_after=0.1, hold_seconds=1.0))
    users = [stub.user(3100 + n, f"User{n}") for n in range(8)]
    tracks = ["coding", "billing", "both"] * 3
    async with running_bot(stub, content, database_url, api_timeout=0.5):
        results = await asyncio.gather(
            *(finish_quiz(user, track) for user, track in zip(users, tracks, strict=False))
        )
    assert rule.injected >= 8, "faults were really injected"
    for user, track, headline in zip(users, tracks, results, strict=False):
        assert headline == HEADLINES[track], user
        assert len(user.messages) == 1, "no step was sent twice"
    stub.assert_no_violations()
    assert not stub.unanswered_callback_queries()
    assert not stub.retry_after_ignored


async def test_under_telegram_flood_control_no_send_ignores_retry_after(
    stub: StubBotApi, content: Content, database_url: str
) -> None:
    # Telegram's limits twice as fast, with retry_after to the millisecond: the test takes
    # seconds, not ten, and every user still runs into them. At five a second, a fresh-clone
    # CI run on a loaded machine took its steps too slowly to reach the limit at all.
    stub.flood_limits = FloodLimits(private_chat_burst=3, private_chat_rate=2, whole_seconds=False)
    users = [stub.user(3200 + n, f"Racer{n}") for n in range(8)]
    async with running_bot(stub, content, database_url):
        results = await asyncio.gather(*(finish_quiz(user, "coding") for user in users))
    assert results == [HEADLINES["coding"]] * 8
    assert stub.stats.too_many_requests_sent > 0, "the flood limit was actually reached"
    assert stub.retry_after_ignored == []
    stub.assert_no_violations()


async def test_an_unrecoverable_failure_tells_the_user_progress_is_saved(
    stub: StubBotApi, content: Content, database_url: str
) -> None:
    user = stub.user(3300, "Hal")
    async with running_bot(stub, content, database_url, api_timeout=0.5):
        await start_quiz(user)
        await user.tap(ROUTES["coding"][0])
        rule = stub.faults.add(
            FaultRule(FaultKind.BAD_GATEWAY, every_nth=1, methods={"editMessageText"})
        )
        reply = await user.tap(
            ROUTES["coding"][1],
            reply_timeout=30,
            until=lambda replies: any("progress is saved" in t for t in replies.texts),
        )
        stub.faults.remove(rule)
        assert reply.callback_answer is not None
        assert any("progress is saved" in text for text in reply.texts)
        await user.send("/start")
        resumed = await user.tap("Continue")
        assert re.search(rf"Question 3 of {TOTAL}", resumed.last.text), "the answer was kept"
