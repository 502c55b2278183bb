"""A user plays the whole product path through the real bot and a stub Telegram server."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from flows.schema import Content
from tests.bot_harness import running_bot
from tests.stub_bot_api import FakeUser, StubBotApi

TOTAL = 10


@pytest.fixture
async def bot(stub: StubBotApi, content: Content, database_url: str) -> AsyncIterator[None]:
    async with running_bot(stub, content, database_url):
        yield
    stub.assert_no_violations()
    assert not stub.unanswered_callback_queries(), "every callback query must be answered"


def answer_labels(user: FakeUser) -> list[str]:
    """The answer buttons of the question on screen (all rows but the navigation row)."""
    return [row[0].text for row in user.last_message.buttons[:-1]]


async def start_quiz(user: FakeUser) -> None:
    await user.send("/start")
    await user.tap("Start the quiz")


async def test_the_whole_path_from_start_to_a_plan(stub: StubBotApi, bot: None) -> None:
    user = stub.user(1001, "Ana", language_code="en")

    welcome = await user.send("/start")
    assert len(welcome.messages) == 1
    text = welcome.last.text
    assert "medical coding" in text and "medical billing" in text
    assert "about two minutes" in text and "private" in text
    assert welcome.last.button_texts() == ["▶ Start the quiz"]

    first = await user.tap("Start the quiz")
    assert first.callback_answer is not None
    assert not first.messages, "the welcome message turns into question 1"
    assert f"Question 1 of {TOTAL}" in first.last.text

    coding_side = [
        "Deep, focused puzzle-solving",
        "Sounds fascinating",
        "I'd rather go deep on one thing",
        "As little as possible",
        "I care more about accuracy",
        "I'd rather avoid it",
        "A clinical field, e.g. cardiology",
        "I can certify first",
        "It's a must for me",
        "I'd rather specialise",
    ]
    for number, label in enumerate(coding_side, start=1):
        assert f"Question {number} of {TOTAL}" in user.last_message.text
        assert ("◀ Back" in user.last_message.button_texts()) == (number > 1)
        assert "↺ Start over" in user.last_message.button_texts()
        step = await user.tap(label)
        assert step.callback_answer is not None
        assert not step.messages and len(step.edits) == 1, "each answer edits one message"

    result = user.last_message
    lines = result.text.splitlines()
    assert lines[0] == "🩺 Your best fit is medical coding."
    assert re.search(r"Coding (\d+)% · Billing (\d+)%", result.text)
    for figure in ("$50,250", "May 2024", "SOC 29-2072", "7%", "$58,895", "$56,981", "64.8%"):
        assert figure in result.text
    assert "Which describes you?" in result.text
    assert result.button_texts()[:5] == [
        "Career changer",
        "Recent graduate",
        "Parent returning to work",
        "Military veteran",
        "Remote job seeker",
    ]
    assert len(user.messages) == 1, "the quiz never spammed the chat"

    plan = await user.tap("Military veteran")
    assert len(plan.messages) == 1
    text = plan.last.text
    assert "Military veteran · Medical coding" in text
    for heading in ("Days 1–30", "Days 31–60", "Days 61–90"):
        assert heading in text
    assert "GI Bill" in text and "CPC" in text
    urls = {b.url for row in plan.last.buttons for b in row if b.url}
    assert "https://www.aapc.com" in urls and "https://www.ahima.org" in urls
    assert any(u.startswith("https://www.bls.gov/ooh/") for u in urls)


async def test_plan_certs_and_help_commands(stub: StubBotApi, bot: None) -> None:
    user = stub.user(1002, "Ben")

    choose = await user.send("/plan")
    assert "Which path should your plan follow?" in choose.last.text
    await user.tap("Medical billing")
    assert "Which describes you?" in user.last_message.text
    plan = await user.tap("Remote job seeker")
    assert "Remote job seeker · Medical billing" in plan.last.text
    assert "HIPAA-safe home office" in plan.last.text
    assert "CPB" in plan.last.text and "CBCS" in plan.last.text
    urls = {b.url for row in plan.last.buttons for b in row if b.url}
    assert "https://www.nhanow.com" in urls

    again = await user.send("/plan")
    assert "Your plan will follow the billing path" in again.last.text, "the track is kept"

    certs = await user.send("/certs")
    assert set(certs.last.button_texts()) >= {
        "CPC",
        "COC",
        "CPB",
        "CRC",
        "CCA",
        "CCS",
        "CBCS",
        "📋 Compare all",
    }
    card = await user.tap("CBCS")
    assert not card.messages, "the card replaces the menu"
    assert "Certified Billing and Coding Specialist" in card.last.text
    assert "NHA" in card.last.text and "about $117" in card.last.text
    compare = await user.tap("Compare all")
    for code in ("CPC", "COC", "CPB", "CRC", "CCA", "CCS", "CBCS"):
        assert code in compare.last.text
    card = await user.tap("CPC")
    assert "36 CEUs every two years" in card.last.text
    assert "check aapc.com" in card.last.text, "conflicting exam formats are flagged"

    help_reply = await user.send("/help")
    for command in ("/start", "/plan", "/certs", "/restart", "/forget", "/help"):
        assert command in help_reply.last.text

    registered = [c["command"] for c in stub.my_commands()]
    assert registered == ["start", "plan", "certs", "help", "restart", "forget"]


async def test_typing_during_the_quiz_keeps_it_answerable(stub: StubBotApi, bot: None) -> None:
    user = stub.user(1003, "Cy")
    await start_quiz(user)
    await user.tap(answer_labels(user)[0])
    hint = await user.send("what do I do?")
    assert len(hint.messages) == 1
    assert "tap one of the buttons" in hint.last.text.lower()
    assert f"Question 2 of {TOTAL}" in hint.last.text
    await user.tap(answer_labels(user)[1])
    assert f"Question 3 of {TOTAL}" in user.last_message.text


async def test_back_and_start_over(stub: StubBotApi, bot: None) -> None:
    user = stub.user(1004, "Di")
    await start_quiz(user)
    for _ in range(3):
        await user.tap(answer_labels(user)[0])
    await user.tap("◀ Back")
    assert f"Question 3 of {TOTAL}" in user.last_message.text
    await user.tap("↺ Start over")
    assert f"Question 1 of {TOTAL}" in user.last_message.text
    assert "◀ Back" not in user.last_message.button_texts()


async def test_a_stale_button_is_answered_and_changes_nothing(stub: StubBotApi, bot: None) -> None:
    user = stub.user(1005, "Eve")
    await start_quiz(user)
    quiz_message = user.last_message
    stale_data = quiz_message.buttons[0][0].callback_data
    await user.tap(answer_labels(user)[0])
    again = await user.tap_data(stale_data, message=quiz_message.message_id)
    assert again.callback_answer and "out of date" in again.callback_answer.text
    assert f"Question 2 of {TOTAL}" in user.last_message.text


async def test_unknown_command_and_plain_text_get_a_pointer(stub: StubBotApi, bot: None) -> None:
    user = stub.user(1006, "Flo")
    unknown = await user.send("/salsa")
    assert "/help" in unknown.last.text
    chat = await user.send("hello there")
    assert "/start" in chat.last.text


async def test_a_user_name_with_html_is_escaped(stub: StubBotApi, bot: None) -> None:
    user = stub.user(1007, "<b>Bo</b> & <script>")
    welcome = await user.send("/start")
    assert "Hi <b>Bo</b> & <script>!" in welcome.last.text
