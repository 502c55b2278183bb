"""The result screen: the lean in words, why (and why not the other path), what pulls
against it, the figures that matter for this person, and the way on to a plan."""

from __future__ import annotations

from collections.abc import Callable

from flows.callbacks import Act, encode
from flows.guide import GuideBook
from flows.replies import Button, Keyboard, Reply
from flows.result.reading import Reading
from flows.schema import Content, Track
from flows.tryout.screens import feeling_reasons, try_job_button

# The bot's Share button in a language, or None where the bot's address is unknown
# (flows.views.Views.share_button).
ShareButton = Callable[[str], Button | None]

MAX_REASONS = 3


class ResultScreens:
    def __init__(self, content: Content, guide: GuideBook, share: ShareButton) -> None:
        self.content = content
        self.guide = guide
        self.share = share

    def _share_row(self, language: str) -> Keyboard:
        """The Share button on a row of its own, the last: the text stays as it is."""
        share = self.share(language)
        return ((share,),) if share is not None else ()

    def headline(self, language: str, reading: Reading) -> str:
        """The result in one line (also the home screen's first line)."""
        words = self.content.words(language).messages.result
        track = reading.verdict.track
        if reading.neither:
            return words.neither
        if track == "both":
            return words.balanced
        return words.lean[reading.strength].format(  # type: ignore[index]
            emoji=words.emoji[track], track=words.lean_track[track]
        )

    def result(
        self, language: str, reading: Reading, version: int, personas: Keyboard, *, replace: bool
    ) -> Reply:
        words = self.content.words(language)
        result = words.messages.result
        track = reading.verdict.track
        # Once the tryout moved the split, it is no longer the answers' alone.
        split_words = words.tryout.split if reading.verdict.feelings else result.split
        split = split_words.format(coding=reading.coding_share, billing=reading.billing_share)
        # "Neither pulls you" next to "roughly 70% coding" would contradict itself.
        headline = self.headline(language, reading)
        parts = [headline if reading.neither else f"{headline}\n{split}"]
        felt = [f"• {line}" for line in feeling_reasons(words.tryout, reading.verdict)]
        if reading.neither:
            if reading.neither_tried:
                parts.append(words.tryout.neither)
            else:
                parts += [result.neither_text, *(["\n".join(felt)] if felt else [])]
            parts += [result.neither_advice, result.neither_prompt]
            keyboard = self._neither_keyboard(language, version, reading.neither_tried)
            return Reply("\n\n".join(parts), keyboard, replace)
        # Each answer pulling against the result, and each half of the tryout that moved it,
        # takes a reason's place: it says more about this person, and the screen stays
        # phone-sized. How the tryout felt comes first: it is what they did, not what they
        # guessed.
        lines = max(1, MAX_REASONS - len(reading.tensions))
        shown = reading.reasons[: max(0 if felt else 1, lines - len(felt))]
        reasons = felt + [
            f"• {words.quiz.questions[question].options[option].reason}"
            for question, option in shown
        ]
        why = [result.why_title, *reasons] if reasons else []
        # What pulls against the result, or how the tryout felt, says more about this person
        # than what the job is.
        summary = [] if reading.tensions or felt else [result.summary[track]]
        parts += [
            *summary,
            "\n".join([*why, result.why_not[track]]),
            *(words.quiz.tensions[tension] for tension in reading.tensions),
            self.figures(language, reading),
            result.persona_prompt,
        ]
        buttons = words.messages.buttons
        keyboard = (
            *personas,
            (
                Button(buttons.compare_credentials, encode(Act.CREDENTIALS, "new")),
                Button(buttons.learn_more, encode(Act.GUIDE_MENU, "new")),
            ),
            (try_job_button(words.tryout),),
            (Button(buttons.retake_quiz, encode(Act.START_OVER, version)),),
            *self._share_row(language),
        )
        return Reply("\n\n".join(parts), keyboard, replace=replace)

    def figures(self, language: str, reading: Reading) -> str:
        result = self.content.words(language).messages.result
        track: Track = reading.verdict.track
        lines = [result.figures_title, result.figures[track]]
        if reading.remote_figure and track != "billing":
            lines.append(result.remote_figure)
        return "\n".join(lines)

    def _neither_keyboard(self, language: str, version: int, tried: bool) -> Keyboard:
        """Neither path pulls: the day-in-the-life pages, the people in the field, a taste of
        the work (unless that is what turned them away), a plan anyway, or the quiz again."""
        messages = self.content.words(language).messages
        buttons = messages.buttons
        days = [
            Button(
                label, encode(Act.GUIDE_PAGE, "roles", self.guide.page_of(language, "roles", page))
            )
            for label, page in (
                (buttons.coder_day, "coder_day"),
                (buttons.biller_day, "biller_day"),
            )
        ]
        return (
            tuple(days),
            (Button(messages.links["aapc"], url=self.content.facts.links["aapc"]),),
            *(() if tried else ((try_job_button(self.content.words(language).tryout),),)),
            (Button(buttons.plan_anyway, encode(Act.PLAN_MENU)),),
            (Button(buttons.retake_quiz, encode(Act.START_OVER, version)),),
            *self._share_row(language),
        )
