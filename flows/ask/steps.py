"""Typed text: a quiz answer, an emergency, a request, or a question answered from the
guide and the credential cards, in the language it was written in. The chat's language
stays as the user set it. Only which section answered is counted, never the words."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from flows.ask.screens import AskViews
from flows.ask.sections import intent_id
from flows.ask.taps import typed_option
from flows.ask.understand import Reader, Understanding
from flows.callbacks import Act, Tap
from flows.quiz import RESULT
from flows.replies import Outcome, Reply
from flows.state import ChatState
from flows.steps.base import Turn
from flows.steps.checkins import CheckinSteps
from flows.steps.privacy import PrivacySteps
from flows.steps.progress import ProgressSteps
from flows.steps.welcome import WelcomeSteps
from flows.tryout.model import Task

METRIC = "ask"
QUIZ_ANSWER = "quiz_answer"  # the tally of a typed quiz answer
TRYOUT_ANSWER = "tryout_answer"  # the tally of a typed tryout answer or feeling
# During the quiz (or the tryout) these get the hint and the question (or task) again, so it
# carries on.
KEEP_QUIZ_GOING = {intent_id(name) for name in ("quiz", "try", "greeting", "thanks", "help")}


class AskSteps(WelcomeSteps, ProgressSteps, CheckinSteps, PrivacySteps):
    """Built on the steps of every command, since a typed request leads to them."""

    reader: Reader
    asks: AskViews

    def _typed(self, turn: Turn, typed: str) -> Outcome:
        """Safety first; in the quiz, an answer's label counts as its tap; then the reply
        in the question's own language, the quiz's question (if any) in the chat's."""
        state = turn.state
        understanding = self.reader.read(typed, turn.language)
        in_quiz = self.quiz.in_quiz(state)
        if in_quiz and understanding.kind != "safety":
            option = self._typed_option(state, typed)
            if option is not None:
                tap = Tap(Act.ANSWER, (str(state.version), str(option)))
                return self._tallied(self._on_answer(turn, tap), QUIZ_ANSWER)
        in_tryout = not in_quiz and self.tryout.running(state)
        if in_tryout and understanding.kind != "safety":
            tap = self._typed_tryout_tap(state, typed)
            if tap is not None:
                step = self._on_try_answer if tap.act == Act.TRY_ANSWER else self._on_try_feel
                return self._tallied(step(turn, tap), TRYOUT_ANSWER)
        here = Turn(state, turn.person, understanding.language, turn.message_id)
        outcome = None
        if in_quiz or in_tryout:
            outcome = self._keep_going(turn, here, understanding)
        outcome = outcome or self._outside_quiz(here, understanding)
        return self._tallied(outcome, understanding.label)

    def _typed_option(self, state: ChatState, typed: str) -> int | None:
        """The answer to the current question that a typed reply picks, in any language."""
        question = self.content.quiz.questions[len(state.answers)]
        languages = self.content.languages.values()
        labels = [
            [words.quiz.questions[question.id].options[o.id].label for words in languages]
            for o in question.options
        ]
        return typed_option(typed, labels)

    def _typed_tryout_tap(self, state: ChatState, typed: str) -> Tap | None:
        """The tap a typed reply stands for in the tryout: an option of the task asked (its
        label, in any language) or a feeling; None while a task's feedback is shown."""
        step = self.tryout.current_step(state)
        if step is None:
            return None
        languages = list(self.content.languages)
        if step.task is not None:
            task = self.tryout.tasks[step.task]
            labels = [
                [self.tryout_screens.option_label(lang, task, index) for lang in languages]
                for index in range(len(task.options))
            ]
            act = Act.TRY_ANSWER
            # Options that differ only in their code ("E11.40" or "E10.40"): the code typed
            # alone picks its option.
            coded = self._typed_code(task, typed)
            if coded is not None:
                return Tap(act, (str(state.version), str(self.tryout.position(state)), str(coded)))
        else:
            labels = [
                [self.content.words(lang).tryout.feelings[feeling.id] for lang in languages]
                for feeling in self.content.tryout.feelings
            ]
            act = Act.TRY_FEEL
        option = typed_option(typed, labels)
        if option is None:
            return None
        return Tap(act, (str(state.version), str(self.tryout.position(state)), str(option)))

    def _typed_code(self, task: Task, typed: str) -> int | None:
        """The option whose code (and only that option's) the typed text names; None for a
        question ("what is E11.40?"), which gets an answer and the task again."""
        if "?" in typed or "¿" in typed:
            return None
        facts = self.content.facts.facts
        named = [
            index
            for index, option in enumerate(task.options)
            if option.code is not None
            and re.search(
                rf"(?<![\w.]){re.escape(facts[option.code].worded('en'))}(?![\w.])",
                typed,
                re.IGNORECASE,
            )
        ]
        return named[0] if len(named) == 1 else None

    def _keep_going(self, turn: Turn, here: Turn, understanding: Understanding) -> Outcome | None:
        """In the quiz or the tryout: a short reply and the current question or task again
        (in the chat's language), or None for a request that leaves it (my plan, delete my
        data...)."""
        kind, section = understanding.kind, understanding.section
        question = self._where_typed(turn, hint=False)
        if kind == "safety":
            return self._say(turn.state, self.asks.safety(here.language), question)
        if kind == "answer":
            brief = self.asks.answer(here.language, understanding, brief=True)
            return self._say(turn.state, brief, question)
        if kind == "suggest":
            return self._say(
                turn.state, self.asks.did_you_mean(here.language, understanding.others), question
            )
        if kind == "off_topic" or (section is not None and section.id in KEEP_QUIZ_GOING):
            return self._say(turn.state, self._where_typed(turn, hint=True))
        return None

    def _where_typed(self, turn: Turn, *, hint: bool) -> Reply:
        """The quiz's question, or else the tryout's task, drawn again below the reply."""
        state, language = turn.state, turn.language
        if self.quiz.in_quiz(state):
            return self.views.question(language, state, replace=False, hint=hint)
        note = self.content.words(language).messages.quiz.text_hint if hint else ""
        return self.tryout_screens.current(language, state, replace=False, note=note)

    def _outside_quiz(self, turn: Turn, understanding: Understanding) -> Outcome:
        language, state = turn.language, turn.state
        match understanding.kind:
            case "safety":
                return self._say(state, self.asks.safety(language))
            case "answer":
                return self._say(state, self.asks.answer(language, understanding))
            case "suggest":
                return self._say(state, self.asks.did_you_mean(language, understanding.others))
            case "intent":
                assert understanding.section is not None
                return self._intent(understanding.section.id)(turn)
        return self._say(state, self.asks.off_topic(language))

    def _intent(self, section_id: str) -> Callable[[Turn], Outcome]:
        """The step an intent maps to: the same as its command."""
        steps: dict[str, Callable[[Turn], Outcome]] = {
            "quiz": lambda turn: self._begin_or_resume(turn, replace=False),
            "try": lambda turn: self._cmd_try(turn, ""),
            "result": self._my_result,
            "plan": lambda turn: self._cmd_plan(turn, ""),
            "checklist": lambda turn: self._cmd_progress(turn, ""),
            "reminders": lambda turn: self._cmd_reminders(turn, ""),
            "language": lambda turn: self._cmd_language(turn, ""),
            "forget": lambda turn: self._cmd_forget(turn, ""),
            "help": lambda turn: self._cmd_help(turn, ""),
            "greeting": lambda turn: self._cmd_start(turn, ""),
            "thanks": lambda turn: self._say(turn.state, self.asks.thanks(turn.language)),
        }
        return steps[section_id.removeprefix(intent_id(""))]

    def _my_result(self, turn: Turn) -> Outcome:
        """The result again, if the quiz is done; else the quiz, started or carried on."""
        state = turn.state
        if state.step != RESULT:
            return self._begin_or_resume(turn, replace=False)
        return self._say(state, self._result(state, turn.language, replace=False))

    @staticmethod
    def _tallied(outcome: Outcome, label: str) -> Outcome:
        """The typed text's tally, after those of the step it led to (a quiz started, a
        plan picked...), which /stats counts as if the button had been tapped."""
        return replace(outcome, tallies=(*outcome.tallies, (METRIC, label)))
