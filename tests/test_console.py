"""python -m bot --console, driven through stdin the way a person would type."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.bot_harness import PROJECT_ROOT, TELEGRAM_STACK, packages_imported, run_until_exit
from tests.quiz_routes import HEADLINES

# The coding route by button number (answers are listed first, in content order).
CODING_BY_NUMBER = ["1", "1", "3", "1", "3", "3", "1", "3", "1", "2"]


def console_env(database: Path, lang: str = "en_US.UTF-8") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        LANG=lang,
        TELEGRAM_API_URL="http://127.0.0.1:9",
    )  # nothing listens: no network is used
    return env


async def console(
    lines: list[str], database: Path, lang: str = "en_US.UTF-8", cwd: Path = PROJECT_ROOT
) -> tuple[int, str]:
    typed = "".join(f"{line}\n" for line in lines).encode()
    env = console_env(database, lang)
    return await run_until_exit(env, 60, args=("--console",), stdin=typed, cwd=cwd)


async def test_the_whole_path_in_the_terminal_without_a_token(tmp_path: Path) -> None:
    code, output = await console(
        ["/start", "1", *CODING_BY_NUMBER, "4", "/certs", "7"], tmp_path / "demo.sqlite3"
    )
    assert code == 0, output
    assert "Traceback" not in output
    assert "[1] ▶ Start the quiz" in output
    for number in range(1, 11):
        assert f"Question {number} of 10" in output
    assert HEADLINES["coding"] in output
    assert "Which describes you?" in output
    assert "Military veteran · Medical coding" in output
    assert "Days 1–30 · 0 of 4 done" in output and "Days 31–60 ▶" in output
    assert "↗ https://www.aapc.com" in output, "link buttons show their address"
    assert "Certified Billing and Coding Specialist" in output
    assert "<b>" not in output, "HTML is turned into plain text"


async def test_text_numbers_out_of_range_and_commands_are_handled(tmp_path: Path) -> None:
    code, output = await console(
        ["/start", "1", "hello", "99", "/nonsense", "1", "1", "1"], tmp_path / "demo.sqlite3"
    )
    assert code == 0, output
    assert "Please tap one of the buttons" in output
    assert "I don't know that command" in output
    assert "[1] 🏠 Home" in output, "even a fallback line has a way on"
    assert "Question 2 of 10" in output, "the quiz carried on after all that"


async def test_the_console_remembers_where_you_were(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"
    await console(["/start", "1", "1", "1"], database)
    code, output = await console(["/start"], database)
    assert code == 0
    assert "You are on question 3 of 10" in output
    assert "▶ Continue from question 3" in output


async def test_the_console_speaks_spanish_when_lang_is_spanish(tmp_path: Path) -> None:
    code, output = await console(
        ["/start", "1", *CODING_BY_NUMBER, "4"], tmp_path / "demo.sqlite3", lang="es_US.UTF-8"
    )
    assert code == 0, output
    assert "Traceback" not in output
    assert "CareerPath en tu terminal" in output
    assert "¡Hola, qué tal!" in output
    assert "[1] ▶ Empezar el cuestionario" in output
    for number in range(1, 11):
        assert f"Pregunta {number} de 10" in output
    assert "Una inclinación fuerte hacia la codificación médica" in output
    assert "Veterano o veterana militar · Codificación médica" in output
    assert "¡Hasta pronto!" in output


async def test_the_console_saves_the_salary_chart_and_switches_language(tmp_path: Path) -> None:
    code, output = await console(
        ["/salary", "/language", "2", "/salary"], tmp_path / "demo.sqlite3", cwd=tmp_path
    )
    assert code == 0, output
    exports = tmp_path / "exports"  # ignored by git, not the repository's root
    english, spanish = exports / "salary-en.png", exports / "salary-es.png"
    assert f"Saved as {english}" in output
    assert english.read_bytes().startswith(b"\x89PNG")
    assert "BLS median, records specialists: BLS, May 2024" in output, "the caption is shown"
    assert "Desde ahora te escribo en español" in output
    assert f"Guardado en {spanish}" in output
    assert spanish.read_bytes().startswith(b"\x89PNG")
    assert "¡Hasta pronto!" in output, "the console's own words follow /language"

    code, output = await console(["/help"], tmp_path / "demo.sqlite3", cwd=tmp_path)
    assert "CareerPath en tu terminal" in output, "the chosen language is remembered"
    assert "Lo que puedo hacer" in output


async def test_a_button_keeps_its_number_while_its_message_turns_page(tmp_path: Path) -> None:
    code, output = await console(["/roadmap", "1", "1"], tmp_path / "demo.sqlite3")
    assert code == 0, output
    shown = [(int(n), int(total)) for n, total in re.findall(r"Page (\d+) of (\d+)", output)]
    assert [n for n, _ in shown] == [1, 2, 3]
    with_next = sum(n < total for n, total in shown)
    assert output.count("[1] Next ▶") == with_next, "the same number on every page that has it"
    assert output.count("[2] 📚 Guide menu") == 3 and output.count("[3] ◀ Back") == 2
    assert "Type a button's number" in output, "words for a keyboard"


async def test_the_console_answers_typed_questions(tmp_path: Path) -> None:
    code, output = await console(
        ["how much do coders make?", "1", "¿puedo trabajar desde casa?"], tmp_path / "demo.sqlite3"
    )
    assert code == 0, output
    assert "[1] 📖 Read the full page" in output
    assert "Page 1 of" in output, "its button opens the page"
    assert "[1] 📖 Leer la página completa" in output, "a Spanish question, a Spanish answer"


async def test_the_console_starts_without_the_telegram_stack(tmp_path: Path) -> None:
    """The README's demo: it talks to no Telegram, so it loads none of what serving needs."""
    env = console_env(tmp_path / "demo.sqlite3")
    code, packages = await packages_imported(env, ("--console",), stdin=b"/start\n1\n")
    assert code == 0
    assert {"bot", "flows", "aiosqlite"} <= packages, "the probe sees what the process imports"
    assert not packages & TELEGRAM_STACK
