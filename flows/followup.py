"""The screens that keep a plan working after day 1: the check-in prompt and messages,
/reminders, /timezone and the /progress checklist."""

from __future__ import annotations

from datetime import date, datetime

from flows.callbacks import Act, encode
from flows.checkins import CHECKIN_DAYS, CHECKIN_HOUR, ZONES, CheckinCalendar
from flows.plans import Plan
from flows.replies import Button, Reply, plain_text, rows
from flows.schema import Content, Phase
from flows.state import Checkins

# A full-width button shows about this many characters on a phone.
CHECKLIST_LABEL_MAX = 40


def plan_label(plan: Plan) -> str:
    return f"{plan.persona_label} · {plan.track_name}"


def is_ticked(ticks: int, index: int) -> bool:
    return bool(ticks >> index & 1)


class FollowUpViews:
    def __init__(self, content: Content, calendar: CheckinCalendar) -> None:
        self.content = content
        self.calendar = calendar

    # ---- dates and times, in the user's language and time zone -----------------------------

    def day(self, language: str, day: date) -> str:
        dates = self.content.words(language).messages.dates
        return dates.day.format(
            weekday=dates.weekdays[day.weekday()],
            day=day.day,
            month=dates.months[day.month - 1],
            year=day.year,
        )

    def time(self, language: str, moment: datetime) -> str:
        dates = self.content.words(language).messages.dates
        return dates.time.format(hour=moment.hour, minute=f"{moment.minute:02d}")

    def zone(self, language: str, zone: str) -> str:
        return self.content.words(language).messages.timezone.zones[zone]

    def _checkin_time(self, language: str) -> str:
        return self.time(language, datetime(2000, 1, 1, CHECKIN_HOUR))

    def due_lines(self, language: str, due: tuple[int, ...], zone: str) -> str:
        """One line per check-in: its date and time, or that it has been sent."""
        words = self.content.words(language).messages.checkins
        now = self.calendar.now()
        lines = []
        for day, when in zip(CHECKIN_DAYS.values(), due, strict=True):
            local = self.calendar.local(when, zone)
            date_text = self.day(language, local.date())
            if when <= now:
                lines.append(words.sent_line.format(day=day, date=date_text))
            else:
                time_text = self.time(language, local)
                lines.append(words.due_line.format(day=day, date=date_text, time=time_text))
        return "\n".join(lines)

    # ---- check-ins -------------------------------------------------------------------------

    def remind_prompt(self, language: str, plan: Plan, zone: str, other_plan: Plan | None) -> Reply:
        """Under a plan: shall I check in on day 30, 60 and 90 (of this plan, instead of
        another one's)?"""
        messages = self.content.words(language).messages
        words, buttons = messages.checkins, messages.buttons
        fill = {"time": self._checkin_time(language), "zone": self.zone(language, zone)}
        if other_plan is None:
            text = words.prompt.format(**fill)
        else:
            text = words.prompt_other_plan.format(plan=plan_label(other_plan), **fill)
        keyboard = (
            (
                Button(buttons.remind_yes, encode(Act.REMIND, plan.persona, plan.track)),
                Button(buttons.remind_no, encode(Act.NO_REMIND)),
            ),
        )
        return Reply(text, keyboard)

    def reminders_active(self, language: str, plan: Plan, checkins: Checkins, zone: str) -> Reply:
        words = self.content.words(language).messages.checkins
        text = words.active.format(
            plan=plan_label(plan),
            dates=self.due_lines(language, checkins.due, zone),
            zone=self.zone(language, zone),
        )
        return Reply(text, self._stop_button(language), replace=True)

    def reminders_declined(self, language: str) -> Reply:
        return Reply(self.content.words(language).messages.checkins.declined, replace=True)

    def reminders(
        self,
        language: str,
        checkins: Checkins | None,
        scheduled_plan: Plan | None,
        current_plan: Plan | None,
        zone: str,
        *,
        replace: bool = False,
    ) -> Reply:
        """/reminders: what is scheduled and a way to stop it, or an offer to start."""
        messages = self.content.words(language).messages
        words = messages.checkins
        if checkins is not None and scheduled_plan is not None:
            text = words.listing.format(
                plan=plan_label(scheduled_plan),
                start=self.day(language, date.fromisoformat(checkins.start)),
                dates=self.due_lines(language, checkins.due, zone),
                zone=self.zone(language, zone),
            )
            if max(checkins.due) <= self.calendar.now():
                return Reply(f"{text}\n\n{words.all_sent}", self._plan_button(language), replace)
            return Reply(text, self._stop_button(language), replace=replace)
        if current_plan is None:
            return Reply(f"{words.none}\n{words.no_plan}", self._plan_button(language), replace)
        offer = words.offer.format(plan=plan_label(current_plan))
        button = Button(
            messages.buttons.remind_plan,
            encode(Act.REMIND, current_plan.persona, current_plan.track),
        )
        return Reply(f"{words.none}\n{offer}", ((button,),), replace=replace)

    def reminders_stopped(self, language: str) -> Reply:
        return Reply(self.content.words(language).messages.checkins.stopped, replace=True)

    def _plan_button(self, language: str) -> tuple[tuple[Button, ...], ...]:
        """A way on from a screen that has nothing to offer: the plan menu."""
        label = self.content.words(language).messages.buttons.make_plan
        return ((Button(label, encode(Act.PLAN_MENU)),),)

    def _stop_button(self, language: str) -> tuple[tuple[Button, ...], ...]:
        label = self.content.words(language).messages.buttons.stop_reminders
        return ((Button(label, encode(Act.STOP_REMINDERS)),),)

    def checkin(self, language: str, plan: Plan, phase: Phase, ticks: int) -> Reply:
        """The check-in that closes a phase: what it was about, its steps not yet ticked,
        the next phase's steps (or what comes after day 90) and one link."""
        messages = self.content.words(language).messages
        words = messages.checkins
        closing = next(p for p in plan.phases if p.phase == phase)
        offset = _offset(plan, phase)
        open_steps = [
            f"• {step.text}"
            for index, step in enumerate(closing.steps, start=offset)
            if not is_ticked(ticks, index)
        ]
        parts = [
            words.message.title.format(day=CHECKIN_DAYS[phase], plan=plan_label(plan)),
            words.message.about.format(phase=closing.title, about=words.about[phase]),
            "\n".join([words.message.still_open, *open_steps])
            if open_steps
            else words.message.all_done,
        ]
        later = [p for p in plan.phases if _offset(plan, p.phase) > offset]
        if later:
            following = later[0]
            parts.append(
                "\n".join(
                    [
                        words.message.next.format(phase=following.title),
                        *(f"• {step.text}" for step in following.steps),
                    ]
                )
            )
        else:
            parts.append(words.message.after.format(after=words.after_plan))
        parts.append(words.message.footer)
        link = self.content.plans.tracks[plan.track].checkin_links[phase]
        keyboard = (
            (Button(messages.links[link], url=self.content.facts.links[link]),),
            (Button(messages.buttons.checklist, encode(Act.CHECKLIST, plan.persona, plan.track)),),
        )
        return Reply("\n\n".join(parts), keyboard)

    # ---- /timezone ---------------------------------------------------------------------------

    def timezone_menu(self, language: str, current: str) -> Reply:
        words = self.content.words(language).messages.timezone
        buttons = [
            Button(
                f"✓ {words.zones[zone]}" if zone == current else words.zones[zone],
                encode(Act.TIMEZONE, zone),
            )
            for zone in ZONES
        ]
        return Reply(words.menu.format(time=self._checkin_time(language)), rows(buttons, 1))

    def timezone_set(self, language: str, zone: str, moved: tuple[int, ...] | None) -> Reply:
        words = self.content.words(language).messages.timezone
        text = words.set.format(zone=self.zone(language, zone))
        if moved is not None:
            text += "\n\n" + words.moved.format(dates=self.due_lines(language, moved, zone))
        return Reply(text, replace=True)

    # ---- /progress -------------------------------------------------------------------------

    def checklist(self, language: str, plan: Plan, ticks: int, *, replace: bool) -> Reply:
        """The plan with a button per step that ticks or unticks it, and progress per phase."""
        messages = self.content.words(language).messages
        words = messages.progress
        sections = [words.title.format(plan=plan_label(plan))]
        keyboard = []
        for phase in plan.phases:
            offset = _offset(plan, phase.phase)
            indexes = range(offset, offset + len(phase.steps))
            done = sum(is_ticked(ticks, i) for i in indexes)
            lines = [words.phase.format(phase=phase.title, done=done, total=len(phase.steps))]
            for index, step in zip(indexes, phase.steps, strict=True):
                ticked = is_ticked(ticks, index)
                line = words.step_done if ticked else words.step_open
                lines.append(line.format(number=index + 1, text=step.text))
                label = line.format(number=index + 1, text=plain_text(step.text))
                data = encode(Act.TICK, plan.persona, plan.track, index, 0 if ticked else 1)
                keyboard.append((Button(_shortened(label), data),))
            sections.append("\n".join(lines))
        sections.append(words.footer)
        export = Button(messages.buttons.export, encode(Act.EXPORT, plan.persona, plan.track))
        keyboard.append((export,))
        return Reply("\n\n".join(sections), tuple(keyboard), replace=replace)

    def no_plan(self, language: str, menu: Reply) -> Reply:
        """/progress before any plan: say so above the plan menu."""
        text = self.content.words(language).messages.progress.no_plan
        return Reply(f"{text}\n\n{menu.text}", menu.keyboard)


def _offset(plan: Plan, phase: Phase) -> int:
    """The index of the phase's first step among all the plan's steps."""
    offset = 0
    for candidate in plan.phases:
        if candidate.phase == phase:
            return offset
        offset += len(candidate.steps)
    raise KeyError(phase)


def _shortened(label: str) -> str:
    if len(label) <= CHECKLIST_LABEL_MAX:
        return label
    return label[: CHECKLIST_LABEL_MAX - 1].rstrip() + "…"
