"""The screens that keep a plan working after day 1: the check-in prompt and messages,
/reminders, /timezone and the /progress checklist."""

from __future__ import annotations

from datetime import date, datetime

from flows.callbacks import Act, encode
from flows.checkins import CHECKIN_DAYS, CHECKIN_HOUR, ZONES, CheckinCalendar
from flows.plans import Plan
from flows.replies import Button, Reply, rows
from flows.schema import Content, Phase
from flows.state import Checkins


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

    def reminders_active(
        self, language: str, plan: Plan, checkins: Checkins, zone: str, back: Button
    ) -> Reply:
        """In place of the offer: what is now scheduled, a way to stop it and one back."""
        words = self.content.words(language).messages.checkins
        text = words.active.format(
            plan=plan_label(plan),
            dates=self.due_lines(language, checkins.due, zone),
            zone=self.zone(language, zone),
        )
        return Reply(text, (*self._stop_button(language), (back,)), replace=True)

    def reminders_declined(
        self, language: str, checkins: Checkins | None, scheduled: Plan | None, zone: str
    ) -> Reply:
        """No, thanks: and, truthfully, what stays scheduled (another plan's check-ins)."""
        words = self.content.words(language).messages.checkins
        if checkins is not None and scheduled is not None:
            dates = self.due_lines(language, checkins.due, zone)
            kept = words.declined_kept.format(plan=plan_label(scheduled), dates=dates)
        else:
            kept = words.declined_none
        return Reply(f"{words.declined}\n{kept}", self._home_row(language), replace=True)

    def _home_row(self, language: str) -> tuple[tuple[Button, ...], ...]:
        label = self.content.words(language).messages.buttons.home
        return ((Button(label, encode(Act.HOME, "here")),),)

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
                return Reply(f"{text}\n\n{words.all_sent}", self._home_row(language), replace)
            keyboard = (*self._stop_button(language), *self._home_row(language))
            return Reply(text, keyboard, replace=replace)
        if current_plan is None:
            plan_menu = ((Button(messages.buttons.make_plan, encode(Act.PLAN_MENU)),),)
            return Reply(f"{words.none}\n{words.no_plan}", plan_menu, replace=replace)
        offer = words.offer.format(plan=plan_label(current_plan))
        answers = (
            Button(
                messages.buttons.remind_plan,
                encode(Act.REMIND, current_plan.persona, current_plan.track),
            ),
            Button(messages.buttons.remind_no, encode(Act.NO_REMIND)),
        )
        return Reply(f"{words.none}\n{offer}", (answers,), replace=replace)

    def reminders_stopped(self, language: str) -> Reply:
        stopped = self.content.words(language).messages.checkins.stopped
        return Reply(stopped, self._home_row(language), replace=True)

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
            # The next phase's steps are on the plan the button opens; listing them here
            # too would not fit a phone screen.
            parts.append(
                words.message.next.format(phase=following.title, count=len(following.steps))
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
        # Zone names also sit inside sentences, lower-case in Spanish; a button starts with
        # a capital.
        names = {zone: words.zones[zone][:1].upper() + words.zones[zone][1:] for zone in ZONES}
        buttons = [
            Button(
                f"✓ {names[zone]}" if zone == current else names[zone], encode(Act.TIMEZONE, zone)
            )
            for zone in ZONES
        ]
        return Reply(words.menu.format(time=self._checkin_time(language)), rows(buttons, 1))

    def timezone_set(self, language: str, zone: str, moved: tuple[int, ...] | None) -> Reply:
        words = self.content.words(language).messages.timezone
        text = words.set.format(zone=self.zone(language, zone))
        if moved is not None:
            text += "\n\n" + words.moved.format(dates=self.due_lines(language, moved, zone))
        buttons = self.content.words(language).messages.buttons
        keyboard = (
            (
                Button(buttons.my_checkins, encode(Act.MY_CHECKINS)),
                Button(buttons.home, encode(Act.HOME, "new")),
            ),
        )
        return Reply(text, keyboard, replace=True)

    # ---- /progress -------------------------------------------------------------------------

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
