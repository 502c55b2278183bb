"""Coming back: /start brings home a person's result, plan, progress and check-ins; a
result is never thrown away without asking; and every message has a way on."""

from __future__ import annotations

import pytest

from flows.dialogue import Dialogue
from flows.schema import Content
from flows.state import Person
from tests.chat_double import DialogueUser
from tests.test_quiz_flow import leaning_answers

HOME = {
    "en": {
        "title": "🏠 <b>Welcome back, Ana!</b>",
        "headline": "🩺 A strong lean toward <b>medical coding</b>",
        "plan": "🗺 <b>Your plan</b> · Military veteran · Medical coding",
        "progress": "Days 1–30: 2 of 4 done",
        "checkins": "🔔 Next check-in:",
        "buttons": ["📊 My result", "🗺 My plan", "🔔 My check-ins"],
        "retake": "↺ Retake the quiz",
        "veteran": "Military veteran",
        "remind": "Remind me on days 30, 60, 90",
    },
    "es": {
        "title": "🏠 <b>¡Hola de nuevo, Ana!</b>",
        "headline": "🩺 Una inclinación fuerte hacia <b>la codificación médica</b>",
        "plan": "🗺 <b>Tu plan</b> · Veterano o veterana militar · Codificación médica",
        "progress": "Días 1 a 30: 2 de 4 hechos",
        "checkins": "🔔 Próximo recordatorio:",
        "buttons": ["📊 Mi resultado", "🗺 Mi plan", "🔔 Mis recordatorios"],
        "retake": "↺ Repetir el cuestionario",
        "veteran": "Veterano o veterana militar",
        "remind": "Recordarme los días 30, 60, 90",
    },
}


def labels(user: DialogueUser) -> list[str]:
    assert user.screen is not None
    return [b.label for row in user.screen.keyboard for b in row]


def finished(dialogue: Dialogue, content: Content, language: str) -> DialogueUser:
    """Someone who took the quiz, picked the veteran plan, ticked two steps and asked for
    check-ins."""
    user = DialogueUser(dialogue, Person(first_name="Ana", language_code=language))
    user.command("start")
    user.tap_data("go")
    for index in leaning_answers(content, "coding"):
        user.answer(index)
    user.tap(HOME[language]["veteran"])
    user.tap("⬜ 1")
    user.tap("⬜ 3")
    user.tap(HOME[language]["remind"])
    return user


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_next_day_start_brings_home_the_result_plan_and_check_ins(
    dialogue: Dialogue, content: Content, language: str
) -> None:
    words = HOME[language]
    yesterday = finished(dialogue, content, language)
    user = DialogueUser(dialogue, yesterday.person, yesterday.state)  # a new day, same chat
    home = user.command("start").replies[0]
    lines = home.text.splitlines()
    assert lines[0] == words["title"]
    assert words["headline"] in home.text
    assert words["plan"] in home.text and words["progress"] in home.text
    assert words["checkins"] in home.text
    assert labels(user)[:3] == words["buttons"]
    assert words["retake"] in labels(user)
    assert len(home.text) < 1000

    result = user.tap(words["buttons"][0]).replies[0]
    assert not result.replace and result.text.splitlines()[0] == words["headline"]
    user.command("start")
    plan = user.tap(words["buttons"][1]).replies[0]
    assert words["plan"].split(" · ", 1)[1] in plan.text and "✅ 1." in plan.text
    user.command("start")
    checkins = user.tap(words["buttons"][2]).replies[0]
    assert "10:00" in checkins.text
    assert user.state == yesterday.state, "coming home changes nothing"


