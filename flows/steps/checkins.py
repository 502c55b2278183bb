"""Check-ins on day 30, 60 and 90: turning them on and off, /reminders, /timezone, and the
check-in message itself. The caller stores and sends them (bot/reminders.py)."""

from __future__ import annotations

from datetime import date

from flows.callbacks import Act, Tap, encode
from flows.checkins import CHECKIN_DAYS, ZONES, CheckinChange, plan_key, zone_of
from flows.home.steps import HomeSteps
from flows.plans import Plan
from flows.replies import Button, Outcome
from flows.state import ChatState, Checkins
from flows.stats import CHECKINS_ON, Tally
from flows.steps.base import Turn


def _on(change: CheckinChange | None) -> tuple[Tally, ...]:
    """/stats counts check-ins turned on, not a double tap that keeps them as they were."""
    return ((CHECKINS_ON, ""),) if change is not None else ()


class CheckinSteps(HomeSteps):
    def _schedule(
        self, state: ChatState, language: str, plan: Plan
    ) -> tuple[ChatState, Checkins, CheckinChange | None]:
        """Check-ins on day 30, 60 and 90 of this plan, counted from today (replacing any
        check-ins of another plan). A double tap, or yes twice on one day, keeps what is
        scheduled."""
        key, zone = plan_key(plan.persona, plan.track), zone_of(state.timezone)
        today = self.calendar.today(zone).isoformat()
        current = state.checkins
        if current is not None and (current.plan, current.start) == (key, today):
            return state, current, None
        due = self.calendar.due_times(date.fromisoformat(today), zone)
        checkins = Checkins(plan=key, start=today, due=due)
        change = CheckinChange(
            due=tuple(zip(CHECKIN_DAYS.values(), due, strict=True)), plan=key, language=language
        )
        return state.advanced(checkins=checkins), checkins, change

    def _on_remind(self, turn: Turn, tap: Tap) -> Outcome:
        """Yes, from /reminders: the offer turns into what is now scheduled."""
        state, language = turn.state, turn.language
        plan = self._plan(language, *tap.args)
        if plan is None:
            return self._out_of_date(turn)
        moved, checkins, change = self._schedule(state, language, plan)
        zone = zone_of(state.timezone)
        home = Button(self.content.words(language).messages.buttons.home, encode(Act.HOME, "here"))
        active = self.followup.reminders_active(language, plan, checkins, zone, home)
        return self._say(state, active, new_state=moved, checkins=change, tallies=_on(change))

    def _on_remind_here(self, turn: Turn, tap: Tap) -> Outcome:
        """Yes, from the page of the user's plan: the page turns into what is now
        scheduled, with a way back to the same page."""
        found = self._page_tap(turn, tap)
        if found is None:
            return self._out_of_date(turn)
        plan, index = found
        state, language = turn.state, turn.language
        moved, checkins, change = self._schedule(state, language, plan)
        label = self.content.words(language).messages.buttons.my_plan
        back = Button(label, encode(Act.PLAN_PAGE, plan.persona, plan.track, index))
        zone = zone_of(state.timezone)
        active = self.followup.reminders_active(language, plan, checkins, zone, back)
        return self._say(state, active, new_state=moved, checkins=change, tallies=_on(change))

    def _on_no_remind(self, turn: Turn, tap: Tap) -> Outcome:
        """No, thanks: says truthfully what stays scheduled, if anything."""
        state, language = turn.state, turn.language
        checkins = state.checkins
        scheduled = None
        if checkins is not None and max(checkins.due) > self.calendar.now():
            scheduled = self._plan_named(language, checkins.plan)
        reply = self.followup.reminders_declined(
            language, checkins if scheduled else None, scheduled, zone_of(state.timezone)
        )
        return self._say(state, reply)

    def _cmd_reminders(self, turn: Turn, payload: str) -> Outcome:
        return self._say(turn.state, self._reminders(turn))

    def _on_my_checkins(self, turn: Turn, tap: Tap) -> Outcome:
        return self._say(turn.state, self._reminders(turn))

    def _reminders(self, turn: Turn):
        state, language = turn.state, turn.language
        checkins = state.checkins
        scheduled = self._plan_named(language, checkins.plan) if checkins else None
        mine = self._my_plan(state, language)
        return self.followup.reminders(language, checkins, scheduled, mine, zone_of(state.timezone))

    def _on_stop_reminders(self, turn: Turn, tap: Tap) -> Outcome:
        state = turn.state
        stopped = self.followup.reminders_stopped(turn.language)
        if state.checkins is None:
            return self._say(state, stopped)
        return self._say(
            state, stopped, new_state=state.advanced(checkins=None), checkins=CheckinChange()
        )

    def _cmd_timezone(self, turn: Turn, payload: str) -> Outcome:
        zone = zone_of(turn.state.timezone)
        return self._say(turn.state, self.followup.timezone_menu(turn.language, zone))

    def _on_timezone(self, turn: Turn, tap: Tap) -> Outcome:
        """Another time zone; check-ins still to come move to 10:00 there."""
        state, language = turn.state, turn.language
        zone = tap.args[0]
        if zone not in ZONES:
            return self._out_of_date(turn)
        moved = state if zone_of(state.timezone) == zone else state.advanced(timezone=zone)
        checkins = state.checkins
        if checkins is None or max(checkins.due) <= self.calendar.now():
            reply = self.followup.timezone_set(language, zone, None)
            return self._say(state, reply, new_state=moved)
        due = self.calendar.moved(date.fromisoformat(checkins.start), checkins.due, zone)
        change = None
        if due != checkins.due:
            moved = moved.model_copy(update={"checkins": checkins.model_copy(update={"due": due})})
            pairs = zip(CHECKIN_DAYS.values(), due, checkins.due, strict=True)
            change = CheckinChange(
                due=tuple((day, new) for day, new, old in pairs if new != old), move_only=True
            )
        reply = self.followup.timezone_set(language, zone, due)
        return self._say(state, reply, new_state=moved, checkins=change)

    def checkin(self, state: ChatState, plan_name: str, day: int, language: str) -> Outcome:
        """The check-in for `day` of a plan, as the bot sends it on its own. In the language
        the user chose with /language, else the one they had when they asked for check-ins.
        Nothing to send when the plan no longer exists in the content."""
        if state.language in self.content.languages:
            language = state.language
        phase = next((p for p, d in CHECKIN_DAYS.items() if d == day), None)
        plan = self._plan_named(language, plan_name)
        if plan is None or phase is None:
            return Outcome(state=state)
        ticks = state.ticks.get(plan_name, 0)
        return Outcome(state=state, replies=(self.followup.checkin(language, plan, phase, ticks),))
