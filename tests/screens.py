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
from flows.replies import Button, Reply
from flows.schema import TRACKS
from flows.state import ChatState, Checkins, Person

TELEGRAM_TEXT_LIMIT = 4096
# What fits a phone screen, in visible characters (Spanish runs about 15% longer).
PHONE_LIMIT = {"en": 1000, "es": 1150}

# Answers (option index per question) whose results between them show every kind of result:
# each lean, the combined role, neither, and the longest ones (three reasons, two tensions).
RESULT_ANSWERS: dict[str, tuple[int, ...]] = {
    "coding-strong": (0, 0, 2, 0, 2, 2, 0, 2, 0, 1),
    "coding-tensions": (0, 0, 2, 2, 2, 2, 0, 0, 0, 1),
    "billing-strong": (1, 2, 0, 2, 0, 0, 1, 0, 2, 1),
    "billing-tensions": (2, 2, 1, 0, 0, 1, 1, 0, 0, 1),
    "both": (2, 1, 1, 1, 1, 1, 2, 1, 1, 0),
    "both-long": (2, 1, 1, 1, 0, 2, 0, 0, 1, 0),
    "neither": (0, 2, 1, 0, 1, 2, 0, 0, 0, 1),
    "longest-en": (2, 1, 1, 1, 1, 1, 0, 0, 1, 0),
    "longest-es": (2, 1, 2, 2, 2, 2, 0, 0, 1, 1),
}


def tryout_feelings(dialogue: Dialogue) -> dict[str, tuple[int, ...]]:
    """A finished tryout (ChatState.tryout) for every pair of feelings, by their ids
    ("enjoyed-not_for_me": coding, then billing); every task answered with its first option."""
    feelings = dialogue.content.tryout.feelings
    done = {}
    for coding, coding_feeling in enumerate(feelings):
        for billing, billing_feeling in enumerate(feelings):
            picks = iter((coding, billing))
            tryout = tuple(0 if step.is_task else next(picks) for step in dialogue.tryout.steps)
            done[f"{coding_feeling.id}-{billing_feeling.id}"] = tryout
    return done


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
        for name, answers in RESULT_ANSWERS.items():
            state = ChatState(version=10**8, step="result", answers=answers)
            yield f"{language}/result-{name}", dialogue._result(state, language, replace=True)
            # The same result once the tryout's feelings count in it, every pair of them.
            for felt, tryout in tryout_feelings(dialogue).items():
                tried = state.model_copy(update={"tryout": tryout, "tryout_phase": 1})
                yield (
                    f"{language}/result-{name}-tried-{felt}",
                    dialogue._result(tried, language, replace=True),
                )
        for track in TRACKS:
            yield f"{language}/personas-{track}", views.choose_persona(language, track)
            for persona in dialogue.plans.persona_ids:
                plan = dialogue.plans.compose(language, persona, track)
                yield from _plan_pages(dialogue, language, plan)
                yield from _follow_up_screens(dialogue, language, plan)
        yield f"{language}/choose-track", views.choose_track(language)
        yield (
            f"{language}/home-new",
            dialogue.home_screens.home(
                language, "Ana", None, None, 0, None, DEFAULT_ZONE, 1, replace=False
            ),
        )
        for name, answers in RESULT_ANSWERS.items():
            state = ChatState(version=3, step="result", answers=answers)
            yield (
                f"{language}/retake-{name}",
                dialogue.home_screens.retake_confirm(
                    language, dialogue._headline(state, language), 3, replace=True
                ),
            )
        yield (
            f"{language}/reminders-none",
            dialogue.followup.reminders(language, None, None, None, DEFAULT_ZONE),
        )
        yield (
            f"{language}/declined-none",
            dialogue.followup.reminders_declined(language, None, None, DEFAULT_ZONE),
        )
        yield (
            f"{language}/progress-no-plan",
            dialogue.followup.no_plan(language, views.choose_track(language)),
        )
        yield f"{language}/credentials", views.credentials_menu(language)
        yield f"{language}/compare", views.compare_credentials(language)
        for credential in content.credentials.credentials:
            for page in range(len(views.credential_pages(language, credential.id))):
                yield (
                    f"{language}/card-{credential.id}-{page + 1}",
                    views.credential(language, credential.id, page),
                )
        yield f"{language}/guide-menu", views.guide_menu(language)
        for topic in content.guide.topics:
            pages = dialogue.guide.topic(language, topic.id)
            for index in range(len(pages.pages)):
                yield (
                    f"{language}/guide-{topic.id}-{index + 1}",
                    views.guide_page(language, pages, index, replace=True, offer_quiz=True),
                )
        yield f"{language}/help", views.help(language)
        yield f"{language}/forget", views.forget_confirm(language)
        for erased in (True, False):
            yield f"{language}/forget-{erased}", views.forget_answer(language, erased=erased)
        yield f"{language}/language-menu", views.language_menu(language)
        yield f"{language}/timezone-menu", dialogue.followup.timezone_menu(language, DEFAULT_ZONE)
        yield f"{language}/timezone-set", dialogue.followup.timezone_set(language, "central", None)
        yield (
            f"{language}/timezone-moved",
            dialogue.followup.timezone_set(language, "hawaii", (1, 2, 3)),
        )
        yield f"{language}/language-switched", views.language_switched(language)
        for note in ("text", "unknown_command", "media", "error", "stale_button"):
            yield f"{language}/note-{note}", views.note(language, note)
        yield from _tryout_screens(dialogue, language)


