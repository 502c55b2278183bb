"""A plan as files to keep: a Markdown document and an .ics calendar (RFC 5545, written by
the icalendar library) with day 30, 60 and 90 as all-day events."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from flows.checkins import CHECKIN_DAYS, plan_key
from flows.followup import FollowUpViews, is_ticked, plan_label
from flows.plans import Plan
from flows.replies import Attachment, markdown_text, plain_text

PRODUCT_ID = "-//CareerPath bot//30-60-90-day plan//EN"


class PlanExport:
    def __init__(self, views: FollowUpViews) -> None:
        self.views = views
        self.content = views.content

    def files(
        self, language: str, plan: Plan, ticks: int, start: date, now: datetime
    ) -> tuple[Attachment, Attachment]:
        """The document and the calendar, named after the persona and track, e.g.
        careerpath-plan-veteran-coding.md and .ics."""
        words = self.content.words(language).messages.export
        name = f"careerpath-plan-{plan_key(plan.persona, plan.track)}"
        document = Attachment(
            "document",
            f"{name}.md",
            self.markdown(language, plan, ticks, start, now.date()).encode(),
            words.document_caption.format(plan=plan_label(plan)),
        )
        ics = self.calendar(language, plan, start, now)
        calendar = Attachment("document", f"{name}.ics", ics, words.calendar_caption)
        return document, calendar

    def markdown(self, language: str, plan: Plan, ticks: int, start: date, today: date) -> str:
        messages = self.content.words(language).messages
        words = messages.export
        lines = [
            f"# {words.title}",
            "",
            f"**{plan_label(plan)}**",
            "",
            markdown_text(messages.plan.target.format(target=plan.target)),
            "",
            words.start.format(date=self.views.day(language, start)),
        ]
        index = 0
        for phase in plan.phases:
            until = self.views.day(language, start + timedelta(days=CHECKIN_DAYS[phase.phase]))
            lines += ["", f"## {words.phase.format(phase=phase.title, date=until)}", ""]
            for step in phase.steps:
                box = "x" if is_ticked(ticks, index) else " "
                lines.append(f"- [{box}] {markdown_text(step.text)}")
                index += 1
        lines += ["", f"## {words.links}", ""]
        lines += [
            f"- [{messages.links[key]}]({self.content.facts.links[key]})" for key in plan.links
        ]
        lines += ["", "---", "", words.footer.format(date=self.views.day(language, today)), ""]
        return "\n".join(lines)

    def calendar(self, language: str, plan: Plan, start: date, now: datetime) -> bytes:
        # Imported on the first export: a few MB the serving process needs only then.
        from icalendar import Calendar, Event

        words = self.content.words(language).messages.export
        calendar = Calendar()
        calendar.add("prodid", PRODUCT_ID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        for phase in plan.phases:
            day = CHECKIN_DAYS[phase.phase]
            event = Event()
            # The same plan and start give the same UIDs, so importing a newer export
            # updates the events instead of doubling them.
            seed = f"careerpath:{plan_key(plan.persona, plan.track)}:{start}:{day}"
            event.add("uid", str(uuid.uuid5(uuid.NAMESPACE_URL, seed)))
            event.add("dtstamp", now)
            event.add("dtstart", start + timedelta(days=day))  # a date: an all-day event
            event.add("dtend", start + timedelta(days=day + 1))
            event.add("summary", words.event_summary.format(day=day, plan=plan_label(plan)))
            steps = "\n".join(f"- {plain_text(step.text)}" for step in phase.steps)
            event.add("description", words.event_description.format(phase=phase.title, steps=steps))
            event.add("transp", "TRANSPARENT")  # a milestone, not a busy day
            calendar.add_component(event)
        return calendar.to_ical()
