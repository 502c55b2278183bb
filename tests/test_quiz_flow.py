"""The quiz as a user meets it through the dialogue, and the scoring behind the result."""

from __future__ import annotations

import itertools

import pytest

from flows.dialogue import Dialogue
from flows.quiz import IDLE, RESULT, QuizMachine, transition_table
from flows.schema import Content
from flows.scoring import score
from tests.chat_double import DialogueUser


def leaning_answers(content: Content, track: str) -> list[int]:
    """For each question, the option that pulls hardest toward the track."""

    def pull(option) -> int:
        return {
            "coding": option.coding - option.billing,
            "billing": option.billing - option.coding,
        }[track]

    return [
        max(range(len(q.options)), key=lambda i: pull(q.options[i])) for q in content.quiz.questions
    ]


def middle_answers(content: Content) -> list[int]:
    """The balanced option (equal pull both ways) of every question."""
    return [
        next(i for i, o in enumerate(q.options) if o.coding == o.billing)
        for q in content.quiz.questions
    ]


def play(dialogue: Dialogue, answers: list[int]) -> DialogueUser:
    user = DialogueUser(dialogue)
    user.command("start")
    user.tap("Start the quiz")
    for index in answers:
        user.answer(index)
    return user


def test_quiz_has_eight_to_twelve_questions_each_numbered(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    user.command("start")
    user.tap("Start the quiz")
    total = dialogue.quiz.total
    assert 8 <= total <= 12
    for number in range(1, total + 1):
        assert f"Question {number} of {total}" in user.text()
        labels = [b.label for b in user.answer_options()]
        assert all(not label.isdigit() for label in labels), "answers must be labelled"
        navigation = [b.label for b in user.screen.keyboard[-1]]
        assert ("◀ Back" in navigation) == (number > 1)
        assert "↺ Start over" in navigation
        outcome = user.answer(0)
        assert outcome.replies[0].replace, "an answer edits the question message in place"


@pytest.mark.parametrize(
    ("track", "headline"),
    [
        ("coding", "A strong lean toward <b>medical coding</b>"),
        ("billing", "A strong lean toward <b>medical billing</b>"),
    ],
)
def test_one_sided_answers_give_that_track(
    dialogue: Dialogue, content: Content, track: str, headline: str
) -> None:
    user = play(dialogue, leaning_answers(content, track))
    first_line = user.text().splitlines()[0]
    assert headline in first_line
    assert user.state.track == track


def test_balanced_answers_give_the_combined_role(dialogue: Dialogue, content: Content) -> None:
    user = play(dialogue, middle_answers(content))
    assert "combined billing-and-coding role" in user.text().splitlines()[0]
    assert "roughly 50% coding, 50% billing" in user.text()


def test_back_undoes_exactly_one_answer(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    user.command("start")
    user.tap("Start the quiz")
    user.answer(0)
    user.answer(1)
    user.answer(2)
    assert user.state.answers == (0, 1, 2)
    user.tap("◀ Back")
    assert user.state.answers == (0, 1)
    assert "Question 3 of" in user.text()
    user.tap("◀ Back")
    assert user.state.answers == (0,)
    assert "Question 2 of" in user.text()


def test_same_answers_same_result(dialogue: Dialogue) -> None:
    answers = [0, 2, 1, 0, 2, 1, 0, 1, 2, 0]
    first, second = play(dialogue, answers), play(dialogue, answers)
    assert first.text() == second.text()
    assert first.state.track == second.state.track


def test_scoring_is_a_pure_function_of_the_answers(content: Content) -> None:
    for answers in itertools.islice(itertools.product(range(3), repeat=10), 0, 3**10, 997):
        assert score(content.quiz, answers) == score(content.quiz, list(answers))
        verdict = score(content.quiz, answers)
        assert verdict.coding_percent + verdict.billing_percent == 100
        assert verdict.track in ("coding", "billing", "both")


def test_start_over_clears_answers(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    user.command("start")
    user.tap("Start the quiz")
    user.answer(0)
    user.answer(0)
    user.tap("Start over")
    assert user.state.answers == ()
    assert "Question 1 of" in user.text()


def test_every_state_is_reachable_from_idle(content: Content) -> None:
    machine = QuizMachine(content.quiz)
    table = transition_table(machine.total)
    edges: dict[str, set[str]] = {}
    for row in table:
        sources = machine.states if row["source"] == "*" else row["source"]
        for source in [sources] if isinstance(sources, str) else sources:
            edges.setdefault(source, set()).add(str(row["dest"]))
    seen, frontier = {IDLE}, [IDLE]
    while frontier:
        for destination in edges.get(frontier.pop(), ()):
            if destination not in seen:
                seen.add(destination)
                frontier.append(destination)
    assert seen == set(machine.states)
    assert RESULT in seen


def test_back_is_not_offered_or_allowed_on_the_first_question(content: Content) -> None:
    machine = QuizMachine(content.quiz)
    assert "back" not in machine.allowed_triggers("q1")
    assert "back" in machine.allowed_triggers("q2")


def test_typing_during_the_quiz_gets_a_hint_and_the_question_again(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    user.command("start")
    user.tap("Start the quiz")
    user.answer(1)
    before = user.state
    outcome = user._take(dialogue.text(user.state, user.person, "what do I do?"))
    assert outcome.state == before, "typing does not change the state"
    assert "tap one of the buttons" in user.text().lower()
    assert "Question 2 of" in user.text()
    user.answer(0)
    assert "Question 3 of" in user.text()


def test_a_stale_answer_is_refused_and_changes_nothing(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    user.command("start")
    user.tap("Start the quiz")
    question_one = user.screen
    user.answer(0)
    after_first = user.state
    outcome = user.tap_data(question_one.keyboard[1][0].data)  # a second tap on question 1
    assert outcome.state == after_first
    assert outcome.notice and "out of date" in outcome.notice
    assert "Question 2 of" in outcome.replies[0].text


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "zz",
        "a:1",
        "a:x:1",
        "a:1:99",
        "p:x:coding",
        "p:veteran:law",
        "c:nope",
        "a:" + "9" * 70,
        "go:1",
    ],
)
def test_forged_or_malformed_taps_change_nothing(dialogue: Dialogue, data: str | None) -> None:
    user = DialogueUser(dialogue)
    user.command("start")
    user.tap("Start the quiz")
    before = user.state
    outcome = user.tap_data(data)
    assert outcome.state == before
    assert outcome.notice
