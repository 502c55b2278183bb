"""Typed text: a quiz answer, an emergency, a request, or a question answered from the
guide and the credential cards, in the language it was written in. The chat's language
stays as the user set it. Only which section answered is counted, never the words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from flows.ask.screens import AskViews
from flows.ask.sections import intent_id
from flows.ask.taps import typed_option
from flows.ask.understand import Reader, Understanding
from flows.callbacks import Act, Tap
from flows.quiz import RESULT
from flows.replies import Outcome
from flows.state import ChatState
from flows.steps.base import Turn
from flows.steps.checkins import CheckinSteps
from flows.steps.privacy import PrivacySteps
from flows.steps.progress import ProgressSteps
from flows.steps.welcome import WelcomeSteps

METRIC = "ask"
QUIZ_ANSWER = "quiz_answer"  # the tally of a typed quiz answer
# During the quiz these get the hint and the question again, so the quiz carries on.
KEEP_QUIZ_GOING = {intent_id(name) for name in ("quiz", "greeting", "thanks", "help")}


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
        here = Turn(state, turn.person, understanding.language, turn.message_id)
        outcome = self._in_quiz(turn, here, understanding) if in_quiz else None
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

    def _in_quiz(self, turn: Turn, here: Turn, understanding: Understanding) -> Outcome | None:
        """A short reply and the current question again (in the chat's language), or None
        for a request that leaves the quiz (my plan, delete my data...)."""
        kind, section = understanding.kind, understanding.section
        question = self.views.question(turn.language, turn.state, replace=False)
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
            hinted = self.views.question(turn.language, turn.state, replace=False, hint=True)
            return self._say(turn.state, hinted)
        return None

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
