"""Typed questions (flows/ask): answered from our own content, in the question's language,
with buttons on every reply; requests run the same step as their command; emergencies get
911 and 988 first; the quiz is never lost; only which section answered is counted.

Assertions name sections and facts from the loaded content rather than quoting copy, so
they hold when the guide's wording changes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.questions import score
from flows.ask.sections import content_sections, credential_id, intent_id, page_id, section_ids
from flows.ask.steps import METRIC, QUIZ_ANSWER
from flows.ask.understand import Reader
from flows.callbacks import Act, decode
from flows.content import ContentError, cite, load_content
from flows.dialogue import Dialogue
from flows.replies import Outcome, Reply, plain_text
from flows.schema import Content
from flows.state import Person
from flows.stats import QUIZ_FINISHED, QUIZ_STARTED
from tests.chat_double import DialogueUser

PHONE_SCREEN = 1000  # characters, in English


@pytest.fixture(scope="module")
def reader(dialogue: Dialogue) -> Reader:
    return dialogue.reader


def in_quiz(dialogue: Dialogue, language_code: str = "en") -> DialogueUser:
    user = DialogueUser(dialogue, person=Person(first_name="Ana", language_code=language_code))
    user.command("start")
    user.tap_data("go")
    return user


def buttons(reply: Reply) -> list[str]:
    return [b.data or b.url or "" for row in reply.keyboard for b in row]


def opens(reply: Reply) -> str | None:
    """The section the reply's first button opens: a page's id, or cert.<id>."""
    tap = decode(reply.keyboard[0][0].data)
    assert tap is not None
    if tap.act is Act.CREDENTIAL:
        return credential_id(tap.args[0])
    if tap.act is Act.GUIDE_PAGE:
        return f"{tap.args[0]}:{tap.args[1]}"
    return None


def page_tap(content: Content, section: str) -> str:
    topic, page = section.split(".")
    index = next(t.pages.index(page) for t in content.guide.topics if t.id == topic)
    return f"{topic}:{index}"


# ---- measured quality -------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "first", "within_three"), [("en", 85, 95), ("es", 85, 95)])
def test_the_question_sets_are_answered_right(
    reader: Reader, language: str, first: int, within_three: int
) -> None:
    """python -m bench.questions prints the same figures; see its --misses."""
    result = score(reader, language)
    assert result.total >= (80 if language == "en" else 50)
    misses = [q.text for q, _ in result.misses]
    assert result.first_share * 100 >= first, misses
    assert result.within_three_share * 100 >= within_three, misses


# ---- content: the asks --------------------------------------------------------------------------


def test_every_section_is_asked_for_in_every_language(content: Content) -> None:
    ids = section_ids(content)
    for language, words in content.languages.items():
        assert set(words.asks.asks) == ids, f"content/{language}/asks.yaml"
        assert all(words.asks.asks.values()), f"content/{language}/asks.yaml: an empty list"


def test_an_ask_for_a_section_that_does_not_exist_stops_start_up(content_copy: Path) -> None:
    path = content_copy / "es" / "asks.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "  salary.bonus:\n    - bono\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"es/asks.yaml: asks: no such section: salary.bonus"):
        load_content(content_copy)


def test_a_section_asked_for_in_one_language_only_stops_start_up(content_copy: Path) -> None:
    path = content_copy / "es" / "asks.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  intent.thanks:")
    path.write_text(text[:start], encoding="utf-8")
    with pytest.raises(ContentError, match=r"es/asks.yaml: asks: missing intent.thanks"):
        load_content(content_copy)


def test_every_section_has_a_button_label_and_short_chunks(content: Content) -> None:
    for language in content.languages:
        for section in content_sections(content, language):
            assert 0 < len(section.title) <= 40, section.id
            assert section.chunks, section.id


# ---- the answer ---------------------------------------------------------------------------------


def test_a_question_gets_the_matching_section_with_its_figure_and_source(
    dialogue: Dialogue, content: Content
) -> None:
    user = DialogueUser(dialogue)
    outcome = user.send("how mcuh do codrs make")
    assert outcome.tallies == ((METRIC, page_id("salary", "federal")),)
    (answer,) = outcome.replies
    fact = content.facts.facts["bls_median_2024"]
    assert fact.worded("en") in answer.text
    assert cite(content.facts, "bls_median_2024", content.words("en").messages.dates) in answer.text
    assert len(plain_text(answer.text)) < PHONE_SCREEN
    assert opens(answer) == page_tap(content, "salary.federal"), "the full page, one tap away"
    related = answer.keyboard[1:-1]
    assert 1 <= len(related) <= 2, "up to two related sections"
    assert decode(answer.keyboard[-1][0].data).act is Act.GUIDE_MENU  # type: ignore[union-attr]
    assert outcome.state == user.state and not outcome.changed, "nothing is stored"


@pytest.mark.parametrize(
    ("language", "typed"),
    [("en", "how much do coders make?"), ("es", "¿cuánto ganan los codificadores?")],
)
def test_a_pay_question_is_answered_with_the_pay_figure_in_both_languages(
    dialogue: Dialogue, content: Content, language: str, typed: str
) -> None:
    """The pay answer must show the figure, not only the paragraph that leads up to it."""
    user = DialogueUser(dialogue, person=Person(first_name="Lupe", language_code=language))
    (answer,) = user.send(typed).replies
    assert content.facts.facts["bls_median_2024"].worded(language) in answer.text


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("en", "how much does the CPC exam cost"),
        ("en", "how much is the cpc exam"),
        ("es", "¿cuánto cuesta el examen CPC?"),
        ("es", "cuanto cuesta el examen cpc"),
    ],
)
def test_a_question_about_the_cpc_exam_fee_opens_the_cpc_card(
    reader: Reader, language: str, typed: str
) -> None:
    """Not the CBCS card or a pay page: the CPC card, which says where its fee is."""
    understanding = reader.read(typed, language)
    assert understanding.section is not None and understanding.section.id == credential_id("cpc")


def test_the_full_page_button_opens_the_page(dialogue: Dialogue, content: Content) -> None:
    user = DialogueUser(dialogue)
    user.send("do I need a college degree?")
    page = user.tap_data(user.screen.keyboard[0][0].data)  # type: ignore[union-attr]
    topic = dialogue.guide.topic("en", "training")
    assert page.replies[0].text.endswith(topic.pages[0])


def test_a_credential_question_answers_from_its_card(dialogue: Dialogue, content: Content) -> None:
    user = DialogueUser(dialogue)
    outcome = user.send("is the CPC exam open book?")
    assert outcome.tallies == ((METRIC, credential_id("cpc")),)
    card = content.words("en").certs.credentials["cpc"]
    assert card.summary in outcome.replies[0].text and card.exam in outcome.replies[0].text
    assert opens(outcome.replies[0]) == credential_id("cpc")


def test_a_spanish_question_is_answered_in_spanish_in_an_english_chat(
    dialogue: Dialogue, content: Content
) -> None:
    user = DialogueUser(dialogue)  # Telegram says English
    outcome = user.send("¿puedo trabajar desde casa?")
    assert outcome.tallies == ((METRIC, page_id("jobs", "remote")),)
    spanish = content.words("es").asks.words.full_page
    assert outcome.replies[0].keyboard[0][0].label == spanish
    remote = content.words("es").guide.topics["jobs"].pages["remote"]
    assert outcome.replies[0].text.split("\n")[0] == remote.split("\n")[0]
    assert user.state.language is None, "the chat's language stays as it was"
    assert "Question" not in user.command("help").replies[0].text
    assert user.last.replies[0].text == content.words("en").messages.help.text


def test_an_english_question_is_answered_in_english_in_a_spanish_chat(
    dialogue: Dialogue, content: Content
) -> None:
    user = DialogueUser(dialogue, person=Person(first_name="Lupe", language_code="es"))
    outcome = user.send("can I work from home?")
    assert outcome.replies[0].keyboard[0][0].label == content.words("en").asks.words.full_page


def test_a_weak_match_asks_did_you_mean_with_a_way_out(
    dialogue: Dialogue, content: Content
) -> None:
    user = DialogueUser(dialogue)
    outcome = user.send("AHIMA beginner credential?")
    (reply,) = outcome.replies
    words = content.words("en").asks.words
    assert reply.text == words.did_you_mean
    assert 1 <= len(reply.keyboard) - 1 <= 3
    assert reply.keyboard[-1][0].label == words.none_of_these
    assert reply.keyboard[-1][0].data == "gm:here", "none of these: the guide menu"
    nearest = decode(reply.keyboard[0][0].data)
    assert nearest is not None
    (tally,) = outcome.tallies
    assert tally[0] == METRIC and tally[1].startswith("no_match:"), (
        "a 'did you mean' counts as not understood, with the nearest section as its topic"
    )


@pytest.mark.parametrize(
    "typed", ["what's the weather tomorrow", "cuéntame un chiste", "asdkjh qwe"]
)
def test_off_topic_gets_one_line_and_the_guide_menu(
    dialogue: Dialogue, content: Content, typed: str
) -> None:
    outcome = DialogueUser(dialogue).send(typed)
    (reply,) = outcome.replies
    language = "es" if "chiste" in typed else "en"
    menu = dialogue.views.guide_menu(language)
    assert reply.text.startswith(content.words(language).asks.words.off_topic)
    assert reply.keyboard == menu.keyboard
    assert outcome.tallies == ((METRIC, "no_match"),)


@pytest.mark.parametrize(
    "typed",
    [
        "I have chest pain",
        "my friend can’t breathe",
        "i want to kill myself",
        "me duele el pecho",
        "quiero quitarme la vida",
        "chest pain but also how much do coders make",
    ],
)
def test_an_emergency_gets_911_and_988_before_anything_else(dialogue: Dialogue, typed: str) -> None:
    for user in (DialogueUser(dialogue), in_quiz(dialogue)):
        outcome = user.send(typed)
        assert "911" in outcome.replies[0].text and "988" in outcome.replies[0].text
        assert outcome.replies[0].keyboard, "a way on"
        assert outcome.tallies == ((METRIC, "safety"),)


def test_words_near_an_emergency_are_not_one(reader: Reader) -> None:
    for typed in ("how do coders code a heart condition", "medical coding", "I can breathe"):
        assert reader.read(typed, "en").kind != "safety", typed


# ---- requests: the same steps as the commands ---------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("show me my plan", "plan"),
        ("muéstrame mi plan", "plan"),
        ("my checklist pls", "progress"),
        ("turn off the reminders", "reminders"),
        ("change language", "language"),
        ("please delete all my data", "forget"),
        ("borra mis datos", "forget"),
        ("help", "help"),
        ("what can you do?", "help"),
        ("hello!", "start"),
        ("hola", "start"),
    ],
)
def test_a_request_runs_the_same_step_as_its_command(
    dialogue: Dialogue, typed: str, command: str
) -> None:
    language = (
        "es" if any(c in typed for c in "áéíóú") or typed in ("hola", "borra mis datos") else "en"
    )
    person = Person(first_name="Ana", language_code=language)
    typed_user = DialogueUser(dialogue, person=person)
    commanded = DialogueUser(dialogue, person=person)
    outcome = typed_user.send(typed)
    expected = commanded.command(command)
    assert [r.text for r in outcome.replies] == [r.text for r in expected.replies]
    assert [buttons(r) for r in outcome.replies] == [buttons(r) for r in expected.replies]
    assert not outcome.erase, "deleting data still asks to confirm"
    assert outcome.tallies[0][1].startswith(intent_id(""))


def test_asking_for_the_quiz_starts_it_and_thanks_get_a_reply(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    started = user.send("lets do the quiz")
    assert user.state.step == "q1" and "Question 1 of" in started.replies[0].text
    user = DialogueUser(dialogue)
    thanks = user.send("thank you so much")
    assert thanks.replies[0].keyboard and thanks.tallies == ((METRIC, intent_id("thanks")),)


def test_a_request_keeps_the_tallies_of_the_step_it_runs(dialogue: Dialogue) -> None:
    """Typing "start the quiz" is counted as a typed request and as a quiz start (/stats)."""
    started = DialogueUser(dialogue).send("start the quiz")
    assert started.tallies == ((QUIZ_STARTED, "en"), (METRIC, intent_id("quiz")))


def test_typing_the_last_answer_counts_the_finished_quiz(
    dialogue: Dialogue, content: Content
) -> None:
    user = in_quiz(dialogue)
    for _ in range(len(content.quiz.questions) - 1):
        user.answer(0)
    last = content.quiz.questions[-1]
    label = content.words("en").quiz.questions[last.id].options[last.options[0].id].label
    finished = user.send(label)
    assert user.state.step == "result"
    events = [event for event, _ in finished.tallies]
    assert events == [QUIZ_FINISHED, METRIC], finished.tallies


def test_asking_for_my_result_shows_it_once_the_quiz_is_done(dialogue: Dialogue) -> None:
    user = in_quiz(dialogue)
    for _ in range(len(dialogue.content.quiz.questions)):
        user.answer(0)
    result_screen = user.screen
    shown = user.send("what was my result?")
    assert shown.replies[0].text == result_screen.text  # type: ignore[union-attr]


# ---- during the quiz --------------------------------------------------------------------------


def test_typing_an_answers_label_counts_as_tapping_it(dialogue: Dialogue, content: Content) -> None:
    user = in_quiz(dialogue)
    user.answer(0)  # question 2: how do you feel about anatomy
    second = content.quiz.questions[1]
    label = content.words("en").quiz.questions[second.id].options[second.options[0].id].label
    typed = user.send(label.lower().replace("a", "", 1))  # "sounds fscinating"
    assert user.state.answers == (0, 0)
    assert "Question 3 of" in typed.replies[0].text
    assert typed.tallies == ((METRIC, QUIZ_ANSWER),)


def test_a_question_during_the_quiz_is_answered_and_the_question_shown_again(
    dialogue: Dialogue,
) -> None:
    user = in_quiz(dialogue)
    user.answer(1)
    before = user.state
    outcome = user.send("how much do coders make?")
    answer, question = outcome.replies
    assert outcome.tallies == ((METRIC, page_id("salary", "federal")),)
    assert len(answer.keyboard) == 1, "brief: the full page only"
    assert "Question 2 of" in question.text
    assert user.state == before, "the quiz is where it was"
    assert "Question 3 of" in user.answer(0).replies[0].text


def test_a_spanish_question_during_an_english_quiz(dialogue: Dialogue, content: Content) -> None:
    user = in_quiz(dialogue)
    answer, question = user.send("¿cuánto gana un codificador?").replies
    assert answer.keyboard[0][0].label == content.words("es").asks.words.full_page
    assert "Question 1 of" in question.text, "the quiz stays in the chat's language"


# ---- every reply has buttons; nothing typed is kept ----------------------------------------


def test_every_reply_to_every_question_has_buttons_and_fits_a_phone(dialogue: Dialogue) -> None:
    from bench.questions import questions

    for language in ("en", "es"):
        for question in questions(language):
            for user in (DialogueUser(dialogue), in_quiz(dialogue)):
                outcome = user.send(question.text)
                assert outcome.replies, question.text
                for reply in outcome.replies:
                    assert reply.keyboard, (question.text, reply.text[:60])
                    if language == "en":
                        assert len(plain_text(reply.text)) <= PHONE_SCREEN, question.text
                assert question.text not in user.state.to_json()


def test_tallies_say_which_section_answered_and_never_what_was_typed(
    dialogue: Dialogue, content: Content
) -> None:
    labels = section_ids(content) | {"no_match", "safety", QUIZ_ANSWER}
    for typed in ("how much do coders make?", "tell me a joke", "my secret words 123"):
        outcome: Outcome = DialogueUser(dialogue).send(typed)
        ((metric, label),) = outcome.tallies
        assert metric == METRIC and label in labels


def test_the_cost_bench_runs(capfd: pytest.CaptureFixture[str]) -> None:
    """python -m bench.asks works (its timings are not asserted: too noisy to test)."""
    from bench.asks import main

    assert main(["--rounds", "1"]) == 0
    output = capfd.readouterr().out
    assert "index built (both languages, at start-up) in" in output
    assert "RSS added by the libraries and the index" in output
    assert "numpy or bm25s loaded in the bot's process: no" in output
    assert output.count("p99") == 2


def test_the_report_script_prints_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    from bench.questions import main

    assert main(["--misses"]) == 0
    output = capsys.readouterr().out
    assert re.search(r"questions: en \d+, es \d+", output)
    assert output.splitlines()[2].startswith("default")


def test_every_answer_screen_fits_a_phone_in_english(dialogue: Dialogue) -> None:
    from tests.screens import _ask_screens, visible_length

    screens = list(_ask_screens(dialogue, "en"))
    assert len(screens) > 40
    for name, reply in screens:
        assert visible_length(reply.text) <= PHONE_SCREEN, name
        assert reply.keyboard, name


@pytest.mark.parametrize("typed", ["1", "7", "ok", "???", "CPC"])
@pytest.mark.parametrize("chat_language", ["en", "es"])
def test_text_with_no_language_of_its_own_is_answered_in_the_chats_language(
    reader: Reader, typed: str, chat_language: str
) -> None:
    """A number typed where no button is, or a word both languages use, says nothing about
    the writer's language: the reply stays in the chat's own (it once came in Spanish)."""
    assert reader.read(typed, chat_language).language == chat_language
