"""A user plays the whole product path through the real bot and a stub Telegram server."""

from __future__ import annotations

import re

from flows.dialogue import COMMANDS
from tests.quiz_routes import ROUTES, TOTAL, start_quiz
from tests.stub_bot_api import FakeUser, StubBotApi


def answer_labels(user: FakeUser) -> list[str]:
    """The answer buttons of the question on screen (all rows but the navigation row)."""
    return [row[0].text for row in user.last_message.buttons[:-1]]


async def test_the_whole_path_from_start_to_a_plan(stub: StubBotApi, bot: None) -> None:
    user = stub.user(1001, "Ana", language_code="en")

    welcome = await user.send("/start")
    assert len(welcome.messages) == 1
    text = welcome.last.text
    assert "medical coding" in text and "medical billing" in text
    assert "about two minutes" in text and "private" in text
    assert welcome.last.button_texts() == ["▶ Start the quiz", "🧪 Try the job (2 minutes)"]

    first = await user.tap("Start the quiz")
    assert first.callback_answer is not None
    assert not first.messages, "the welcome message turns into question 1"
    assert f"Question 1 of {TOTAL}" in first.last.text

    for number, label in enumerate(ROUTES["coding"], start=1):
        assert f"Question {number} of {TOTAL}" in user.last_message.text
        assert ("◀ Back" in user.last_message.button_texts()) == (number > 1)
        assert "↺ Start over" in user.last_message.button_texts()
        step = await user.tap(label)
        assert step.callback_answer is not None
        assert not step.messages and len(step.edits) == 1, "each answer edits one message"

    result = user.last_message
    lines = result.text.splitlines()
    assert lines[0] == "🩺 A strong lean toward medical coding"
    assert lines[1] == "Your answers: roughly 90% coding, 10% billing"
    assert "Why not billing:" in result.text
    assert "Working from home is a must for you" in result.text, "a tension, said plainly"
    for figure in ("$58,895", "AAPC Salary Survey, 2025", "64.8%", "1 to 2 years"):
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
    assert len(plan.messages) == 1, "the plan, with the offer of check-ins as its button"
    shown = plan.messages[0]
    text = shown.text
    assert "Military veteran · Medical coding" in text
    assert "Days 1–30 · 0 of 4 done" in text and "Days 31–60" not in text, "one phase a page"
    assert "GI Bill" in text and "CPC" in text
    assert "🔔 Remind me on days 30, 60, 90" in shown.button_texts()
    assert "Days 31–60 ▶" in shown.button_texts()
    urls = {b.url for row in shown.buttons for b in row if b.url}
    assert "https://www.aapc.com" in urls and "https://www.ahima.org" in urls
    assert any(u.startswith("https://www.bls.gov/ooh/") for u in urls)
    later = await user.tap("Days 31–60 ▶")
    assert not later.messages and "Days 31–60 · 0 of 3 done" in later.last.text

    assert "📚 Learn more" in result.button_texts()
    guide = await user.tap("Learn more", message=result)
    assert len(guide.messages) == 1, "the guide opens below, and the plan stays"
    assert "The career guide" in guide.last.text
    assert "Military veteran · Medical coding" in user.messages[-2].text

    home = await user.send("/start")
    assert home.last.text.splitlines()[0] == "🏠 Welcome back, Ana!"
    assert "🩺 A strong lean toward medical coding" in home.last.text
    assert "Days 1–30: 0 of 4 done" in home.last.text


async def test_plan_certs_and_help_commands(stub: StubBotApi, bot: None) -> None:
    user = stub.user(1002, "Ben")

    choose = await user.send("/plan")
    assert "Which path should your plan follow?" in choose.last.text
    await user.tap("Medical billing")
    assert "Which describes you?" in user.last_message.text
    plan = (await user.tap("Remote job seeker")).messages[0]
    assert "Remote job seeker · Medical billing" in plan.text
    assert "CPB" in plan.text and "CBCS" in plan.text
    urls = {b.url for row in plan.buttons for b in row if b.url}
    assert "https://www.nhanow.com" in urls
    second = await user.tap("Days 31–60 ▶")
    assert "HIPAA-safe home office" in second.last.text

    again = await user.send("/plan")
    assert "Your 30/60/90-day plan" in again.last.text, "/plan opens the user's own plan"
    assert "Remote job seeker · Medical billing" in again.last.text

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
    seen = compare.last.text
    while "Next ▶" in compare.last.button_texts():
        compare = await user.tap("Next ▶")
        assert not compare.messages, "each page replaces the last"
        seen += compare.last.text
    for code in ("CPC", "COC", "CPB", "CRC", "CCA", "CCS", "CBCS"):
        assert f"<b>{code}</b>" in seen or f"{code} ·" in seen, code
    assert "100 multiple-choice questions in 4 hours" in seen
    card = await user.tap("CPC")
    assert "36 CEUs every two years" in card.last.text
    assert "retired in 2022" in card.last.text, "the retired exam format is flagged"

    help_reply = await user.send("/help")
    for command in COMMANDS:
        assert f"/{command}" in help_reply.last.text

    registered = [c["command"] for c in stub.my_commands()]
    assert registered == list(COMMANDS)
    assert {"start", "plan", "certs", "help", "restart", "roles", "sources"} <= set(registered)


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


