"""Turns quiz answers (and how the tryout felt) into a track, a split and the answers that
weighed most."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flows.schema import Quiz, QuizOption, Track
from flows.tryout.model import FeelingPull, Side

MAX_REASONS = 3


@dataclass(frozen=True)
class Verdict:
    track: Track
    coding_percent: int
    billing_percent: int
    # (question id, option id) of the answers that weighed most, strongest first.
    reasons: tuple[tuple[str, str], ...]
    # (side, feeling id) of each tryout side that moved the result, in the order taken.
    feelings: tuple[tuple[Side, str], ...] = ()
    # The tryout's sides that felt right (pulled toward their own track) and those that
    # were "not for me" (pulled away from it).
    drawn_to: frozenset[Side] = frozenset()
    turned_from: frozenset[Side] = frozenset()


def _pull(option: QuizOption) -> int:
    """Positive leans toward coding, negative toward billing."""
    return option.coding - option.billing


def score(quiz: Quiz, answers: Sequence[int], feelings: Sequence[FeelingPull] = ()) -> Verdict:
    """Deterministic: the same answers always give the same verdict. feelings: how each side
    of the tryout felt, as points toward each track (flows.tryout.model.TryoutPlan.pulls)."""
    picked = [
        (order, question.id, question.options[choice])
        for order, (question, choice) in enumerate(zip(quiz.questions, answers, strict=False))
    ]
    coding = sum(option.coding for _, _, option in picked) + sum(f.coding for f in feelings)
    billing = sum(option.billing for _, _, option in picked) + sum(f.billing for f in feelings)
    coding_percent = round(100 * coding / (coding + billing)) if coding + billing else 50
    billing_percent = 100 - coding_percent
    gap_allowed = quiz.both_when_gap_at_most + sum(option.both for _, _, option in picked)

    track: Track
    if abs(coding_percent - billing_percent) <= gap_allowed:
        track = "both"
    else:
        track = "coding" if coding_percent > billing_percent else "billing"
    moved_by = tuple((f.side, f.feeling) for f in feelings if f.coding or f.billing)
    drawn_to = frozenset(f.side for f in feelings if f.own > 0)
    turned_from = frozenset(f.side for f in feelings if f.other > 0)
    return Verdict(
        track,
        coding_percent,
        billing_percent,
        _reasons(track, picked),
        moved_by,
        drawn_to,
        turned_from,
    )


Picked = list[tuple[int, str, QuizOption]]  # (question order, question id, chosen option)


def _reasons(track: Track, picked: Picked) -> tuple[tuple[str, str], ...]:
    def ids(entries: Picked) -> list[tuple[str, str]]:
        return [(question_id, option.id) for _, question_id, option in entries]

    if track == "coding":
        leaning = sorted((p for p in picked if _pull(p[2]) > 0), key=lambda p: (-_pull(p[2]), p[0]))
        return tuple(ids(leaning)[:MAX_REASONS])
    if track == "billing":
        leaning = sorted((p for p in picked if _pull(p[2]) < 0), key=lambda p: (_pull(p[2]), p[0]))
        return tuple(ids(leaning)[:MAX_REASONS])

    # Both: what pulled toward the combined role, then the strongest pull each way,
    # then answers that sat in the middle.
    toward_both = sorted((p for p in picked if p[2].both > 0), key=lambda p: (-p[2].both, p[0]))
    to_coding = sorted((p for p in picked if _pull(p[2]) > 0), key=lambda p: (-_pull(p[2]), p[0]))
    to_billing = sorted((p for p in picked if _pull(p[2]) < 0), key=lambda p: (_pull(p[2]), p[0]))
    balanced = [p for p in picked if _pull(p[2]) == 0 and p[2].coding > 0 and p[2].both == 0]
    ordered = toward_both + to_coding[:1] + to_billing[:1] + balanced
    return tuple(ids(ordered)[:MAX_REASONS])