def _tryout_screens(dialogue: Dialogue, language: str) -> Iterator[tuple[str, Reply]]:
    """Every screen of /try, played through with the first button each time, then with a
    finished quiz so the closing screen says what changed."""
    from tests.chat_double import DialogueUser

    for state in (ChatState(), ChatState(step="result", answers=(0,) * dialogue.quiz.total)):
        user = DialogueUser(dialogue, person=Person(language_code=language), state=state)
        yield f"{language}/try-intro", user.command("try").replies[0]
        user.tap_data(user.screen.keyboard[0][0].data)
        number = 0
        while not dialogue.tryout.finished(user.state):
            number += 1
            yield f"{language}/try-{number}", user.screen
            user.tap_data(user.screen.keyboard[0][0].data)
        yield f"{language}/try-closing-{state.step}", user.screen
        yield f"{language}/try-done", user.command("try").replies[0]
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


def _plan_pages(dialogue: Dialogue, language: str, plan: Plan) -> Iterator[tuple[str, Reply]]:
    """Every phase of a plan: as the user's own (nothing and everything ticked, each
    check-in note) and as a plan they are only looking at."""
    screens, name = dialogue.home_screens, f"{language}/plan-{plan_key(plan.persona, plan.track)}"
    everything = (1 << len(plan.steps())) - 1
    other = dialogue.plans.compose(
        language, "changer" if plan.persona != "changer" else "parent", plan.track
    )
    for index in range(len(plan.phases)):
        for ticks in (0, everything):
            for reminder in ("offer", "move", "on"):
                yield (
                    f"{name}-{index}-{ticks}-{reminder}",
                    screens.plan_page(
                        language,
                        plan,
                        index,
                        ticks,
                        mine=plan,
                        reminder=reminder,
                        checkins_plan=other,
                        replace=True,
                    ),
                )
        yield (
            f"{name}-{index}-browse",
            screens.plan_page(language, plan, index, 0, mine=other, replace=True),
        )
    state = ChatState(step="result", answers=(0,) * dialogue.quiz.total)
    headline = dialogue._headline(state, language)
    checkins = Checkins(plan=plan_key(plan.persona, plan.track), start="2026-03-03", due=(1, 2, 3))
    for shown in (None, checkins):
        yield (
            f"{name}-home-{bool(shown)}",
            screens.home(
                language, "Ana", headline, plan, everything, shown, "alaska", 7, replace=False
            ),
        )


def _follow_up_screens(
    dialogue: Dialogue, language: str, plan: Plan
) -> Iterator[tuple[str, Reply]]:
    """A plan's check-ins, what /reminders says about them, and the answers to its offers."""
    followup, name = dialogue.followup, f"{language}/{plan_key(plan.persona, plan.track)}"
    for phase in plan.phases:
        yield f"{name}-checkin-{phase.phase}", followup.checkin(language, plan, phase.phase, 0)
    checkins = Checkins(plan=plan_key(plan.persona, plan.track), start="2026-03-03", due=(1, 2, 3))
    back = Button("◀", "h:here")
    yield f"{name}-active", followup.reminders_active(language, plan, checkins, DEFAULT_ZONE, back)
    listing = followup.reminders(language, checkins, plan, plan, DEFAULT_ZONE)
    yield f"{name}-reminders", listing
    yield f"{name}-no-reminders", followup.reminders(language, None, None, plan, DEFAULT_ZONE)
    declined = followup.reminders_declined(language, checkins, plan, DEFAULT_ZONE)
    yield f"{name}-declined", declined
