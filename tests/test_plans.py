"""The 30/60/90-day plans as content: they agree with the roadmap, and no step is repeated
or contradicted within one plan."""

from __future__ import annotations

import itertools
import re

import pytest

from flows.dialogue import Dialogue
from flows.plans import Plan
from flows.replies import plain_text
from flows.schema import TRACKS

# Actions a plan takes once. A step belongs to a family when it matches the pattern; two
# steps of one family in one plan say the same thing twice.
ACTION_FAMILIES = {
    "choose training": (
        r"\b(choose|pick|shortlist|elige|haz una lista corta)\b"
        r".*\b(program|programa|option|opciones|school|escuela)"
    ),
    "enrol": r"\b(enrol|inscr[ií]bete)",
    "join a body": r"\b(join|hazte miembro)\b.*\b(AAPC|AHIMA)",
    "exam": r"\b(book|register|prepare|reserva|inscr[ií]bete al|prep[áa]rate)\b.*\b(exam|examen)",
    "terminology": r"\b(terminology|terminolog[ií]a)\b",
    "job ads": r"\b(job ads|anuncios de empleo)\b",
    "linkedin profile": r"\bLinkedIn profile|perfil de LinkedIn\b",
}
# Not in the first 90 days: the roadmap puts the exam in months 7–9 and the job hunt after.
TOO_EARLY = (
    r"\b(book (your|the) exam|register for the exam|apply for"
    r"|solicita (puestos|empleo)|reserva (tu|el) examen)\b"
)

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "for",
        "in",
        "on",
        "at",
        "with",
        "your",
        "you",
        "it",
        "its",
        "as",
        "by",
        "from",
        "that",
        "this",
        "is",
        "are",
        "be",
        "into",
        "each",
        "one",
        "more",
        "most",
        "near",
        "such",
        "than",
        "then",
        "what",
        "which",
        "who",
        "how",
        "their",
        "them",
        "they",
    ]
)


def content_words(text: str) -> set[str]:
    words = re.findall(r"[a-záéíóúñü0-9-]+", plain_text(text).lower())
    return {w.rstrip("s") for w in words if w not in STOPWORDS and len(w) > 2}


def near_duplicates(plan: Plan) -> list[tuple[str, str, str]]:
    """Pairs of steps in one plan that repeat an action or most of each other's words."""
    found = []
    steps = [step.text for step in plan.steps()]
    for first, second in itertools.combinations(steps, 2):
        for family, pattern in ACTION_FAMILIES.items():
            if re.search(pattern, first, re.I) and re.search(pattern, second, re.I):
                found.append((family, first, second))
        a, b = content_words(first), content_words(second)
        if a and b and len(a & b) / min(len(a), len(b)) >= 0.5:
            found.append(("same words", first, second))
    return found


def every_plan(dialogue: Dialogue):
    for language in dialogue.content.languages:
        for persona in dialogue.plans.persona_ids:
            for track in TRACKS:
                yield dialogue.plans.compose(language, persona, track)


def test_no_plan_repeats_or_contradicts_a_step(dialogue: Dialogue) -> None:
    for plan in every_plan(dialogue):
        assert not near_duplicates(plan), (plan.persona, plan.track, near_duplicates(plan))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Prepare for your certification exam.", "Book your exam and drill timed practice exams."),
        (
            "Choose an accelerated online program that prepares you for the CBCS.",
            "Pick a combined billing-and-coding program: most teach both sides.",
        ),
        (
            "Start with medical terminology, anatomy and physiology.",
            "Start with medical terminology and anatomy, the base for both sides.",
        ),
    ],
)
def test_the_duplicate_check_finds_what_plans_used_to_repeat(
    dialogue: Dialogue, first: str, second: str
) -> None:
    plan = dialogue.plans.compose("en", "changer", "both")
    phase = plan.phases[0]
    doubled = type(phase)(
        phase.phase,
        phase.title,
        (type(phase.steps[0])("x1", first), type(phase.steps[0])("x2", second)),
    )
    assert near_duplicates(type(plan)(**{**plan.__dict__, "phases": (doubled,)}))


def test_the_first_90_days_follow_the_roadmap(dialogue: Dialogue) -> None:
    """Choosing and starting training, the foundation, joining a body, the job-market
    groundwork; not booking the exam or applying for jobs."""
    for plan in every_plan(dialogue):
        text = " ".join(step.text for step in plan.steps())
        assert not re.search(TOO_EARLY, text, re.I), (plan.persona, plan.track)
        for family in ("choose training", "enrol", "join a body", "terminology", "job ads"):
            assert re.search(ACTION_FAMILIES[family], text, re.I), (
                plan.persona,
                plan.track,
                family,
            )
        assert re.search(r"months 7–9|meses 7–9", text), "the exam's place on the roadmap"


@pytest.mark.parametrize(
    ("persona", "specific"),
    [
        ("veteran", "GI Bill"),
        ("parent", "family study schedule"),
        ("remote", "HIPAA-safe home office"),
        ("changer", "transferable skills"),
        ("graduate", "career services"),
    ],
)
def test_persona_specifics_stay(dialogue: Dialogue, persona: str, specific: str) -> None:
    for track in TRACKS:
        plan = dialogue.plans.compose("en", persona, track)
        assert any(specific in step.text for step in plan.steps()), track


def test_spanish_persona_names_are_titles_not_sentences(dialogue: Dialogue) -> None:
    for persona in dialogue.plans.persona_ids:
        label = dialogue.plans.compose("es", persona, "coding").persona_label
        assert not re.match(r"(Soy|Quiero|Me |Serví)", label), label
    assert dialogue.plans.compose("es", "parent", "coding").persona_label == (
        "Madre o padre que vuelve a trabajar"
    )