async def test_a_button_on_an_old_message_is_answered_and_redraws_it(
    stub: StubBotApi, bot: None
) -> None:
    user = stub.user(1005, "Eve")
    await start_quiz(user)
    await user.tap(ROUTES["coding"][0])
    old = user.last_message
    await user.send("/restart")
    assert f"Question 1 of {TOTAL}" in user.last_message.text
    await user.tap(ROUTES["coding"][0])
    stale = await user.tap_data(old.buttons[0][0].callback_data, message=old.message_id)
    assert "out of date" in stale.callback_answer.text
    [redrawn] = stale.edits
    assert redrawn.message_id == old.message_id
    assert f"Question 2 of {TOTAL}" in redrawn.text, "the old message shows where the user is"
    await user.tap(ROUTES["coding"][1])
    assert f"Question 3 of {TOTAL}" in user.last_message.text


async def test_a_double_tap_is_acknowledged_once(stub: StubBotApi, bot: None) -> None:
    user = stub.user(1008, "Fay")
    await start_quiz(user)
    question = user.last_message
    await user.tap(ROUTES["coding"][0])
    again = await user.tap_data(question.buttons[0][0].callback_data, message=question.message_id)
    assert again.callback_answer.text == "Got it, one tap is enough 👍"
    assert not again.messages
    assert len(stub.not_modified) <= 1, "at most a redraw that changed nothing"
    assert f"Question 2 of {TOTAL}" in user.last_message.text


async def test_unknown_command_and_plain_text_get_a_pointer(stub: StubBotApi, bot: None) -> None:
    user = stub.user(1006, "Flo")
    unknown = await user.send("/salsa")
    assert "/help" in unknown.last.text
    chat = await user.send("hello there")
    assert "Hi Flo!" in chat.last.text, "a greeting is answered as /start is"
    assert chat.last.button_texts() == ["▶ Start the quiz", "🧪 Try the job (2 minutes)"]
    lost = await user.send("zxcv qwerty")
    assert "🩺 The two roles" in lost.last.button_texts(), "off topic: the guide menu"


async def test_a_user_name_with_html_is_escaped(stub: StubBotApi, bot: None) -> None:
    user = stub.user(1007, "<b>Bo</b> & <script>")
    welcome = await user.send("/start")
    assert "Hi <b>Bo</b> & <script>!" in welcome.last.text


GUIDE_TOPICS = {
    "/roles": "Coders and billers",
    "/training": "Training paths",
    "/salary": "Pay and job outlook",
    "/roadmap": "Roadmap",
    "/jobs": "Your first job",
    "/sources": "Sources",
}


async def test_every_guide_command_answers_with_a_paged_view(stub: StubBotApi, bot: None) -> None:
    user = stub.user(1008, "Gus")
    for command, title in GUIDE_TOPICS.items():
        reply = await user.send(command)
        assert len(reply.messages) == (2 if command == "/salary" else 1), "the chart, then the page"
        page = reply.last
        assert title in page.text.splitlines()[0], command
        assert re.search(r"Page 1 of \d+", page.text), command
        assert page.button_texts() == ["Next ▶", "📚 Guide menu"], command

    menu = await user.send("/guide")
    assert "The career guide" in menu.last.text
    assert menu.last.button_texts()[-3:] == ["▶ Start the quiz", "🗺 My plan", "🎓 Credentials"]

    roles = await user.tap("The two roles")
    assert not roles.messages and len(roles.edits) == 1, "the menu turns into the topic"
    total = int(re.search(r"Page 1 of (\d+)", roles.edits[0].text).group(1))
    pages = [roles.edits[0].text]
    for number in range(2, total + 1):
        step = await user.tap("Next ▶")
        assert not step.messages and len(step.edits) == 1, "Next edits the page in place"
        assert f"Page {number} of {total}" in step.edits[0].text
        pages.append(step.edits[0].text)
    assert user.last_message.button_texts() == ["◀ Back", "▶ Start the quiz", "📚 Guide menu"]
    text = "\n".join(pages)
    assert "S83.2" in text and "29881" in text and "A day in the life" in text
    back = await user.tap("◀ Back")
    assert not back.messages and f"Page {total - 1} of {total}" in back.edits[0].text

    await user.tap("Guide menu")
    assert "The career guide" in user.last_message.text
    sources = await user.tap("Sources")
    assert "Sources" in sources.edits[0].text.splitlines()[0]
    assert "BLS" in sources.edits[0].text and "May 2024" in sources.edits[0].text
    links = {e["url"] for e in sources.edits[0].entities if e["type"] == "text_link"}
    assert any(url.startswith("https://www.bls.gov/ooh/") for url in links)
    assert len(user.messages) == len(GUIDE_TOPICS) + 2, "paging never added a message"
