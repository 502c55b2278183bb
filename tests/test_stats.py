"""The operator's view: what the steps count, how /stats adds it up, and who may see it."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.stats_chart import ChartFailed, draw_in_child
from flows.callbacks import Act, encode
from flows.dialogue import Dialogue
from flows.schema import Content
from flows.stats import (
    CHECKINS_ON,
    FUNNEL,
    LANGUAGE_SET,
    NEITHER,
    PLAN,
    QUIZ_FINISHED,
    QUIZ_STARTED,
    SHARED_ARRIVAL,
    STEP_TICKED,
    TRY_STARTED,
)
from flows.stats.report import build_report, first_day
from tests.bot_harness import running_bot
from tests.chat_double import DialogueUser
from tests.databases import run_sql
from tests.quiz_routes import finish_quiz
from tests.screens import RESULT_ANSWERS
from tests.stub_bot_api import StubBotApi
from tests.test_tryout import play_tryout

TODAY = date(2026, 11, 26)


def test_every_counted_event_has_words_in_every_language(content: Content) -> None:
    for language, words in content.languages.items():
        assert set(words.messages.stats.events) == set(FUNNEL), language


def test_the_steps_count_what_people_do_and_nothing_about_them(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    counted: list[tuple[str, str]] = []

    def do(outcome_of) -> None:  # type: ignore[no-untyped-def]
        counted.extend(outcome_of().tallies)

    do(lambda: user.command("start"))
    assert counted == [], "the welcome alone is not a quiz start"
    do(lambda: user.tap("Start the quiz"))
    assert counted == [(QUIZ_STARTED, "en")]
    for _ in range(dialogue.quiz.total):
        do(lambda: user.answer(0))
    track = user.state.track
    assert track is not None
    assert counted[1:] == [(QUIZ_FINISHED, track)], "one count for the result, none per answer"
    counted.clear()

    first, other = (p.id for p in dialogue.content.plans.personas[:2])
    personas = dialogue.content.words("en").plans.personas
    result = user.screen
    do(lambda: user.tap(personas[first].label, result))
    assert counted == [(PLAN, first)], "the first plan after the result is the user's own"
    do(lambda: user.tap(personas[first].label, result))
    assert counted == [(PLAN, first)], "the same plan again is not another plan"

    do(lambda: user.tap("⬜ 1"))
    do(lambda: user.tap("✅ 1"))  # untick: not counted
    assert counted[1:] == [(STEP_TICKED, "")]
    counted.clear()

    do(lambda: user.tap("Other plans"))
    do(lambda: user.tap(personas[other].label))
    assert counted == [], "a plan only looked at is not a plan the user got"
    do(lambda: user.tap("Make this my plan"))
    assert counted == [(PLAN, other)]
    counted.clear()

    do(lambda: user.tap("Remind me on days 30, 60, 90"))
    assert counted == [(CHECKINS_ON, "")]
    counted.clear()

    do(lambda: user.command("language"))
    do(lambda: user.tap("Español"))
    assert counted == [(LANGUAGE_SET, "es")]
    counted.clear()
    do(lambda: user.command("restart"))
    assert counted == [], "retaking asks first; nothing has started yet"
    do(lambda: user.tap("Sí"))
    assert counted == [(QUIZ_STARTED, "es")]


def test_a_quiz_that_pulls_toward_neither_path_is_counted_as_neither(
    dialogue: Dialogue,
) -> None:
    user = DialogueUser(dialogue)
    user.command("start")
    user.tap("Start the quiz")
    finished = [user.answer(option) for option in RESULT_ANSWERS["neither"]][-1]
    assert "Neither path" in user.screen.text
    assert finished.tallies == ((QUIZ_FINISHED, NEITHER),)
    figures, splits = dialogue.stats.report(
        "en", build_report([("2026-11-26", QUIZ_FINISHED, NEITHER, 2)], TODAY)
    )
    assert "Finished it: <b>2</b> · 2" in figures.text
    assert "🧭 Neither path (yet): <b>2</b> · 2 (100%)" in splits.text


def test_a_tryout_is_counted_once_as_it_begins(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    assert user.command("try").tallies == (), "the intro alone is not a tryout"
    assert user.tap("▶ Start").tallies == ((TRY_STARTED, "en"),)
    first_task = user.text()
    assert user.command("try").tallies == (), "/try again shows the running tryout"
    assert user.text() == first_task
    again = user.tap_data(encode(Act.TRY_START, "here"))  # an old intro's Start
    assert again.tallies == (), "carrying on is not a new tryout"


def test_feelings_of_neither_side_count_the_finished_quiz_as_neither(
    dialogue: Dialogue,
) -> None:
    user = DialogueUser(dialogue)
    play_tryout(user, dialogue, coding="Not for me", billing="Not for me")
    user.command("start")
    user.tap("Start the quiz")
    finished = [user.answer(0) for _ in range(dialogue.quiz.total)][-1]
    assert "Neither path" in user.screen.text
    assert finished.tallies == ((QUIZ_FINISHED, NEITHER),)


def test_arrivals_through_a_shared_link_are_counted(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    outcome = dialogue.command(user.state, user.person, "start", "from-friend")
    assert outcome.tallies == ((SHARED_ARRIVAL, ""),)
    assert "Hi Ana" in outcome.replies[0].text, "a friend's link opens the welcome"
    assert dialogue.command(user.state, user.person, "start", "quiz").tallies == (
        (QUIZ_STARTED, "en"),
    )


def test_the_report_adds_up_the_last_7_and_30_days() -> None:
    rows = [
        ("2026-10-27", QUIZ_STARTED, "en", 100),  # 31 days ago: outside both windows
        ("2026-10-28", QUIZ_STARTED, "en", 5),  # 30 days ago, today included
        ("2026-11-19", QUIZ_STARTED, "es", 2),  # 7 days ago: the month only
        ("2026-11-20", QUIZ_STARTED, "en", 3),
        ("2026-11-26", QUIZ_STARTED, "es", 1),
        ("2026-11-26", QUIZ_FINISHED, "coding", 2),
        ("2026-11-25", QUIZ_FINISHED, "billing", 1),
    ]
    report = build_report(rows, TODAY)
    week, month = report.window(7), report.window(30)
    assert (week.total(QUIZ_STARTED), month.total(QUIZ_STARTED)) == (4, 11)
    assert month.split(QUIZ_STARTED) == {"en": 8, "es": 3}
    assert week.split(QUIZ_FINISHED) == {"coding": 2, "billing": 1}
    assert week.total(PLAN) == 0
    assert len(report.days) == 30 and report.days[-1] == TODAY
    assert report.daily[QUIZ_STARTED][-1] == 1 and report.daily[QUIZ_STARTED][0] == 5
    assert first_day(TODAY) == "2026-10-28"


def test_the_report_reads_as_figures_and_splits(dialogue: Dialogue) -> None:
    rows = [
        ("2026-11-26", QUIZ_STARTED, "en", 6),
        ("2026-11-26", QUIZ_STARTED, "es", 2),
        ("2026-11-26", QUIZ_FINISHED, "coding", 3),
        ("2026-11-01", QUIZ_FINISHED, "billing", 1),
        # Typed questions as flows/ask tallies them: the section that answered, or none.
        ("2026-11-26", "ask", "no_match", 4),
        ("2026-11-26", "ask", "roles.coder_day", 7),
        ("2026-11-25", "ask", "cert.cpc", 2),
        ("2026-11-26", "ask", "intent.plan", 1),  # "make me a plan": a request understood
        ("2026-11-26", "ask", "retired.page", 1),  # a section the content no longer has
        # Not questions about careers: counted apart, never as topics.
        ("2026-11-26", "ask", "safety", 1),
        ("2026-11-26", "ask", "quiz_answer", 5),
        ("2026-11-26", "question_unmatched", "remote", 9),  # a miss with a topic, if known
    ]
    figures, splits = dialogue.stats.report("en", build_report(rows, TODAY))
    text = f"{figures.text}\n\n{splits.text}"
    assert "Started the quiz: <b>8</b> · 8" in text
    assert "Finished it: <b>3</b> · 4" in text
    assert "Got a plan: <b>0</b> · 0" in text
    assert "coding: <b>3</b> · 3 (75%)" in text and "billing: <b>0</b> · 1 (25%)" in text
    assert "English: <b>6</b> · 6 (75%)" in text and "Español: <b>2</b> · 2 (25%)" in text
    assert "Typed questions answered: <b>11</b> · 11" in text
    assert "Typed questions not understood: <b>13</b> · 13" in text
    assert "Quiz answers typed, not tapped: <b>5</b> · 5" in text
    assert "Emergencies pointed to 911/988: <b>1</b> · 1" in text
    asked = text.split("Most asked")[1].split("Top topics")[0]
    day_in_life = "🩺 A day in the life: the coder: <b>7</b>"
    assert asked.index(day_in_life) < asked.index("🎓 CPC"), "by title, busiest first"
    assert "safety" not in asked and "quiz_answer" not in asked and "no_match" not in asked
    unanswered = text.split("Top topics not understood")[1]
    assert unanswered.index("remote") < unanswered.index("no topic: <b>4</b>"), "busiest first"
    assert "Plans by persona</b>\nnone yet" in text
    assert not figures.keyboard and splits.keyboard[0][0].label == "↻ Refresh"


def test_most_asked_names_requests_and_retired_sections(dialogue: Dialogue) -> None:
    rows = [
        ("2026-11-26", "ask", "intent.plan", 3),
        ("2026-11-26", "ask", "retired.page", 2),
        ("2026-11-26", "ask", "jobs.remote", 1),
    ]
    for language, request in (("en", "Asked for: plan"), ("es", "Pidió: plan")):
        _, splits = dialogue.stats.report(language, build_report(rows, TODAY))
        asked = splits.text.split("\n\n")[3]
        assert f"{request}: <b>3</b>" in asked, asked
        assert "retired.page: <b>2</b>" in asked, "a label no longer in the content: its id"
        assert "jobs.remote" not in asked, "a section present is named by its title"


def test_a_busy_report_still_fits_a_phone_screen_per_message(dialogue: Dialogue) -> None:
    content = dialogue.content
    rows = [("2026-11-26", QUIZ_FINISHED, track, 123456) for track in ("coding", "billing", "both")]
    rows += [("2026-11-26", PLAN, p.id, 123456) for p in content.plans.personas]
    rows += [("2026-11-26", QUIZ_STARTED, code, 123456) for code in content.languages]
    rows += [("2026-11-26", "ask", f"section-{n}.part", 123456) for n in range(9)]
    rows += [("2026-11-26", "question_unmatched", f"topic-{n}", 123456) for n in range(9)]
    unlabelled = set(FUNNEL) - {QUIZ_FINISHED, PLAN, QUIZ_STARTED, LANGUAGE_SET}
    rows += [("2026-11-26", event, "", 1234567) for event in unlabelled]
    for language in content.languages:
        for reply in dialogue.stats.report(language, build_report(rows, TODAY)):
            assert len(reply.text) <= 1000, (language, len(reply.text))


async def test_the_chart_is_drawn_in_a_child_process(dialogue: Dialogue) -> None:
    rows = [("2026-11-26", QUIZ_STARTED, "en", 6), ("2026-11-20", PLAN, "veteran", 2)]
    png = await draw_in_child(dialogue.stats.chart("en", build_report(rows, TODAY)))
    assert png.startswith(b"\x89PNG") and len(png) > 10_000


ADMIN = 7001


def utc_today() -> str:
    return datetime.now(UTC).date().isoformat()


@pytest.mark.timeout(180)
async def test_an_admin_reads_stats_that_outlive_forget(
    stub: StubBotApi, content: Content, database_url: str
) -> None:
    admin, ana, bo = stub.user(ADMIN, "Ops"), stub.user(7002, "Ana"), stub.user(7003, "Bo")
    bo_es = stub.user(7004, "Bea", language_code="es")
    async with running_bot(stub, content, database_url, admin_chat_ids={ADMIN}):
        await finish_quiz(ana, "coding")
        await finish_quiz(bo, "billing")
        await bo_es.send("/start from-friend")
        await bo_es.tap("Empezar el cuestionario")
        await ana.send("/forget")
        await ana.tap("Yes, delete my data")
        assert (
            await run_sql(database_url, f"SELECT 1 FROM chats WHERE chat_id = {ana.chat_id}") == []
        )

        replies = await admin.send("/stats", until=lambda r: len(r.messages) >= 3, reply_timeout=60)
        chart, figures, splits = replies.messages[-3:]
        assert chart.photo is not None and chart.photo.data.startswith(b"\x89PNG")
        assert "per day" in (chart.caption or "")
        text = f"{figures.text}\n{splits.text}"
        assert "Started the quiz: 3 · 3" in text, "Ana's counts stay after /forget"
        assert "Finished it: 2 · 2" in text
        assert "coding: 1 · 1 (50%)" in text and "billing: 1 · 1 (50%)" in text
        assert "English: 2 · 2 (67%)" in text and "Español: 1 · 1 (33%)" in text
        assert "Came through a shared link: 1 · 1" in text
        for user, name in ((ana, "Ana"), (bo, "Bo"), (bo_es, "Bea")):
            assert str(user.chat_id) not in text and name not in text

        again = await admin.tap("↻ Refresh", until=lambda r: len(r.messages) >= 3, reply_timeout=60)
        assert "Started the quiz: 3 · 3" in again.messages[-2].text

    stored = await run_sql(database_url, "SELECT day, metric, label, count FROM daily_counts")
    assert (utc_today(), "quiz_started", "en", 2) in stored
    assert all(str(ana.chat_id) not in map(str, row) for row in stored)


async def test_stats_is_an_unknown_command_to_everyone_else(
    stub: StubBotApi, content: Content, tmp_path: Path
) -> None:
    user = stub.user(7010, "Cy")
    async with running_bot(
        stub, content, f"sqlite:///{tmp_path}/bot.sqlite3", admin_chat_ids={ADMIN}
    ):
        unknown = await user.send("/nosuchthing")
        stats = await user.send("/stats")
        assert stats.texts == unknown.texts
        assert stats.messages[0].text.startswith("I don't know that command")
        await user.send("/start")
        forged = await user.tap_data("st")
        assert forged.callback_answer is not None
        assert forged.callback_answer.text == "That button is out of date. Here is where you are."
        assert not any("CareerPath in numbers" in t for t in forged.texts)


async def test_a_chart_that_cannot_be_drawn_is_reported_not_faked() -> None:
    with pytest.raises(ChartFailed, match="exit code 1: KeyError"):
        await draw_in_child({"title": "no days, no series"})


def test_without_matplotlib_the_chart_process_says_what_to_install() -> None:
    """A plain install has no matplotlib (it is the stats-chart extra): the child says so,
    and admin.py logs that line and sends the figures alone (the test below)."""
    hide_matplotlib = (
        "import sys, runpy; sys.modules['matplotlib'] = None; "
        "runpy.run_module('bot.stats_chart', run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", hide_matplotlib],
        input=b'{"title": "t"}',
        capture_output=True,
        timeout=60,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 1 and done.stdout == b""
    assert done.stderr.decode().strip().splitlines()[-1] == (
        'matplotlib is not installed: pip install ".[stats-chart]" to draw this chart'
    )


async def test_without_its_chart_stats_still_sends_the_figures(
    stub: StubBotApi, content: Content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(spec: object) -> bytes:
        raise ChartFailed("exit code 1: MemoryError")

    monkeypatch.setattr("bot.admin.draw_in_child", broken)
    admin = stub.user(ADMIN, "Ops")
    database = f"sqlite:///{tmp_path}/bot.sqlite3"
    async with running_bot(stub, content, database, admin_chat_ids={ADMIN}):
        replies = await admin.send("/stats", until=lambda r: len(r.messages) >= 2)
    assert [m.photo for m in replies.messages] == [None, None]
    assert "CareerPath in numbers" in replies.messages[0].text


def test_unanswered_questions_are_listed_by_their_nearest_topic(dialogue: Dialogue) -> None:
    """Issue 19's "top unanswered question topics": a "did you mean" is tallied with the
    nearest section (a content id), a question with no near section as no topic."""
    typed = DialogueUser(dialogue).send("AHIMA beginner credential?")
    ((_, label),) = typed.tallies
    rows = [("2026-11-26", "ask", label, 4), ("2026-11-26", "ask", "no_match", 2)]
    for language, no_topic in (("en", "no topic"), ("es", "sin tema")):
        _, splits = dialogue.stats.report(language, build_report(rows, TODAY))
        unanswered = splits.text.split("\n\n")[4]
        assert f"{no_topic}: <b>2</b>" in unanswered, unanswered
        assert ": <b>4</b>" in unanswered and label not in unanswered, (
            "the nearest topic is named by its title, never as a raw label"
        )
