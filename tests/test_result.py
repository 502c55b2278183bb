"""The result as a person reads it: the lean in words, their own figures, why (and why not
the other path), what pulls against it, and an honest "neither", played through the
dialogue in both languages."""

from __future__ import annotations

import itertools
import re

import pytest

from flows.dialogue import Dialogue
from flows.schema import Content
from flows.state import ChatState, Person
from tests.chat_double import DialogueUser
from tests.screens import PHONE_LIMIT, visible_length

LANGUAGES = ("en", "es")


def answers_for(content: Content, track: str, **chosen: str) -> list[int]:
    """The options pulling hardest toward track ("both": the balanced ones), except the
    questions named, which get the option with that id."""
    picked = []
    for question in content.quiz.questions:
        ids = [o.id for o in question.options]
        if question.id in chosen:
            picked.append(ids.index(chosen[question.id]))
            continue

        def pull(option) -> int:
            if track == "both":
                return -abs(option.coding - option.billing)
            sign = 1 if track == "coding" else -1
            return sign * (option.coding - option.billing)

        picked.append(max(range(len(ids)), key=lambda i: pull(question.options[i])))
    return picked


def result_of(dialogue: Dialogue, answers: list[int], language: str = "en") -> DialogueUser:
    user = DialogueUser(dialogue, Person(first_name="Ana", language_code=language))
    user.command("start")
    user.tap_data("go")
    for index in answers:
        user.answer(index)
    assert user.state.step == "result"
    return user


def test_the_lean_is_told_in_words_with_a_rounded_split(dialogue: Dialogue, content: Content):
    text = result_of(dialogue, answers_for(content, "coding")).text()
    assert text.splitlines()[0] == "🩺 A strong lean toward <b>medical coding</b>"
    assert "roughly 90% coding, 10% billing" in text
    slight = result_of(
        dialogue,
        answers_for(
            content,
            "coding",
            work_style="mix",
            anatomy="if_needed",
            contact="some",
            insurer_calls="some_of_day",
            timeline="within_year",
            remote="nice_to_have",
        ),
    )
    assert "lean toward <b>medical coding</b>" in slight.text().splitlines()[0]
    assert "strong" not in slight.text().splitlines()[0]


def test_no_result_ever_says_0_or_100_percent(dialogue: Dialogue) -> None:
    for answers in itertools.islice(itertools.product(range(3), repeat=10), 0, None, 101):
        state = ChatState(step="result", answers=answers)
        for language in LANGUAGES:
            text = dialogue._result(state, language, replace=True).text
            assert not re.search(r"(?<![\d.])(0|100)%", text), (answers, text)


def test_every_result_fits_a_phone(dialogue: Dialogue) -> None:
    for answers in itertools.islice(itertools.product(range(3), repeat=10), 0, None, 37):
        state = ChatState(step="result", answers=answers)
        for language in LANGUAGES:
            reply = dialogue._result(state, language, replace=True)
            assert visible_length(reply.text) <= PHONE_LIMIT[language], (answers, language)
            assert reply.keyboard, "a way on"


@pytest.mark.parametrize("language", LANGUAGES)
def test_coding_shows_the_cpc_median_and_the_remote_share_with_years_on_site(
    dialogue: Dialogue, content: Content, language: str
) -> None:
    text = result_of(
        dialogue, answers_for(content, "coding", remote="nice_to_have"), language
    ).text()
    assert "$58,895" in text and "64.8%" in text
    assert ("1 to 2 years" if language == "en" else "1 a 2 años") in text
    assert "$56,981" not in text, "the CPB median is billing's figure"


