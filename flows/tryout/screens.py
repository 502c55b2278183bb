"""What the tryout looks like: the intro, each task, its feedback, the feeling prompt and
the closing screen, rendered from content into transport-neutral replies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flows.callbacks import Act, encode
from flows.quiz import RESULT
from flows.replies import Button, Keyboard, Reply
from flows.result.reading import Reading, read
from flows.schema import Content
from flows.scoring import Verdict, score
from flows.state import ChatState
from flows.tryout.model import Side, Task, TryoutPlan, TryoutWords

if TYPE_CHECKING:  # flows.result.screens draws the Why lines with feeling_reasons below
    from flows.result.screens import ResultScreens


class TryoutScreens:
    def __init__(self, content: Content, plan: TryoutPlan, results: ResultScreens) -> None:
        self.content = content
        self.plan = plan
        self.results = results  # the result's one-line headline, for what changed
        self.total = len(plan.tasks)

    def _words(self, language: str) -> TryoutWords:
        return self.content.words(language).tryout

    # ---- the way in --------------------------------------------------------------------------

    def intro(self, language: str, state: ChatState) -> Reply:
        """What /try shows before the tryout starts or after it ends: what this is, and a
        button to start or go again."""
        words = self._words(language)
        text = words.intro.format(total=self.total)
        buttons = words.buttons
        if self.plan.finished(state):
            keyboard: Keyboard = (
                (Button(buttons.again, encode(Act.TRY_AGAIN, state.version)),),
                (self._result_button(language, state),),
            )
            return Reply(f"{text}\n\n{words.done_before}", keyboard)
        return Reply(text, ((Button(buttons.start, encode(Act.TRY_START, "here")),),))

    def current(self, language: str, state: ChatState, *, replace: bool, note: str = "") -> Reply:
        """Where the chat is in the tryout now (the first task if it has not started)."""
        reviewed = self.plan.reviewed_task(state)
        if reviewed is not None:
            return self.feedback(language, state, reviewed, replace=replace)
        step = self.plan.current_step(state)
        if step is None:
            return self.closing(language, state, replace=replace)
        if step.task is None:
            return self.feeling(language, state, step.side, replace=replace, note=note)
        return self.task(language, state, step.task, replace=replace, note=note)

    # ---- tasks and feedback ------------------------------------------------------------------

    def option_label(self, language: str, task: Task, index: int) -> str:
        option = task.options[index]
        label = self._words(language).tasks[task.id].options[option.id]
        code = self.content.facts.facts[option.code].worded(language) if option.code else ""
        amount = task.bill.amount(option.amount) if task.bill and option.amount else 0
        return label.format(code=code, amount=f"{amount:,}")

    def _bill_values(self, task: Task) -> dict[str, str]:
        if task.bill is None:
            return {}
        bill = task.bill
        deductible = bill.amount("deductible")
        rest = bill.allowed - deductible
        values = {
            "allowed": bill.allowed,
            "deductible": deductible,
            "coinsurance": bill.coinsurance_percent,
            "rest": rest,
            "coinsurance_amount": bill.coinsurance(rest),
            "owes": bill.amount("patient_share"),
            "coinsurance_on_allowed": bill.amount("coinsurance_on_allowed"),
            "plan_share": bill.amount("plan_share"),
        }
        return {key: f"{value:,}" for key, value in values.items()}

    def _header(self, language: str, task_index: int) -> str:
        words = self._words(language)
        task = self.plan.tasks[task_index]
        return words.progress.format(
            number=self.plan.task_number(task_index),
            total=self.total,
            side=words.sides[task.side],
        )

    def task(
        self, language: str, state: ChatState, task_index: int, *, replace: bool, note: str = ""
    ) -> Reply:
        words = self._words(language)
        task = self.plan.tasks[task_index]
        scenario = words.tasks[task.id].scenario.format(**self._bill_values(task))
        parts = [p for p in (note, self._header(language, task_index), scenario) if p]
        step = self.plan.position(state)
        keyboard = tuple(
            (
                Button(
                    self.option_label(language, task, index),
                    encode(Act.TRY_ANSWER, state.version, step, index),
                ),
            )
            for index in range(len(task.options))
        )
        return Reply("\n\n".join(parts), keyboard, replace=replace)

    def feedback(self, language: str, state: ChatState, task_index: int, *, replace: bool) -> Reply:
        words = self._words(language)
        task = self.plan.tasks[task_index]
        picked = state.tryout[-1]
        right = task.right_option
        verdict = (
            words.right
            if picked == right
            else words.wrong.format(answer=self.option_label(language, task, right))
        )
        explanation = words.tasks[task.id].explanation.format(**self._bill_values(task))
        text = "\n\n".join([self._header(language, task_index), verdict, explanation])
        keyboard = ((Button(words.buttons.next, encode(Act.TRY_NEXT, state.version)),),)
        return Reply(text, keyboard, replace=replace)

    # ---- feelings and the end --------------------------------------------------------------

    def feeling(
        self, language: str, state: ChatState, side: Side, *, replace: bool, note: str = ""
    ) -> Reply:
        words = self._words(language)
        step = self.plan.position(state)
        keyboard = tuple(
            (Button(words.feelings[f.id], encode(Act.TRY_FEEL, state.version, step, index)),)
            for index, f in enumerate(self.content.tryout.feelings)
        )
        text = "\n\n".join(p for p in (note, words.feeling_prompt[side]) if p)
        return Reply(text, keyboard, replace=replace)

    def closing(self, language: str, state: ChatState, *, replace: bool) -> Reply:
        """How many were right, what changed in the result (before and after the feelings,
        when the quiz is done), and where these skills are learned."""
        words = self._words(language)
        before = after = None
        if state.step == RESULT:
            quiz, answers = self.content.quiz, state.answers
            before = read(quiz, answers, score(quiz, answers))
            after = read(quiz, answers, score(quiz, answers, self.plan.pulls(state)))
        right, totals = self.plan.right_answers(state), self.plan.task_totals()
        right_line = words.closing.score.format(
            right=sum(right.values()),
            total=self.total,
            coding=right["coding"],
            coding_total=totals["coding"],
            billing=right["billing"],
            billing_total=totals["billing"],
        )
        parts = [words.closing.title, right_line, self._change(language, before, after)]
        parts.append(words.closing.learn)
        buttons = words.buttons
        keyboard = (
            (self._result_button(language, state),),
            (Button(buttons.learn, encode(Act.GUIDE_PAGE, self.content.tryout.learn, 0)),),
            (Button(buttons.again, encode(Act.TRY_AGAIN, state.version)),),
        )
        return Reply("\n\n".join(parts), keyboard, replace=replace)

    def _result_button(self, language: str, state: ChatState) -> Button:
        """See the result the tryout moved, or take the quiz that gives one."""
        buttons = self._words(language).buttons
        if state.step == RESULT:
            return Button(buttons.see_result, encode(Act.MY_RESULT))
        return Button(buttons.take_quiz, encode(Act.START))

    def _change(self, language: str, before: Reading | None, after: Reading | None) -> str:
        """What the feelings did to the result, in the words of its headline."""
        closing = self._words(language).closing
        if before is None or after is None:
            return closing.no_quiz
        values = {
            "before": self.results.headline(language, before),
            "after": self.results.headline(language, after),
            "before_coding": before.coding_share,
            "after_coding": after.coding_share,
        }
        if values["before"] != values["after"]:
            return closing.changed.format(**values)
        if before.coding_share != after.coding_share:
            return closing.moved.format(**values)
        return closing.same.format(**values)


def feeling_reasons(words: TryoutWords, verdict: Verdict) -> list[str]:
    """For the result's Why: one line per tryout side that moved the result ("You enjoyed
    the coding tasks.")."""
    return [
        words.reasons[side][feeling]
        for side, feeling in verdict.feelings
        if feeling in words.reasons[side]
    ]


def try_job_button(words: TryoutWords) -> Button:
    """The way into the tryout (/try) from another screen, in a new message, so that screen
    stays in the chat."""
    return Button(words.buttons.try_job, encode(Act.TRY_START, "new"))