def test_a_newcomer_still_gets_the_welcome(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    welcome = user.command("start").replies[0]
    assert "I help you decide" in welcome.text
    assert labels(user) == ["▶ Start the quiz", "🧪 Try the job (2 minutes)"]


def test_home_without_a_result_offers_the_quiz(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    user.tap_data("p:parent:billing")
    home = user.command("start").replies[0]
    assert "You have not taken the quiz yet" in home.text
    assert "Parent returning to work · Medical billing" in home.text
    assert "▶ Start the quiz" in labels(user) and "📊 My result" not in labels(user)


@pytest.mark.parametrize("how", ["restart", "retake"])
def test_a_result_is_thrown_away_only_after_asking(
    dialogue: Dialogue, content: Content, how: str
) -> None:
    user = finished(dialogue, content, "en")
    before = user.state
    if how == "restart":
        asked = user.command("restart")
    else:
        home = user.command("start").replies[0]
        asked = user.tap("↺ Retake the quiz", home)
    confirm = asked.replies[0]
    assert not confirm.replace, "the result or home stays in the chat"
    assert "Take the quiz again?" in confirm.text and "medical coding" in confirm.text
    assert "Your plan, ticked steps and check-ins stay" in confirm.text
    assert user.state == before, "asking changes nothing"

    kept = user.tap("Keep my result")
    assert kept.replies[0].replace and "Welcome back" in kept.replies[0].text
    assert user.state == before

    user.command("restart")
    yes = user.tap("Yes, start over")
    assert yes.replies[0].replace and "Question 1 of 10" in yes.replies[0].text
    assert user.state.answers == () and user.state.checkins == before.checkins
    assert user.state.ticks == before.ticks and user.state.persona == "veteran"


def test_an_old_retake_confirmation_cannot_throw_away_a_newer_state(
    dialogue: Dialogue, content: Content
) -> None:
    user = finished(dialogue, content, "en")
    confirm = user.command("restart").replies[0]
    user.tap("⬜ 2", user.command("plan").replies[0])
    stale = user.tap("Yes, start over", confirm)
    assert stale.notice and user.state.answers, "the result is still there"


def test_going_back_marks_the_answer_given_before(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    user.command("start")
    user.tap_data("go")
    user.answer(2)
    user.answer(1)
    user.tap("◀ Back")
    assert [b.label for b in user.answer_options()][1].startswith("✓ ")
    assert sum(b.label.startswith("✓ ") for b in user.answer_options()) == 1
    user.tap("◀ Back")
    assert user.answer_options()[2].label.startswith("✓ ")
    user.answer(2)
    assert user.answer_options()[1].label.startswith("✓ "), "still retracing"
    user.answer(0)
    assert not any(b.label.startswith("✓ ") for b in user.answer_options())


def test_typed_text_and_unknown_commands_get_a_way_on(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    for outcome in (
        user._take(dialogue.text(user.state, user.person, "tell me a joke")),
        user.command("nonsense"),
        user._take(dialogue.media(user.state, user.person)),
    ):
        assert outcome.replies[0].keyboard
    assert labels(user) == ["🏠 Home"]
    assert "I help you decide" in user.tap("Home").replies[0].text


@pytest.mark.parametrize("language", ["en", "es"])
def test_saying_hi_comes_home_too(dialogue: Dialogue, content: Content, language: str) -> None:
    user = finished(dialogue, content, language)
    greeting = "hi" if language == "en" else "hola"
    home = user._take(dialogue.text(user.state, user.person, greeting)).replies[0]
    assert home.text.splitlines()[0] == HOME[language]["title"]


def test_plan_lets_the_user_pick_the_track_too(dialogue: Dialogue, content: Content) -> None:
    user = DialogueUser(dialogue)
    user.command("start")
    user.tap_data("go")
    for index in leaning_answers(content, "billing"):
        user.answer(index)
    menu = user.command("plan").replies[0]
    assert "<b>billing</b> path" in menu.text
    assert {"🩺 Medical coding", "🔁 Billing and coding"} <= set(labels(user))
    coding = user.tap("Medical coding").replies[0]
    assert "<b>coding</b> path" in coding.text and coding.replace
    plan = user.tap("Career changer").replies[0]
    assert "Career changer · Medical coding" in plan.text


@pytest.mark.parametrize("has_result", [False, True])
def test_the_last_page_of_a_topic_offers_the_quiz_to_whom_has_not_taken_it(
    dialogue: Dialogue, content: Content, has_result: bool
) -> None:
    user = DialogueUser(dialogue)
    if has_result:
        user.command("start")
        user.tap_data("go")
        for index in leaning_answers(content, "coding"):
            user.answer(index)
    user.command("roadmap")
    pages = len(dialogue.guide.topic("en", "roadmap").pages)
    assert "▶ Start the quiz" not in labels(user)
    for _ in range(pages - 1):
        user.tap("Next ▶")
    assert ("▶ Start the quiz" in labels(user)) != has_result


def test_a_long_credential_card_turns_page_instead_of_overflowing(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue, Person(first_name="Lupe", language_code="es"))
    user.command("certs")
    first = user.tap("CPC").replies[0]
    pages = dialogue.views.credential_pages("es", "cpc")
    assert len(pages) >= 2 and first.text == pages[0]
    second = user.tap("Siguiente ▶").replies[0]
    assert second.replace and second.text == pages[1]
    assert all(len(page) <= 1150 for page in pages)
    assert user.tap_data("cg:cpc:9").notice, "a page that does not exist is out of date"
