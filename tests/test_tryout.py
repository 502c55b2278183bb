"""Try the job (/try) as a user meets it: each task and its feedback, the feeling buttons,
how the feelings move the result, a resume after a restart, and stale or forged buttons."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from flows.callbacks import Act, encode
from flows.content import ContentError, load_content, parse_yaml
from flows.dialogue import Dialogue
from flows.quiz import RESULT
from flows.schema import Content
from flows.scoring import score
from flows.state import ChatState, Person
from flows.tryout.model import Bill, FeelingPull
from tests.bot_harness import running_bot
from tests.chat_double import DialogueUser
from tests.screens import RESULT_ANSWERS, tryout_feelings, visible_length
from tests.stub_bot_api import StubBotApi

SPANISH = Person(first_name="Lupe", language_code="es")


def right_label(user: DialogueUser, dialogue: Dialogue) -> str:
    """The label of the right option of the task on screen."""
    step = dialogue.tryout.current_step(user.state)
    assert step is not None and step.task is not None, user.text()
    task = dialogue.tryout.tasks[step.task]
    return [b.label for row in user.screen.keyboard for b in row][task.right_option]


def wrong_label(user: DialogueUser, dialogue: Dialogue) -> str:
    step = dialogue.tryout.current_step(user.state)
    assert step is not None and step.task is not None
    task = dialogue.tryout.tasks[step.task]
    labels = [b.label for row in user.screen.keyboard for b in row]
    return next(label for i, label in enumerate(labels) if i != task.right_option)


def play_tryout(
    user: DialogueUser,
    dialogue: Dialogue,
    *,
    coding: str,
    billing: str,
    right: bool = True,
) -> None:
    """From /try to the closing screen; coding/billing: the feeling labels to tap."""
    user.command("try")
    user.tap(user.screen.keyboard[0][0].label)  # ▶ Start (or carry on)
    feelings = iter((coding, billing))
    while not dialogue.tryout.finished(user.state):
        step = dialogue.tryout.current_step(user.state)
        if step is None:  # feedback on screen
            user.tap_data(user.screen.keyboard[0][0].data)
        elif step.task is None:
            user.tap(next(feelings))
        else:
            label = right_label(user, dialogue) if right else wrong_label(user, dialogue)
            user.tap(label)


def finished_quiz(content: Content, answers: list[int]) -> ChatState:
    return ChatState(version=50, step=RESULT, answers=tuple(answers))


def balanced_answers(content: Content) -> list[int]:
    """Equal pull both ways on every question, and none toward the combined role: a 50/50
    result, which the quiz calls "both"."""
    return [
        next(i for i, o in enumerate(q.options) if o.coding == o.billing and o.both == 0)
        for q in content.quiz.questions
    ]


# ---- playing it through ------------------------------------------------------------------------


def test_tryout_plays_through_in_english(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    intro = user.command("try").replies[0]
    assert "Try the job" in intro.text and "6 short tasks" in intro.text
    assert "taste, not a test" in intro.text
    started = user.tap("Start")
    assert started.replies[0].replace, "the intro turns into task 1"
    seen_sides = []
    for number in range(1, 7):
        assert f"Task {number} of 6" in user.text()
        seen_sides.append("Coding" if "Coding" in user.text() else "Billing")
        assert 3 <= len(user.screen.keyboard) <= 4
        feedback = user.tap(right_label(user, dialogue))
        assert feedback.replies[0].replace
        assert "✅ <b>Right!</b>" in user.text()
        assert f"Task {number} of 6" in user.text()
        user.tap("Next")
        if number == 3:
            assert "That's the coding half" in user.text()
            assert [b.label for row in user.screen.keyboard for b in row] == [
                "😀 I enjoyed it",
                "😐 It was OK",
                "🙅 Not for me",
            ]
            user.tap("I enjoyed it")
            assert user.text().startswith("Noted. Now the billing side")
    assert seen_sides == ["Coding"] * 3 + ["Billing"] * 3
    assert "That's the billing half" in user.text()
    closing = user.tap("It was OK")
    text = closing.replies[0].text
    assert "You've tried both jobs" in text
    assert "You got <b>6 of 6</b> right (coding 3 of 3, billing 3 of 3)" in text
    assert "Take the quiz for your result" in text, "no quiz yet"
    labels = [b.label for row in closing.replies[0].keyboard for b in row]
    assert labels == ["🧭 Take the quiz", "📚 Where to learn this", "↺ Try it again"]
    assert user.state.tryout == (1, 0, 2, 0, 1, 2, 2, 1)


def test_tryout_plays_through_in_spanish(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue, person=SPANISH)
    assert "Prueba el trabajo" in user.command("try").replies[0].text
    user.tap("Empezar")
    assert "Tarea 1 de 6" in user.text() and "Codificación" in user.text()
    assert "¿Qué código de ICD-10-CM corresponde?" in user.text()
    user.tap(wrong_label(user, dialogue))
    assert "No exactamente" in user.text()
    assert "E11.40 · tipo 2, neuropatía" in user.text(), "names the right answer"
    user.tap("Siguiente")
    assert "Tarea 2 de 6" in user.text()
    user = DialogueUser(dialogue, person=SPANISH)
    play_tryout(user, dialogue, coding="Me gustó", billing="No es para mí", right=False)
    text = user.text()
    assert "Ya probaste los dos trabajos" in text
    assert "Acertaste <b>0 de 6</b>" in text
    assert "Haz el cuestionario" in text


# A tryout fact read on CMS's page says "checked"; one whose words were read only in a copy on
# another site says that instead: both with the month they were read.
CMS_CITE = {
    "en": r"\(CMS, (checked|read in a copy of its text,) November 2026\)",
    "es": r"\(CMS, (consultado en|leído en una copia de su texto,) noviembre de 2026\)",
}


def test_each_task_explains_its_right_answer(dialogue: Dialogue, content: Content) -> None:
    for language, person in (("en", Person(language_code="en")), ("es", SPANISH)):
        user = DialogueUser(dialogue, person=person)
        user.command("try")
        user.tap(user.screen.keyboard[0][0].label)
        for task in content.tryout.tasks:
            right = right_label(user, dialogue)
            feedback = user.tap(wrong_label(user, dialogue)).replies[0].text
            assert f"<b>{right}</b>" in feedback, (language, task.id, "names the right answer")
            assert re.search(CMS_CITE[language], feedback), (language, task.id, "cites CMS")
            assert visible_length(feedback) <= 1000, (language, task.id)
            user.tap_data(user.screen.keyboard[0][0].data)  # next
            step = dialogue.tryout.current_step(user.state)
            if step is not None and step.task is None:
                user.tap_data(user.screen.keyboard[1][0].data)  # it was OK


def test_the_code_buttons_show_the_codes_from_the_facts(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    user.command("try")
    user.tap("Start")
    labels = [b.label for row in user.screen.keyboard for b in row]
    assert labels == [
        "E10.40 · type 1, neuropathy",
        "E11.40 · type 2, neuropathy",
        "E11.9 · type 2, no complications",
    ]


# ---- the patient-owes arithmetic -------------------------------------------------------------


def test_the_patient_owes_the_deductible_then_coinsurance_on_the_rest() -> None:
    bill = Bill(allowed=300, deductible_left=100, coinsurance_percent=20)
    assert bill.amount("patient_share") == 100 + 40
    assert bill.amount("plan_share") == 160
    assert bill.amount("coinsurance_on_allowed") == 60
    assert bill.amount("deductible") == 100


@pytest.mark.parametrize(
    ("allowed", "deductible", "percent", "owes"),
    [(200, 0, 20, 40), (200, 500, 20, 200), (1000, 250, 30, 250 + 225), (80, 0, 25, 20)],
)
def test_patient_and_plan_shares_add_up_to_the_allowed_amount(
    allowed: int, deductible: int, percent: int, owes: int
) -> None:
    bill = Bill(allowed=allowed, deductible_left=deductible, coinsurance_percent=percent)
    assert bill.amount("patient_share") == owes
    assert bill.amount("patient_share") + bill.amount("plan_share") == allowed


def test_a_bill_that_is_not_whole_dollars_is_refused() -> None:
    with pytest.raises(ValueError, match="not whole dollars"):
        Bill(allowed=301, deductible_left=100, coinsurance_percent=20).amount("patient_share")


def test_the_patient_owes_task_shows_the_right_sum(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    user.command("try")
    user.tap("Start")
    for _ in range(3):
        user.tap(right_label(user, dialogue))
        user.tap("Next")
    user.tap("It was OK")
    for _ in range(2):
        user.tap(right_label(user, dialogue))
        user.tap("Next")
    assert "allowed amount for the visit is $300" in user.text()
    assert "$100 of the patient's deductible" in user.text()
    assert [b.label for row in user.screen.keyboard for b in row] == ["$60", "$100", "$140", "$160"]
    feedback = user.tap("$140").replies[0].text
    assert "Right!" in feedback and "then 20% of the other $200, which is $40" in feedback


# ---- it counts ----------------------------------------------------------------------------------


def test_score_without_feelings_is_unchanged(content: Content) -> None:
    answers = balanced_answers(content)
    assert score(content.quiz, answers) == score(content.quiz, answers, ())
    assert score(content.quiz, answers).feelings == ()


def test_feelings_pull_toward_and_away(content: Content) -> None:
    answers = balanced_answers(content)
    before = score(content.quiz, answers)
    assert before.track == "both"
    liked_coding = (FeelingPull("coding", "enjoyed", 4, 0),)
    after = score(content.quiz, answers, liked_coding)
    assert after.coding_percent > before.coding_percent
    away = (FeelingPull("coding", "not_for_me", 0, 4),)
    assert score(content.quiz, answers, away).coding_percent < before.coding_percent


def test_tryout_after_the_quiz_updates_the_result_and_says_what_changed(
    dialogue: Dialogue, content: Content
) -> None:
    user = DialogueUser(dialogue, state=finished_quiz(content, balanced_answers(content)))
    user.state = user.state.model_copy(update={"track": "both"})
    play_tryout(user, dialogue, coding="I enjoyed it", billing="Not for me")
    text = user.text()
    assert (
        "📊 <b>Your result changed.</b>\n"
        "Before: 🔁 <b>A combined billing-and-coding role</b> fits you best\n"
        "Now: 🩺 A clear lean toward <b>medical coding</b>"
    ) in text
    assert user.state.track == "coding", "the plans follow the updated result"
    result = user.tap("See my result").replies[0]
    assert not result.replace, "the result comes below the closing screen"
    assert result.text.startswith("🩺 A clear lean toward <b>medical coding</b>\n")
    assert "Your answers and the tryout: roughly 70% coding" in result.text
    why = result.text.split("<b>Why</b>\n")[1].splitlines()
    assert why[:2] == ["• You enjoyed the coding tasks.", "• The billing tasks were not for you."]
    assert why[2].startswith("<b>Why not billing:</b>")


def test_an_ok_feeling_keeps_the_result_and_says_so(dialogue: Dialogue, content: Content) -> None:
    user = DialogueUser(dialogue, state=finished_quiz(content, balanced_answers(content)))
    play_tryout(user, dialogue, coding="It was OK", billing="It was OK")
    assert (
        "📊 Your result stays the same: 🔁 <b>A combined billing-and-coding role</b> fits you best."
        in user.text()
    )
    result = user.tap("See my result").replies[0].text
    assert "Your answers: roughly 50% coding" in result, "an OK tryout moved nothing"
    assert "tasks" not in result.split("<b>Why")[1]


def test_feelings_given_before_the_quiz_count_once_it_is_done(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    play_tryout(user, dialogue, coding="Not for me", billing="I enjoyed it")
    user.command("start")
    user.tap("Start the quiz")
    for _ in range(dialogue.quiz.total):
        user.answer(1)  # the middle option
    assert "The coding tasks were not for you." in user.text()
    assert "You enjoyed the billing tasks." in user.text()


def test_trying_again_forgets_the_old_feelings(dialogue: Dialogue, content: Content) -> None:
    user = DialogueUser(dialogue, state=finished_quiz(content, balanced_answers(content)))
    play_tryout(user, dialogue, coding="I enjoyed it", billing="Not for me")
    assert user.state.track == "coding"
    user.tap("Try it again")
    assert "Task 1 of 6" in user.text()
    assert user.state.tryout == () and user.state.track == "both"


# ---- the ways in --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "label"),
    [("welcome", "Try the job (2 minutes)"), ("help", "Try the job (2 minutes)")],
)
def test_the_welcome_and_help_lead_to_the_tryout(
    dialogue: Dialogue, where: str, label: str
) -> None:
    user = DialogueUser(dialogue)
    user.command("start" if where == "welcome" else "help")
    opened = user.tap(label)
    assert not opened.replies[0].replace, "the welcome or help stays in the chat"
    assert "6 short tasks" in user.text()


def test_help_lists_try(content: Content) -> None:
    assert "/try ·" in content.words("en").messages.help.text
    assert "/try ·" in content.words("es").messages.help.text


def test_the_result_offers_the_tryout(dialogue: Dialogue, content: Content) -> None:
    user = DialogueUser(dialogue)
    user.command("start")
    user.tap("Start the quiz")
    for _ in range(dialogue.quiz.total):
        user.answer(0)
    user.tap("Try the job")
    assert "6 short tasks" in user.text()


def test_try_resumes_a_running_tryout_where_it_stands(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    user.command("try")
    user.tap("Start")
    user.tap(right_label(user, dialogue))
    again = user.command("try").replies[0]
    assert not again.replace and "Task 1 of 6" in again.text and "Right!" in again.text
    user.tap("Next")
    assert "Task 2 of 6" in user.command("try").replies[0].text


def test_typing_during_the_tryout_points_at_the_buttons(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    user.command("try")
    user.tap("Start")
    user.tap(right_label(user, dialogue))
    user.tap("Next")
    outcome = dialogue.text(user.state, user.person, "purple elephants dancing")
    reply = outcome.replies[0]
    assert reply.text.startswith("Please tap one of the buttons")
    assert "Task 2 of 6" in reply.text and reply.keyboard
    assert not outcome.changed


def test_a_finished_tryout_offers_to_go_again(dialogue: Dialogue, content: Content) -> None:
    user = DialogueUser(dialogue)
    play_tryout(user, dialogue, coding="It was OK", billing="It was OK")
    intro = user.command("try").replies[0]
    assert "You've tried both jobs already" in intro.text
    labels = [b.label for row in intro.keyboard for b in row]
    assert labels == ["↺ Try it again", "🧭 Take the quiz"]


# ---- state: resumable, versioned, erased ----------------------------------------------------


def test_the_tryout_resumes_from_stored_state_after_a_restart(content: Content) -> None:
    first = Dialogue(content)
    user = DialogueUser(first)
    user.command("try")
    user.tap("Start")
    user.tap(right_label(user, first))
    user.tap("Next")
    user.tap(wrong_label(user, first))
    stored = user.state.to_json()
    assert '"tryout":[1,' in stored.replace(" ", "")

    restarted = Dialogue(load_content())  # a new process: nothing but the stored state
    state = ChatState.from_json(stored, user.state.version)
    back = DialogueUser(restarted, state=state)
    assert "Task 2 of 6" in back.command("try").replies[0].text
    assert "Not quite" in back.text(), "the feedback that was on screen"
    back.tap("Next")
    assert "Task 3 of 6" in back.text()


def test_a_double_tap_on_an_answer_changes_nothing(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    user.command("try")
    user.tap("Start")
    data = user.button(right_label(user, dialogue)).data
    user.tap_data(data)
    state = user.state
    again = user.tap_data(data)
    assert again.notice == "Got it, one tap is enough 👍"
    assert user.state == state and not again.changed
    assert "Right!" in again.replies[0].text and again.replies[0].replace


@pytest.mark.parametrize(
    "forged",
    [
        lambda v: encode(Act.TRY_ANSWER, v, 5, 0),  # not the step being asked
        lambda v: encode(Act.TRY_ANSWER, v, 0, 9),  # no such option
        lambda v: encode(Act.TRY_FEEL, v, 0, 0),  # a feeling on a task
        lambda v: encode(Act.TRY_NEXT, v),  # no feedback on screen
        lambda v: encode(Act.TRY_ANSWER, v + 7, 0, 0),  # a version from nowhere
        lambda v: encode(Act.TRY_AGAIN, v - 3),  # an old message
    ],
)
def test_forged_or_stale_tryout_buttons_change_nothing(dialogue: Dialogue, forged) -> None:
    user = DialogueUser(dialogue, state=ChatState(version=40))
    user.command("try")
    user.tap("Start")
    state = user.state
    outcome = user.tap_data(forged(state.version))
    assert outcome.state == state and not outcome.changed
    assert outcome.notice == "That button is out of date. Here is where you are."
    assert "Task 1 of 6" in outcome.replies[0].text


@pytest.mark.parametrize("data", ["ta:1:2", "tf:1:2:x", "ts:elsewhere", "ta:1:2:3:4", "rv:1"])
def test_malformed_tryout_data_is_refused(dialogue: Dialogue, data: str) -> None:
    user = DialogueUser(dialogue)
    outcome = user.tap_data(data)
    assert outcome.notice == "That button is out of date. Here is where you are."
    assert not outcome.changed


def test_see_my_result_without_a_result_leads_to_the_quiz(dialogue: Dialogue) -> None:
    outcome = DialogueUser(dialogue).tap_data(encode(Act.MY_RESULT))
    labels = [b.label for row in outcome.replies[0].keyboard for b in row]
    assert "▶ Start the quiz" in labels and not outcome.changed


def test_forget_erases_the_tryout(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    play_tryout(user, dialogue, coding="It was OK", billing="It was OK")
    assert "tryout" in user.state.to_json()
    user.command("forget")
    outcome = user.tap("Yes, delete my data")
    assert outcome.erase and outcome.state.tryout == ()
    assert "6 short tasks" in user.command("try").replies[0].text


# ---- content ----------------------------------------------------------------------------------


def test_every_tryout_code_and_rule_is_a_checked_fact(content: Content) -> None:
    used = set()
    for task in content.tryout.tasks:
        used |= {o.code for o in task.options if o.code}
    for language in content.languages:
        raw = parse_yaml(
            (Path(__file__).parent.parent / "content" / language / "tryout.yaml").read_text()
        )
        used |= set(re.findall(r"\{fact:([a-z0-9_]+)\}", yaml.safe_dump(raw)))
    assert {"icd_e11_40", "icd_e10_40", "icd_e11_9", "icd_s83_241a", "hcpcs_a0429"} <= used
    for key in used:
        fact = content.facts.facts[key]
        assert fact.source == "cms" and fact.checked and not fact.claim_of, key
        for check in fact.checked:
            assert check.quote.strip(), key
            # Words read on someone else's site say where; the issuer's page is still named.
            assert (check.via == "copy elsewhere") == bool(check.copy_url), key


def test_every_tryout_screen_fits_a_phone(dialogue: Dialogue, content: Content) -> None:
    for language in content.languages:
        user = DialogueUser(dialogue, person=Person(language_code=language))
        screens = [user.command("try").replies[0]]
        user.tap_data(user.screen.keyboard[0][0].data)
        while not dialogue.tryout.finished(user.state):
            screens.append(user.screen)
            user.tap_data(user.screen.keyboard[0][0].data)
        screens.append(user.screen)
        for reply in screens:
            limit = 1000 if language == "en" else 1300
            assert 0 < visible_length(reply.text) <= limit, reply.text[:80]
            assert reply.keyboard, "every screen has a way on"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda t: t["tasks"][0]["options"][0].update(right=True),
            r"tryout\.yaml: tasks\.diabetes: exactly one option must be right",
        ),
        (
            lambda t: t["tasks"][0]["options"][0].update(code="icd_nothing"),
            r"tasks\.diabetes\.type_1\.code: unknown fact 'icd_nothing'",
        ),
        (lambda t: t.update(learn="nowhere"), r"learn: unknown guide topic 'nowhere'"),
        (
            lambda t: t["tasks"][5]["bill"].update(allowed=301),
            r"tasks\.owes\.bill: 20% of \$201 is not whole dollars",
        ),
    ],
)
def test_broken_tryout_content_is_refused(content_copy: Path, change, message: str) -> None:
    path = content_copy / "tryout.yaml"
    data = parse_yaml(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=message):
        load_content(content_copy)


def test_a_task_missing_in_spanish_is_refused(content_copy: Path) -> None:
    path = content_copy / "es" / "tryout.yaml"
    data = parse_yaml(path.read_text(encoding="utf-8"))
    del data["tasks"]["denial"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"es/tryout\.yaml: tasks: missing denial"):
        load_content(content_copy)


# ---- through the real process ----------------------------------------------------------------


async def test_try_through_telegram_resumes_after_a_restart(
    stub: StubBotApi, content: Content, database_url: str
) -> None:
    user = stub.user(6001, "Rae", language_code="en")
    async with running_bot(stub, content, database_url):
        intro = await user.send("/start try")  # the deep link
        assert "6 short tasks" in intro.last.text
        first = await user.tap("Start")
        assert not first.messages and "Task 1 of 6" in first.edits[0].text
        await user.tap("E11.40 · type 2, neuropathy")
        assert "Right!" in user.last_message.text
        await user.tap("Next")
        assert "Task 2 of 6" in user.last_message.text
    async with running_bot(stub, content, database_url):
        resumed = await user.send("/try")
        assert "Task 2 of 6" in resumed.last.text
        await user.tap("Nothing, it's ready to bill")
        assert "Not quite" in user.last_message.text
    stub.assert_no_violations()


def test_the_why_puts_the_feelings_first_and_keeps_the_strongest_answer(
    dialogue: Dialogue,
) -> None:
    state = ChatState(version=9, step=RESULT, answers=RESULT_ANSWERS["billing-strong"])
    plain = dialogue._result(state, "en", replace=True).text
    quiz_why = plain.split("<b>Why</b>\n")[1].splitlines()
    felt = tryout_feelings(dialogue)["not_for_me-enjoyed"]
    tried = state.model_copy(update={"tryout": felt, "tryout_phase": 1})
    result = dialogue._result(tried, "en", replace=True).text
    why = result.split("<b>Why</b>\n")[1].splitlines()
    assert why[:3] == [
        "• The coding tasks were not for you.",
        "• You enjoyed the billing tasks.",
        quiz_why[0],
    ]
    assert why[3].startswith("<b>Why not coding:</b>"), "three lines in all, as without"
    summary = dialogue.content.words("en").messages.result.summary["billing"]
    assert summary in plain and summary not in result, "the feelings say more than the summary"


def test_switching_language_mid_tryout_redraws_the_task(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    user.command("try")
    user.tap("Start")
    user.command("language")
    switched = user.tap("Español").replies[0]
    assert "Tarea 1 de 6" in switched.text and switched.replace
    user.tap("E11.40 · tipo 2, neuropatía")
    assert "¡Correcto!" in user.text()


def test_a_double_tap_on_the_last_feeling_keeps_the_closing_screen(
    dialogue: Dialogue, content: Content
) -> None:
    user = DialogueUser(dialogue, state=finished_quiz(content, balanced_answers(content)))
    play_tryout(user, dialogue, coding="I enjoyed it", billing="Not for me")
    closing = user.text()
    last_feeling = encode(Act.TRY_FEEL, user.state.version - 1, 7, 2)
    again = user.tap_data(last_feeling)
    assert again.notice == "Got it, one tap is enough 👍" and not again.changed
    assert again.replies[0].text == closing, "still says what changed"


# ---- the result's honest "neither" ------------------------------------------------------------


def tried(state: ChatState, dialogue: Dialogue, felt: str) -> ChatState:
    return state.model_copy(update={"tryout": tryout_feelings(dialogue)[felt], "tryout_phase": 1})


def labels_of(reply) -> list[str]:
    return [button.label for row in reply.keyboard for button in row]


def test_not_for_me_on_both_sides_is_neither_whatever_the_answers(dialogue: Dialogue) -> None:
    state = ChatState(version=9, step=RESULT, answers=RESULT_ANSWERS["coding-strong"])
    result = dialogue._result(tried(state, dialogue, "not_for_me-not_for_me"), "en", replace=True)
    assert result.text.startswith("🧭 <b>Neither path pulls you strongly yet</b>")
    assert "Neither half of the tryout felt right for you" in result.text
    assert "Some of your answers turn away" not in result.text, "the answers did not"
    labels = labels_of(result)
    assert "🧪 Try the job (2 minutes)" not in labels, "they just did"
    assert "↺ Retake the quiz" in labels


def test_enjoying_a_side_lifts_a_neither_from_the_answers(dialogue: Dialogue) -> None:
    state = ChatState(version=9, step=RESULT, answers=RESULT_ANSWERS["neither"])
    plain = dialogue._result(state, "en", replace=True)
    assert "Some of your answers turn away" in plain.text
    assert "🧪 Try the job (2 minutes)" in labels_of(plain), "a taste of the work may tell more"
    result = dialogue._result(tried(state, dialogue, "enjoyed-ok"), "en", replace=True)
    assert "lean toward <b>medical coding</b>" in result.text.splitlines()[0]
    assert "• You enjoyed the coding tasks." in result.text


def test_a_neither_from_the_answers_shows_how_a_side_felt(dialogue: Dialogue) -> None:
    state = ChatState(version=9, step=RESULT, answers=RESULT_ANSWERS["neither"])
    result = dialogue._result(tried(state, dialogue, "not_for_me-ok"), "es", replace=True)
    assert result.text.startswith("🧭")
    assert "Algunas de tus respuestas se alejan" in result.text
    assert "• Las tareas de codificación no son para ti." in result.text


# ---- home, and what people type --------------------------------------------------------------


def test_home_offers_the_tryout(dialogue: Dialogue, content: Content) -> None:
    user = DialogueUser(dialogue, state=finished_quiz(content, balanced_answers(content)))
    home = user.command("start").replies[0]
    assert "🧪 Try the job (2 minutes)" in labels_of(home)
    user.tap("Try the job (2 minutes)")
    assert "6 short tasks" in user.text()


def in_a_task(dialogue: Dialogue, language: str = "en") -> DialogueUser:
    user = DialogueUser(dialogue, person=Person(language_code=language))
    user.command("try")
    user.tap(user.screen.keyboard[0][0].label)
    return user


def test_a_typed_question_in_the_tryout_is_answered_and_the_task_comes_back(
    dialogue: Dialogue,
) -> None:
    user = in_a_task(dialogue)
    outcome = dialogue.text(user.state, user.person, "how much do coders make?")
    assert len(outcome.replies) == 2 and not outcome.changed
    assert "$" in outcome.replies[0].text
    assert "Task 1 of 6" in outcome.replies[1].text and not outcome.replies[1].replace


def test_a_typed_answer_or_feeling_counts_as_its_tap(dialogue: Dialogue) -> None:
    user = in_a_task(dialogue)
    code = right_label(user, dialogue).split(" · ")[0]
    asked = user.send(f"is it {code}?").replies
    assert "Task 1 of 6" in asked[-1].text and asked[-1].keyboard[0][0].data.startswith("ta:")
    assert dialogue.tryout.position(user.state) == 0, "a question is not an answer"
    outcome = user.send(f"I think {code.lower()}")
    assert "Right!" in outcome.replies[0].text
    user.tap("Next")
    wrong = wrong_label(user, dialogue)
    assert "Not quite" in user.send(wrong.lower()).replies[0].text, "a label counts too"
    while dialogue.tryout.current_step(user.state) is None or (
        dialogue.tryout.current_step(user.state).task is not None
    ):
        if dialogue.tryout.reviewing(user.state):
            user.tap("Next")
        else:
            user.tap(right_label(user, dialogue))
    outcome = user.send("me gustó")
    assert outcome.state.tryout[-1] == 0, "the Spanish label of 'I enjoyed it'"
    assert "Noted. Now the billing side" in outcome.replies[0].text


@pytest.mark.parametrize(
    ("typed", "language", "expected"),
    [("can I try it?", "en", "6 short tasks"), ("quiero probar", "en", "6 tareas cortas")],
)
def test_asking_to_try_opens_the_tryout(
    dialogue: Dialogue, typed: str, language: str, expected: str
) -> None:
    user = DialogueUser(dialogue, person=Person(language_code=language))
    outcome = dialogue.text(user.state, user.person, typed)
    assert expected in outcome.replies[0].text
