"""The user's own things on screen: the home screen, a plan one phase at a time (with its
ticks when it is theirs), and the confirmation before a result is thrown away."""

from __future__ import annotations

import html
from typing import Literal

from flows.callbacks import Act, encode
from flows.followup import FollowUpViews, plan_label
from flows.home.progress import plan_progress
from flows.plans import Plan
from flows.replies import Button, Keyboard, Reply, rows
from flows.result.screens import ShareButton
from flows.schema import Content
from flows.state import Checkins
from flows.tryout.screens import try_job_button

# What the plan page says about check-ins: offer them, offer to move them from another
# plan, or say they are on.
Reminder = Literal["offer", "move", "on"]
TICKS_PER_ROW = 4


class HomeScreens:
    def __init__(self, content: Content, followup: FollowUpViews, share: ShareButton) -> None:
        self.content = content
        self.followup = followup
        self.share = share

    # ---- a plan, one phase at a time -----------------------------------------------------

    def plan_page(
        self,
        language: str,
        plan: Plan,
        index: int,
        ticks: int,
        *,
        mine: Plan | None,
        reminder: Reminder | None = None,
        checkins_plan: Plan | None = None,
        replace: bool,
    ) -> Reply:
        """Phase `index` of a plan. The user's own plan shows ticks with a numbered button
        per step and the check-in offer; any other plan is browsed, with the offer to make
        it theirs."""
        messages = self.content.words(language).messages
        words, buttons, progress = messages.plan, messages.buttons, messages.progress
        own = mine is not None and (mine.persona, mine.track) == (plan.persona, plan.track)
        phases = plan_progress(plan, ticks if own else 0)
        index = min(max(index, 0), len(phases) - 1)
        phase = phases[index]
        title = words.title if own else words.browse_title
        head = [
            title.format(persona=plan.persona_label, track=plan.track_name),
            words.target.format(target=plan.target),
        ]
        if index == 0:
            head.append(words.horizon)
        if own:
            heading = words.phase_progress.format(
                phase=phase.phase.title, done=phase.done, total=phase.total
            )
            lines = [
                (progress.step_done if phase.ticked(i) else progress.step_open).format(
                    number=i + 1, text=step.text
                )
                for i, step in zip(phase.indexes, phase.phase.steps, strict=True)
            ]
        else:
            heading = words.phase.format(phase=phase.phase.title)
            lines = [f"• {step.text}" for step in phase.phase.steps]
        notes = []
        if own:
            notes.append(words.tick_hint)
            if reminder == "on":
                notes.append(words.checkins_on)
            elif reminder == "move" and checkins_plan is not None:
                notes.append(words.checkins_elsewhere.format(plan=plan_label(checkins_plan)))
        elif mine is not None:
            notes.append(words.browse_note.format(plan=plan_label(mine)))
        text = "\n\n".join(["\n".join(head), "\n".join([heading, *lines]), "\n".join(notes)])

        persona, track = plan.persona, plan.track
        keyboard: list[tuple[Button, ...]] = []
        if own:
            ticks_buttons = [
                Button(
                    f"{'✅' if phase.ticked(i) else '⬜'} {i + 1}",
                    encode(Act.TICK, persona, track, i, 0 if phase.ticked(i) else 1),
                )
                for i in phase.indexes
            ]
            keyboard += rows(ticks_buttons, TICKS_PER_ROW)
        paging = []
        if index > 0:
            label = buttons.previous_phase.format(phase=phases[index - 1].phase.title)
            paging.append(Button(label, encode(Act.PLAN_PAGE, persona, track, index - 1)))
        if index < len(phases) - 1:
            label = buttons.next_phase.format(phase=phases[index + 1].phase.title)
            paging.append(Button(label, encode(Act.PLAN_PAGE, persona, track, index + 1)))
        if paging:
            keyboard.append(tuple(paging))
        if own and reminder in ("offer", "move"):
            label = buttons.remind_plan_here if reminder == "offer" else buttons.move_checkins
            keyboard.append((Button(label, encode(Act.REMIND_HERE, persona, track, index)),))
        if not own:
            keyboard.append(
                (Button(buttons.make_mine, encode(Act.MAKE_MINE, persona, track, index)),)
            )
        links = [
            Button(messages.links[key], url=self.content.facts.links[key]) for key in plan.links
        ]
        keyboard += rows(links, 3)
        keyboard.append(
            (
                Button(buttons.export, encode(Act.EXPORT, persona, track)),
                Button(buttons.other_plans, encode(Act.PERSONAS, track)),
            )
        )
        # Share shares the bot, never this plan, so it sits beside Home on every page.
        share = self.share(language)
        home = Button(buttons.home, encode(Act.HOME, "here"))
        keyboard.append((home, share) if share is not None else (home,))
        return Reply(text, tuple(keyboard), replace=replace)

    # ---- home --------------------------------------------------------------------------------

    def home(
        self,
        language: str,
        name: str,
        headline: str | None,
        plan: Plan | None,
        ticks: int,
        checkins: Checkins | None,
        zone: str,
        version: int,
        *,
        replace: bool,
    ) -> Reply:
        """Someone coming back: their result in one line, their plan with its progress,
        their check-ins, and a button to each."""
        messages = self.content.words(language).messages
        words, buttons = messages.home, messages.buttons
        parts = [words.title.format(name=html.escape(name)), headline or words.no_result]
        if plan is None:
            parts.append(words.no_plan)
        else:
            phase_lines = [
                words.phase_line.format(phase=p.phase.title, done=p.done, total=p.total)
                for p in plan_progress(plan, ticks)
            ]
            parts.append("\n".join([words.plan.format(plan=plan_label(plan)), *phase_lines]))
        parts.append(self._checkins_line(language, checkins, zone))
        parts.append(words.footer)

        first = []
        if headline is not None:
            first.append(Button(buttons.my_result, encode(Act.MY_RESULT)))
        first.append(
            Button(buttons.my_plan, encode(Act.MY_PLAN))
            if plan is not None
            else Button(buttons.make_plan, encode(Act.PLAN_MENU))
        )
        quiz = (
            Button(buttons.retake_quiz, encode(Act.START_OVER, version))
            if headline is not None
            else Button(buttons.start_quiz, encode(Act.START))
        )
        keyboard: Keyboard = (
            tuple(first),
            (Button(buttons.my_checkins, encode(Act.MY_CHECKINS)),),
            (
                Button(buttons.learn_more, encode(Act.GUIDE_MENU, "new")),
                Button(buttons.compare_credentials, encode(Act.CREDENTIALS, "new")),
            ),
            (try_job_button(self.content.words(language).tryout),),
            (quiz,),
        )
        return Reply("\n\n".join(parts), keyboard, replace=replace)

    def _checkins_line(self, language: str, checkins: Checkins | None, zone: str) -> str:
        words = self.content.words(language).messages.home
        if checkins is None:
            return words.no_checkins
        now = self.followup.calendar.now()
        upcoming = [when for when in checkins.due if when > now]
        if not upcoming:
            return words.checkins_sent
        moment = self.followup.calendar.local(upcoming[0], zone)
        return words.next_checkin.format(
            date=self.followup.day(language, moment.date()),
            time=self.followup.time(language, moment),
            zone=self.followup.zone(language, zone),
        )

    # ---- retaking the quiz -------------------------------------------------------------------

    def retake_confirm(self, language: str, headline: str, version: int, *, replace: bool) -> Reply:
        messages = self.content.words(language).messages
        buttons = messages.buttons
        keyboard = (
            (Button(buttons.retake_yes, encode(Act.RETAKE, version)),),
            (Button(buttons.retake_no, encode(Act.HOME, "here")),),
        )
        return Reply(messages.retake.confirm.format(headline=headline), keyboard, replace=replace)
