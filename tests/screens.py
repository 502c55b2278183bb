"""Every screen the dialogue can draw, for checks that must hold on all of them."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from flows.ask.sections import content_sections
from flows.ask.understand import Understanding
from flows.checkins import DEFAULT_ZONE, plan_key
from flows.dialogue import Dialogue
from flows.plans import Plan
from flows.replies import Reply
from flows.schema import TRACKS
from flows.scoring import Verdict
from flows.state import ChatState, Checkins

TELEGRAM_TEXT_LIMIT = 4096


def visible_length(text: str) -> int:
    """Length as Telegram counts it: after HTML parsing, in UTF-16 code units."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    return len(plain.encode("utf-16-le")) // 2


def all_screens(dialogue: Dialogue) -> Iterator[tuple[str, Reply]]:
    views = dialogue.views
    content = dialogue.content
    for language in content.languages:
        yield f"{language}/welcome", views.welcome(language, "Ana", None, 0)
        yield f"{language}/welcome-resume", views.welcome(language, "Ana", 3, 7)
        state = ChatState(step="q1")
        for number in range(1, dialogue.quiz.total + 1):
            state = ChatState(version=10**8, step=f"q{number}", answers=(0,) * (number - 1))
            yield f"{language}/q{number}", views.question(language, state, replace=True)
            yield (
                f"{language}/q{number}-hint",
                views.question(language, state, replace=False, hint=True),
            )
        for track in TRACKS:
            reasons = tuple((q.id, q.options[0].id) for q in content.quiz.questions[:3])
            verdict = Verdict(track, 50, 50, reasons)
            yield f"{language}/result-{track}", views.result(language, verdict, 10**8, replace=True)
            yield f"{language}/personas-{track}", views.choose_persona(language, track)
            for persona in dialogue.plans.persona_ids:
                plan = dialogue.plans.compose(language, persona, track)
                yield f"{language}/plan-{persona}-{track}", views.plan(language, plan)
                yield from _follow_up_screens(dialogue, language, plan)
        yield f"{language}/choose-track", views.choose_track(language)
        yield f"{language}/credentials", views.credentials_menu(language)
        yield f"{language}/compare", views.compare_credentials(language)
        for credential in content.credentials.credentials:
            yield f"{language}/card-{credential.id}", views.credential(language, credential.id)
        yield f"{language}/guide-menu", views.guide_menu(language)
        for topic in content.guide.topics:
            pages = dialogue.guide.topic(language, topic.id)
            for index in range(len(pages.pages)):
                yield (
                    f"{language}/guide-{topic.id}-{index + 1}",
                    views.guide_page(language, pages, index, replace=True),
                )
        yield f"{language}/help", views.help(language)
        yield f"{language}/forget", views.forget_confirm(language)
        for erased in (True, False):
            yield f"{language}/forget-{erased}", views.forget_answer(language, erased=erased)
        yield f"{language}/language-menu", views.language_menu(language)
        yield f"{language}/timezone-menu", dialogue.followup.timezone_menu(language, DEFAULT_ZONE)
        yield f"{language}/timezone-set", dialogue.followup.timezone_set(language, "central", None)
        yield f"{language}/language-switched", views.language_switched(language, None)
        for track in TRACKS:  # the confirmation above the longest screens it can sit on
            reasons = tuple((q.id, q.options[0].id) for q in content.quiz.questions)
            result = views.result(language, Verdict(track, 50, 50, reasons), 10**8, replace=True)
            yield (
                f"{language}/language-switched-result-{track}",
                views.language_switched(language, result),
            )
        for note in ("text", "unknown_command", "media", "error", "stale_button"):
            yield f"{language}/note-{note}", views.note(language, note)
        yield from _ask_screens(dialogue, language)


def _ask_screens(dialogue: Dialogue, language: str) -> Iterator[tuple[str, Reply]]:
    """Typed questions: every section answered from each of its chunks, and the rest."""
    asks = dialogue.asks
    sections = content_sections(dialogue.content, language)
    for section in sections:
        for chunk in range(len(section.chunks)):
            answer = Understanding("answer", language, section, chunk, tuple(sections[:2]))
            yield f"{language}/ask-{section.id}-{chunk}", asks.answer(language, answer)
    yield f"{language}/ask-did-you-mean", asks.did_you_mean(language, tuple(sections[:3]))
    yield f"{language}/ask-off-topic", asks.off_topic(language)
    yield f"{language}/ask-safety", asks.safety(language)
    yield f"{language}/ask-thanks", asks.thanks(language)


def _follow_up_screens(
    dialogue: Dialogue, language: str, plan: Plan
) -> Iterator[tuple[str, Reply]]:
    """A plan's checklist (nothing and everything ticked), check-ins and their offers."""
    followup, name = dialogue.followup, f"{language}/{plan_key(plan.persona, plan.track)}"
    everything = (1 << len(plan.steps())) - 1
    for ticks in (0, everything):
        yield f"{name}-checklist-{ticks}", followup.checklist(language, plan, ticks, replace=True)
    for phase in plan.phases:
        yield f"{name}-checkin-{phase.phase}", followup.checkin(language, plan, phase.phase, 0)
    yield f"{name}-offer", followup.remind_prompt(language, plan, DEFAULT_ZONE, plan)
    checkins = Checkins(plan=plan_key(plan.persona, plan.track), start="2026-03-03", due=(1, 2, 3))
    yield f"{name}-active", followup.reminders_active(language, plan, checkins, DEFAULT_ZONE)
    listing = followup.reminders(language, checkins, plan, plan, DEFAULT_ZONE)
    yield f"{name}-reminders", listing
    yield f"{name}-no-reminders", followup.reminders(language, None, None, plan, DEFAULT_ZONE)