def test_someone_who_prefers_on_site_is_not_sold_remote_work(
    dialogue: Dialogue, content: Content
) -> None:
    text = result_of(dialogue, answers_for(content, "coding", remote="on_site")).text()
    assert "$58,895" in text
    assert "64.8%" not in text and "from home" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_billing_shows_the_cpb_median_and_the_revenue_cycle_path(
    dialogue: Dialogue, content: Content, language: str
) -> None:
    text = result_of(dialogue, answers_for(content, "billing"), language).text()
    assert text.splitlines()[0].startswith("💳")
    assert "$56,981" in text and "$65,000–$90,000+" in text
    assert "$58,895" not in text and "64.8%" not in text
    assert ("Why not coding" if language == "en" else "Por qué no codificación") in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_combined_shows_the_combined_credential_and_small_practices(
    dialogue: Dialogue, content: Content, language: str
) -> None:
    text = result_of(
        dialogue, answers_for(content, "both", small_practice="do_it_all"), language
    ).text()
    assert text.splitlines()[0].startswith("🔁")
    assert "CBCS" in text and "$117" in text
    assert ("small practices" if language == "en" else "consultorios pequeños") in text


def test_coding_says_why_not_billing_and_keeps_the_reasons(
    dialogue: Dialogue, content: Content
) -> None:
    text = result_of(dialogue, answers_for(content, "coding", remote="nice_to_have")).text()
    assert "<b>Why</b>" in text and "<b>Why not billing:</b>" in text
    reasons = [line for line in text.splitlines() if line.startswith("• You")]
    assert 2 <= len(reasons) <= 3


@pytest.mark.parametrize("language", LANGUAGES)
def test_wanting_a_job_soon_pulls_against_coding(
    dialogue: Dialogue, content: Content, language: str
) -> None:
    text = result_of(dialogue, answers_for(content, "coding", timeline="asap"), language).text()
    assert text.splitlines()[0].startswith("🩺")
    assert "⚠️" in text
    assert ("credential first" if language == "en" else "certificación primero") in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_remote_as_a_must_is_met_with_the_years_on_site(
    dialogue: Dialogue, content: Content, language: str
) -> None:
    text = result_of(dialogue, answers_for(content, "coding", remote="must_have"), language).text()
    tension = next(line for line in text.splitlines() if line.startswith("⚠️"))
    assert "64.8%" in tension
    assert ("1 to 2 years on site first" if language == "en" else "1 a 2 años") in tension
    assert text.count("64.8%") == 1, "the share is said once"


def test_a_result_without_tensions_has_no_warning(dialogue: Dialogue, content: Content) -> None:
    text = result_of(dialogue, answers_for(content, "billing", remote="nice_to_have")).text()
    assert "⚠️" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_turning_away_from_both_gets_an_honest_neither(
    dialogue: Dialogue, content: Content, language: str
) -> None:
    answers = answers_for(
        content, "coding", anatomy="rather_not", insurer_calls="avoid", remote="nice_to_have"
    )
    user = result_of(dialogue, answers, language)
    text = user.text()
    first = text.splitlines()[0]
    assert first.startswith("🧭")
    assert "lean" not in first and "inclinación" not in first
    assert "AAPC" in text, "points to people in the field"
    assert "%" not in text, "no split: '70% coding' under 'neither pulls you' contradicts it"
    labels = [b.label for row in user.screen.keyboard for b in row]
    assert "Career changer" not in labels and "Quiero cambiar de carrera" not in labels
    assert len([b for b in labels if b.startswith("📖")]) == 2, "the day-in-the-life pages"
    day = user.tap(labels[0])
    assert (
        "A day in the life: the coder" if language == "en" else "Un día de trabajo: el codificador"
    ) in day.replies[0].text
    assert day.replies[0].keyboard


def test_neither_still_offers_a_plan_and_the_quiz(dialogue: Dialogue, content: Content) -> None:
    answers = answers_for(content, "billing", anatomy="rather_not", insurer_calls="avoid")
    user = result_of(dialogue, answers)
    labels = [b.label for row in user.screen.keyboard for b in row]
    assert "🗺 See a plan anyway" in labels and "↺ Retake the quiz" in labels
    menu = user.tap("See a plan anyway")
    assert "Which describes you?" in menu.replies[0].text
