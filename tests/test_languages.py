"""Every language says everything: the same keys, list lengths and placeholders as English;
and the language follows Telegram's language_code until /language changes it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from content import CONTENT_DIR
from flows.content import parse_yaml
from flows.dialogue import COMMANDS, Dialogue
from flows.quiz import RESULT
from flows.schema import Content
from flows.state import ChatState, Person
from tests.bot_harness import running_bot
from tests.chat_double import DialogueUser
from tests.quiz_routes import ROUTES
from tests.stub_bot_api import FaultKind, FaultRule, StubBotApi

REFERENCE = "en"
LANGUAGES = sorted(p.name for p in CONTENT_DIR.iterdir() if (p / "messages.yaml").is_file())
# {name}, {number}, {fact:KEY}, ... (HTML never uses braces).
PLACEHOLDER = re.compile(r"\{[a-z_]+(?::[a-z0-9_]+)?\}")


def first_difference(reference: Any, other: Any, where: str) -> str | None:
    """Where two YAML trees differ in shape (mapping keys, list lengths) or in the
    placeholders of a string; None when they match."""
    if isinstance(reference, dict):
        if not isinstance(other, dict):
            return f"{where}: a mapping in {REFERENCE}, not here"
        for key in reference:
            if key not in other:
                return f"{where}.{key}: missing"
        for key in other:
            if key not in reference:
                return f"{where}.{key}: not in {REFERENCE}"
        for key, value in reference.items():
            if found := first_difference(value, other[key], f"{where}.{key}"):
                return found
        return None
    if isinstance(reference, list):
        if not isinstance(other, list) or len(other) != len(reference):
            count = len(other) if isinstance(other, list) else "no list"
            return f"{where}: {len(reference)} items in {REFERENCE}, {count} here"
        for index, (a, b) in enumerate(zip(reference, other, strict=True)):
            if found := first_difference(a, b, f"{where}.{index}"):
                return found
        return None
    if isinstance(reference, str):
        if not isinstance(other, str):
            return f"{where}: text in {REFERENCE}, not here"
        expected, actual = set(PLACEHOLDER.findall(reference)), set(PLACEHOLDER.findall(other))
        if expected != actual:
            missing = ", ".join(sorted(expected - actual)) or "none"
            extra = ", ".join(sorted(actual - expected)) or "none"
            return f"{where}: placeholders differ (missing {missing}; extra {extra})"
    return None


def _tree(language: str, name: str) -> Any:
    tree = parse_yaml((CONTENT_DIR / language / name).read_text(encoding="utf-8"))
    if name == "asks.yaml":
        # How people ask, and the words of an emergency, are written for each language, not
        # translated: only the screen words and the sections asked about must match.
        return {"words": tree["words"], "asks": dict.fromkeys(tree["asks"])}
    return tree


FILES = sorted(p.name for p in (CONTENT_DIR / REFERENCE).glob("*.yaml"))


def test_spanish_is_there() -> None:
    assert "es" in LANGUAGES
    assert len(FILES) == 7  # asks, certs, guide, messages, plans, quiz, tryout


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != REFERENCE])
@pytest.mark.parametrize("name", FILES)
def test_every_language_has_every_key_and_placeholder_of_english(language: str, name: str) -> None:
    assert (CONTENT_DIR / language / name).is_file(), f"content/{language}/{name} is missing"
    difference = first_difference(_tree(REFERENCE, name), _tree(language, name), "")
    assert difference is None, f"content/{language}/{name}: {difference.lstrip('.')}"


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != REFERENCE])
def test_no_extra_files_in_a_language(language: str) -> None:
    names = sorted(p.name for p in (CONTENT_DIR / language).glob("*.yaml"))
    assert names == FILES


def test_worded_facts_have_a_wording_in_every_language() -> None:
    facts = parse_yaml((CONTENT_DIR / "facts.yaml").read_text(encoding="utf-8"))["facts"]
    worded = {key: fact["text"] for key, fact in facts.items() if isinstance(fact["text"], dict)}
    assert worded, "some figures need words (durations, ranges)"
    for key, wordings in worded.items():
        assert sorted(wordings) == LANGUAGES, key
        digits = {lang: re.findall(r"\d[\d,.]*", text) for lang, text in wordings.items()}
        assert all(d == digits[REFERENCE] for d in digits.values()), f"{key}: {digits}"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda t: t["buttons"].pop("back"), "buttons.back: missing"),
        (lambda t: t["buttons"].update(extra="x"), "buttons.extra: not in en"),
        (lambda t: t["dates"]["months"].pop(), "dates.months: 12 items in en, 11 here"),
        (
            lambda t: t["welcome"].update(text="Hola"),
            "welcome.text: placeholders differ (missing {name}, {total}; extra none)",
        ),
        (
            lambda t: t["result"].update(remote_figure="{fact:bls_growth}"),
            "result.remote_figure: placeholders differ",
        ),
    ],
)
def test_the_parity_check_names_the_first_difference(change, expected: str) -> None:
    spanish = _tree("es", "messages.yaml")
    assert first_difference(_tree("en", "messages.yaml"), spanish, "") is None
    change(spanish)
    found = first_difference(_tree("en", "messages.yaml"), spanish, "")
    assert found is not None and expected in found


def test_a_plan_step_missing_in_one_language_is_found() -> None:
    spanish = _tree("es", "plans.yaml")
    spanish["personas"]["veteran"]["steps"]["day30"].pop()
    found = first_difference(_tree("en", "plans.yaml"), spanish, "")
    assert found == ".personas.veteran.steps.day30: 2 items in en, 1 here"


# ---- which language a chat gets -------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "language"),
    [("es", "es"), ("es-MX", "es"), ("es-419", "es"), ("en", "en"), ("fr", "en"), (None, "en")],
)
def test_the_language_follows_telegram(dialogue: Dialogue, code: str | None, language: str) -> None:
    assert dialogue.language(ChatState(), Person(language_code=code)) == language


def test_every_command_is_described_in_every_language(content: Content) -> None:
    for language, words in content.languages.items():
        assert set(words.messages.commands) == set(COMMANDS), language
        assert f"/{'language'}" in words.messages.help.text, language


def spanish_route(content: Content, track: str) -> list[str]:
    """A known route through the quiz (tests/quiz_routes), by its Spanish labels."""
    labels = []
    for question, english in zip(content.quiz.questions, ROUTES[track], strict=True):
        words = content.words("en").quiz.questions[question.id].options
        option = next(o for o, w in words.items() if w.label == english)
        labels.append(content.words("es").quiz.questions[question.id].options[option].label)
    return labels


def test_a_spanish_speaker_gets_the_quiz_and_a_plan_in_spanish(
    dialogue: Dialogue, content: Content
) -> None:
    user = DialogueUser(dialogue, Person(first_name="Lupe", language_code="es-US"))
    user.command("start")
    assert "¡Hola, Lupe!" in user.text()
    user.tap("Empezar el cuestionario")
    for number, label in enumerate(spanish_route(content, "billing"), start=1):
        assert f"Pregunta {number} de 10" in user.text()
        user.tap(label)
    assert user.state.step == RESULT
    assert "Una inclinación fuerte hacia <b>la facturación médica</b>" in user.text()
    assert "AAPC Salary Survey, 2025" in user.text() and "$56,981" in user.text()
    shown = user.tap("Veterano o veterana militar")
    assert len(shown.replies) == 1
    plan = shown.replies[0].text
    assert "Tu plan de 30/60/90 días</b>\nVeterano o veterana militar · Facturación médica" in plan
    assert "<b>Días 1 a 30</b> · 0 de 4 hechos" in plan
    assert "GI Bill" in plan and "CPB" in plan
    labels = [b.label for row in shown.replies[0].keyboard for b in row]
    assert "🔔 Recordarme los días 30, 60, 90" in labels, "check-ins are offered on the plan"
    assert "Días 31 a 60 ▶" in labels
    later = user.tap("Días 31 a 60 ▶").replies[0].text
    assert "<b>Días 31 a 60</b> · 0 de 3 hechos" in later
    assert user.state.language is None, "nothing is stored while Telegram's language applies"


def test_language_switches_in_place_and_is_remembered(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue, Person(first_name="Ana", language_code="en"))
    menu = user.command("language")
    assert not menu.replies[0].replace
    assert "Language" in user.text()
    assert [b.label for row in user.screen.keyboard for b in row] == ["✓ English", "Español"]

    switched = user.tap("Español")
    assert switched.replies[0].replace, "the menu turns into the confirmation"
    assert "Desde ahora te escribo en español" in user.text()
    assert user.state.language == "es" and user.state.version == 1
    user.command("help")
    assert "Lo que puedo hacer" in user.text()

    user.command("language")
    assert [b.label for row in user.screen.keyboard for b in row] == ["English", "✓ Español"]
    user.tap("English")
    assert "From now on I write in English" in user.text()
    assert user.state.language == "en", "an explicit choice is kept, even if it is the default"


def test_switching_during_the_quiz_redraws_the_question_in_the_new_language(
    dialogue: Dialogue,
) -> None:
    user = DialogueUser(dialogue, Person(first_name="Ana", language_code="en"))
    user.command("start")
    user.tap("Start the quiz")
    user.answer(0)
    user.command("language")
    user.tap("Español")
    assert "Pregunta 2 de 10" in user.text()
    user.answer(1)
    assert "Pregunta 3 de 10" in user.text(), "the redrawn buttons work"
    assert user.state.answers == (0, 1)


def test_a_spanish_speaker_can_switch_to_english(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue, Person(first_name="Lupe", language_code="es"))
    user.command("language")
    assert "¿En qué idioma" in user.text()
    user.tap("English")
    user.command("start")
    assert "Hi Lupe!" in user.text()


def test_a_forged_language_changes_nothing(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    outcome = user.tap_data("lg:fr")
    assert outcome.notice and "out of date" in outcome.notice
    assert user.state.language is None


def test_the_loader_wants_a_wording_of_each_worded_fact_per_language(
    content_copy: Path,
) -> None:
    from flows.content import ContentError, load_content

    path = content_copy / "facts.yaml"
    facts = parse_yaml(path.read_text(encoding="utf-8"))
    del facts["facts"]["prep_course_length"]["text"]["es"]
    path.write_text(yaml.safe_dump(facts, allow_unicode=True), encoding="utf-8")
    with pytest.raises(
        ContentError, match=r"facts\.yaml: facts\.prep_course_length\.text: missing es"
    ):
        load_content(content_copy)


# ---- through Telegram (the stub Bot API) ------------------------------------------------------


async def test_a_spanish_telegram_user_goes_from_start_to_a_plan_in_spanish(
    stub: StubBotApi, bot: None, content: Content
) -> None:
    user = stub.user(3001, "Lupe", language_code="es")
    welcome = await user.send("/start")
    assert "¡Hola, Lupe!" in welcome.last.text
    assert welcome.last.button_texts() == [
        "▶ Empezar el cuestionario",
        "🧪 Prueba el trabajo (2 minutos)",
    ]
    await user.tap("Empezar el cuestionario")
    for number, label in enumerate(spanish_route(content, "coding"), start=1):
        assert f"Pregunta {number} de 10" in user.last_message.text
        step = await user.tap(label)
        assert not step.messages and len(step.edits) == 1
    result = user.last_message
    assert result.text.splitlines()[0] == "🩺 Una inclinación fuerte hacia la codificación médica"
    assert "$58,895 (AAPC Salary Survey, 2025" in result.text
    plan = await user.tap("Trabajo remoto")
    assert len(plan.messages) == 1, "the plan, with the check-in offer as its button"
    assert "Trabajo remoto · Codificación médica" in plan.last.text
    assert "1 a 2 años" in plan.last.text, "worded figure"
    assert "🔔 Recordarme los días 30, 60, 90" in plan.last.button_texts()
    last = await user.tap("Días 31 a 60 ▶")
    last = await user.tap("Días 61 a 90 ▶")
    text = last.last.text
    assert "Días 61 a 90" in text
    assert "remote medical coder" in text, "the keyword employers search for stays in English"
    assert len(user.messages) == 2

    spanish_menu = [c["command"] for c in stub.my_commands(language_code="es")]
    assert spanish_menu == list(COMMANDS)
    described = {c["command"]: c["description"] for c in stub.my_commands(language_code="es")}
    assert described["language"] == "Idioma · Language"
    assert described["plan"] == "Tu plan de 30/60/90 días"


async def test_language_is_remembered_across_a_restart(
    stub: StubBotApi, content: Content, database_url: str
) -> None:
    user = stub.user(3002, "Ana", language_code="en")
    async with running_bot(stub, content, database_url):
        menu = await user.send("/language")
        assert menu.last.button_texts() == ["✓ English", "Español"]
        switched = await user.tap("Español")
        assert not switched.messages and len(switched.edits) == 1, "edited in place"
        assert "Desde ahora te escribo en español" in switched.edits[0].text
    async with running_bot(stub, content, database_url):
        welcome = await user.send("/start")
        assert "¡Hola, Ana!" in welcome.last.text
        await user.send("/restart")
        assert "Pregunta 1 de 10" in user.last_message.text
    stub.assert_no_violations()
    assert not stub.unanswered_callback_queries()


async def test_the_apology_after_a_failure_speaks_the_chosen_language(
    stub: StubBotApi, content: Content, database_url: str
) -> None:
    user = stub.user(3003, "Ana", language_code="en")
    apology = content.words("es").messages.fallback.error
    async with running_bot(stub, content, database_url):
        await user.send("/language")
        await user.tap("Español")
        await user.send("/start")
        stub.faults.add(FaultRule(FaultKind.BAD_GATEWAY, every_nth=1, methods={"editMessageText"}))
        reply = await user.tap(
            "Empezar el cuestionario", reply_timeout=30, until=lambda r: r.messages
        )
        stub.faults.clear()
    assert reply.last.text == apology, "chosen with /language, not Telegram's English"
