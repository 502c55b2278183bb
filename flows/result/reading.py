"""What a verdict means for the person who answered: how strong the lean is in words, the
answers that pull against it, which figures speak to them, and whether neither path pulls.

Scoring (flows.scoring) decides the track; this module only describes it, so a new input to
the score changes nothing here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from flows.schema import Quiz
from flows.scoring import Verdict

Strength = Literal["strong", "clear", "slight", "balanced", "neither"]


@dataclass(frozen=True)
class Reading:
    verdict: Verdict
    strength: Strength
    # The split rounded to tens and kept within 10–90: ten questions cannot say more.
    coding_share: int
    tensions: tuple[str, ...]  # tension ids (content/quiz.yaml), in content order
    remote_figure: bool  # whether the remote-work figure speaks to this person
    # The verdict's reasons, less the answers a tension already speaks of.
    reasons: tuple[tuple[str, str], ...] = ()
    # Neither, because both halves of the tryout were "not for me" (whatever the answers).
    neither_tried: bool = False

    @property
    def neither(self) -> bool:
        return self.strength == "neither"

    @property
    def billing_share(self) -> int:
        return 100 - self.coding_share


def answer_refs(quiz: Quiz, answers: Sequence[int]) -> set[str]:
    """The answers given, as "question.option"."""
    return {
        f"{question.id}.{question.options[choice].id}"
        for question, choice in zip(quiz.questions, answers, strict=False)
        if 0 <= choice < len(question.options)
    }


def read(quiz: Quiz, answers: Sequence[int], verdict: Verdict) -> Reading:
    rules = quiz.result
    given = answer_refs(quiz, answers)
    share = min(90, max(10, (verdict.coding_percent + 5) // 10 * 10))
    # The answers turn away from both paths, unless a half of the tryout felt right: doing
    # the work outweighs guessing at it. Both halves "not for me" is neither on its own.
    neither_tried = verdict.turned_from >= {"coding", "billing"}
    turned_away = neither_tried or (
        bool(rules.turns_away)
        and not verdict.drawn_to
        and all(given & set(refs) for refs in rules.turns_away.values())
    )
    strength: Strength
    if turned_away:
        strength = "neither"
    elif verdict.track == "both":
        strength = "balanced"
    else:
        gap = abs(verdict.coding_percent - verdict.billing_percent)
        if gap >= rules.strong_gap_at_least:
            strength = "strong"
        elif gap >= rules.clear_gap_at_least:
            strength = "clear"
        else:
            strength = "slight"
    tensions = (
        ()
        if turned_away
        else tuple(
            tension
            for tension in rules.tensions
            if verdict.track in tension.tracks and tension.answer in given
        )[: rules.max_tensions]
    )
    spoken = {tension.answer for tension in tensions}
    reasons = tuple(r for r in verdict.reasons if f"{r[0]}.{r[1]}" not in spoken)
    remote_figure = not given & set(rules.remote_figure_unless)
    ids = tuple(tension.id for tension in tensions)
    return Reading(verdict, strength, share, ids, remote_figure, reasons, neither_tried)
