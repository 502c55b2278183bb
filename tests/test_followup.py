"""After the plan: check-ins offered and scheduled, /reminders, /timezone, the /progress
checklist and the export, driven through the pure dialogue with a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from flows.checkins import CheckinCalendar, CheckinChange
from flows.dialogue import Dialogue
from flows.replies import Reply
from flows.schema import Content
from flows.state import Person
from tests.chat_double import DialogueUser

# Tuesday, March 3, 2026, 15:00 in New York: day 30 falls on April 2, after the switch to
# daylight saving time, so 10:00 local moves by an hour in UTC.
NOW = datetime(2026, 3, 3, 20, 0, tzinfo=UTC).timestamp()
EASTERN, PACIFIC = ZoneInfo("America/New_York"), ZoneInfo("America/Los_Angeles")


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def timed(content: Content, clock: Clock) -> Dialogue:
    return Dialogue(content, CheckinCalendar(clock))


def labels(reply: Reply | None) -> list[str]:
    assert reply is not None
    return [button.label for row in reply.keyboard for button in row]


def veteran_coding(dialogue: Dialogue, language_code: str = "en") -> DialogueUser:
    """A user who has just been shown the veteran's coding plan."""
    user = DialogueUser(dialogue, Person(first_name="Ana", language_code=language_code))
    user.tap_data("p:veteran:coding")
    return user


def local(timestamp: int, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(timestamp, zone)


# ---- check-ins ------------------------------------------------------------------------------


def test_the_plan_offers_check_ins_on_itself_and_yes_schedules_three_at_ten_eastern(
    timed: Dialogue,
) -> None:
    user = veteran_coding(timed)
    assert len(user.last.replies) == 1, "the offer is a button on the plan, not a message"
    plan = user.last.replies[0]
    assert "Your 30/60/90-day plan" in plan.text
    assert "Military veteran · Medical coding" in plan.text
    assert {"🔔 Remind me on days 30, 60, 90", "📤 Export plan", "⬜ 1"} <= set(labels(plan))

    yes = user.tap("Remind me on days 30, 60, 90")
    change = yes.checkins
    assert change is not None and not change.move_only
    assert change.plan == "veteran-coding" and change.language == "en"
    assert [day for day, _ in change.due] == [30, 60, 90]
    start = date(2026, 3, 3)
    for day, due in change.due:
        when = local(due, EASTERN)
        assert (when.date(), when.hour, when.minute) == (start + timedelta(days=day), 10, 0)
    assert user.state.checkins is not None and user.state.checkins.start == "2026-03-03"
    assert user.state.checkins.due == tuple(due for _, due in change.due)
    confirmation = yes.replies[0]
    assert confirmation.replace, "the plan page turns into the answer"
    assert "Day 30: Thursday, April 2, 2026 at 10:00" in confirmation.text
    assert "Day 90: Monday, June 1, 2026 at 10:00" in confirmation.text
    assert labels(confirmation) == ["🔕 Stop the check-ins", "🗺 My plan"]

    again = user.tap_data("rp:veteran:coding:0")
    assert again.checkins is None and again.state == user.state, "a double tap changes nothing"
    back = user.tap("My plan")
    assert "Check-ins on day 30, 60 and 90 are on for this plan" in back.replies[0].text
    assert "🔔 Remind me on days 30, 60, 90" not in labels(back.replies[0])
    assert len(user.state.model_dump_json()) < 2048


def test_no_thanks_says_truthfully_what_stays_scheduled(timed: Dialogue) -> None:
    user = veteran_coding(timed)
    before = user.state
    no = user.tap_data("rn")  # the offer under an older plan message, or under /reminders
    assert no.checkins is None and user.state == before
    assert "Nothing is scheduled" in no.replies[0].text and no.replies[0].replace
    assert labels(no.replies[0]) == ["🏠 Home"]

    user.tap_data("rp:veteran:coding:0")
    user.tap_data("p:remote:billing")
    no = user.tap_data("rn")
    text = no.replies[0].text
    assert "No check-ins for this plan" in text
    assert "Your check-ins for your Military veteran · Medical coding plan stay scheduled" in text
    assert "Day 30: Thursday, April 2, 2026 at 10:00" in text
    assert user.state.checkins is not None and user.state.checkins.plan == "veteran-coding"


def test_looking_at_another_plan_never_replaces_the_users_own(timed: Dialogue) -> None:
    user = veteran_coding(timed)
    user.tap("Remind me on days 30, 60, 90")
    user.tap("My plan")
    user.tap("⬜ 1")
    mine = user.state

    browsed = user.tap_data("p:remote:billing").replies[0]
    assert "Looking at a 30/60/90-day plan" in browsed.text
    assert "Remote job seeker · Medical billing" in browsed.text
    assert "your plan (Military veteran · Medical coding)" in browsed.text
    assert "📌 Make this my plan" in labels(browsed)
    assert not any(label.startswith(("⬜", "✅", "🔔")) for label in labels(browsed))
    user.tap("Days 31–60 ▶")
    assert user.state == mine, "browsing changes nothing"
    own = user.command("plan").replies[0]
    assert "Your 30/60/90-day plan" in own.text and "Military veteran" in own.text
    assert "✅ 1." in own.text
    mine_again = user.tap_data("mp").replies[0]
    assert "Military veteran · Medical coding" in mine_again.text


def test_make_this_my_plan_switches_and_offers_to_move_the_check_ins(timed: Dialogue) -> None:
    user = veteran_coding(timed)
    user.tap("Remind me on days 30, 60, 90")
    user.tap_data("p:remote:billing")
    made = user.tap("Make this my plan")
    assert made.notice == "📌 This is your plan now."
    assert (user.state.persona, user.state.plan_track) == ("remote", "billing")
    assert user.state.checkins is not None and user.state.checkins.plan == "veteran-coding"
    page = made.replies[0]
    assert "Your 30/60/90-day plan" in page.text
    assert "Your check-ins follow your Military veteran · Medical coding plan" in page.text
    moved = user.tap("Move my check-ins here")
    assert moved.checkins is not None and moved.checkins.plan == "remote-billing"
    assert user.state.checkins is not None and user.state.checkins.plan == "remote-billing"


def test_reminders_lists_them_and_stops_them(timed: Dialogue, clock: Clock) -> None:
    user = veteran_coding(timed)
    empty = user.command("reminders")
    assert "No check-ins are scheduled" in empty.replies[0].text
    assert "Military veteran · Medical coding" in empty.replies[0].text, "offered for the plan"
    turned_on = user.tap("Check in on my plan")
    assert turned_on.checkins is not None

    clock.now = datetime(2026, 4, 10, tzinfo=UTC).timestamp()  # day 30 has gone out
    listing = user.command("reminders").replies[0]
    assert "Counted from Tuesday, March 3, 2026" in listing.text
    assert "✓ Day 30: Thursday, April 2, 2026, sent" in listing.text
    assert "Day 60: Saturday, May 2, 2026 at 10:00" in listing.text
    assert "Eastern time (New York)" in listing.text
    stop = user.tap("Stop the check-ins")
    assert stop.checkins == CheckinChange(), "every stored check-in goes"
    assert user.state.checkins is None and "stopped" in stop.replies[0].text
    assert user.tap_data("rs").checkins is None, "stopping twice does nothing more"


def test_timezone_moves_the_check_ins_still_to_come(timed: Dialogue, clock: Clock) -> None:
    user = veteran_coding(timed)
    menu = user.command("timezone").replies[0]
    assert labels(menu) == [
        "Atlantic time (Puerto Rico)",
        "✓ Eastern time (New York)",
        "Central time (Chicago)",
        "Mountain time (Denver)",
        "Arizona time (Phoenix, no DST)",
        "Pacific time (Los Angeles)",
        "Alaska time (Anchorage)",
        "Hawaii time (Honolulu)",
    ]
    user.tap("Pacific time")
    assert user.state.timezone == "pacific"
    yes = user.tap_data("r:veteran:coding")
    assert yes.checkins is not None
    assert all(local(due, PACIFIC).hour == 10 for _, due in yes.checkins.due)
    first_due = yes.checkins.due[0][1]

    clock.now = first_due + 3600  # day 30 is past
    user.command("timezone")
    moved = user.tap("Eastern time")
    change = moved.checkins
    assert change is not None and change.move_only
    assert [day for day, _ in change.due] == [60, 90], "day 30 has gone out: it stays"
    assert all(local(due, EASTERN).hour == 10 for _, due in change.due)
    assert user.state.checkins is not None and user.state.checkins.due[0] == first_due
    assert "Your check-ins move to" in moved.replies[0].text
    assert labels(moved.replies[0]) == ["🔔 My check-ins", "🏠 Home"], "a way on"
    assert user.tap_data("tz:eastern").checkins is None, "same zone again: nothing moves"
    assert user.tap_data("tz:atlantis").notice is not None, "an unknown zone is out of date"


def test_a_short_day_counts_seconds_from_now(content: Content, clock: Clock) -> None:
    dialogue = Dialogue(content, CheckinCalendar(clock, day_seconds=0.1))
    user = veteran_coding(dialogue)
    yes = user.tap("Remind me on days 30, 60, 90")
    assert yes.checkins is not None
    assert [due - NOW for _, due in yes.checkins.due] == [3, 6, 9]


def test_the_check_in_shows_what_is_open_what_is_next_and_a_link(timed: Dialogue) -> None:
    user = veteran_coding(timed)
    plan = timed.plans.compose("en", "veteran", "coding")
    day30, day60, day90 = (phase.steps for phase in plan.phases)
    user.command("progress")
    user.tap("⬜ 1")
    checkin = timed.checkin(user.state, "veteran-coding", 30, "en").replies[0]
    assert checkin.text.startswith("🔔 <b>Day 30 check-in</b>\nMilitary veteran · Medical coding")
    assert "<b>Days 1–30</b> were about choosing your training" in checkin.text
    assert day30[0].text not in checkin.text, "a ticked step is not listed"
    assert all(step.text in checkin.text for step in day30[1:])
    assert f"Coming next · Days 31–60:</b> {len(day60)} more steps" in checkin.text
    urls = [b.url for row in checkin.keyboard for b in row if b.url]
    assert urls == ["https://www.aapc.com/certification/cpc/"]
    opened = user.tap("Tick off steps", checkin).replies[0]
    assert "Days 1–30</b> · 1 of 4 done" in opened.text, "the plan where the user is in it"

    last = timed.checkin(user.state, "veteran-coding", 90, "en").replies[0]
    assert all(step.text in last.text for step in day90) and "After day 90" in last.text
    assert "months 7–9" in last.text
    assert [b.url for row in last.keyboard for b in row if b.url] == [
        "https://www.bls.gov/ooh/healthcare/medical-records-and-health-information-technicians.htm"
    ]

    for number in range(2, 5):
        user.tap(f"⬜ {number}")
    done = timed.checkin(user.state, "veteran-coding", 30, "en").replies[0]
    assert "You ticked off every step of this phase" in done.text
    assert timed.checkin(user.state, "nobody-coding", 30, "en").replies == (), "plan gone"


def test_a_check_in_speaks_the_language_of_the_chat(timed: Dialogue) -> None:
    user = veteran_coding(timed, language_code="es")
    spanish = timed.checkin(user.state, "veteran-coding", 60, "es").replies[0]
    assert "Aviso del día 60" in spanish.text and "Lo que sigue" in spanish.text
    user.tap_data("lg:en")
    english = timed.checkin(user.state, "veteran-coding", 60, "es").replies[0]
    assert "Day 60 check-in" in english.text, "/language wins over the language stored"


# ---- the checklist --------------------------------------------------------------------------


def test_progress_without_a_plan_offers_the_plan_menu(timed: Dialogue) -> None:
    user = DialogueUser(timed)
    reply = user.command("progress").replies[0]
    assert "You have no plan yet" in reply.text
    assert "🩺 Medical coding" in labels(reply)


def test_ticking_is_idempotent_and_counted_per_phase(timed: Dialogue) -> None:
    user = veteran_coding(timed)
    page = user.command("progress").replies[0]
    assert "<b>Days 1–30</b> · 0 of 4 done" in page.text
    assert [label for label in labels(page) if label[:1] in "⬜✅"] == [
        "⬜ 1",
        "⬜ 2",
        "⬜ 3",
        "⬜ 4",
    ]
    assert "⬜ 1. " in page.text, "each step once: as text, with a short numbered button"

    tick = user.button("⬜ 2")
    first = user.tap_data(tick.data)
    assert first.replies[0].replace, "the plan page is edited in place"
    assert "<b>Days 1–30</b> · 1 of 4 done" in user.text() and "✅ 2." in user.text()
    ticked = user.state
    second = user.tap_data(tick.data)  # a double tap on the same (old) button
    assert second.state == ticked and not second.changed, "the second tap changes nothing"
    assert "✅ 2." in user.text()

    user.tap("Days 31–60 ▶")
    user.tap("⬜ 5")
    assert "<b>Days 31–60</b> · 1 of 3 done" in user.text()
    user.tap("◀ Days 1–30")
    user.tap("✅ 2")
    assert "<b>Days 1–30</b> · 0 of 4 done" in user.text()
    assert user.state.ticks == {"veteran-coding": 1 << 4}
    assert user.tap_data("k:veteran:coding:10:1").notice is not None, "no step 11"


def test_the_plan_opens_where_the_user_is_and_home_shows_the_progress(timed: Dialogue) -> None:
    user = veteran_coding(timed)
    user.command("progress")
    for number in range(1, 5):
        user.tap(f"⬜ {number}")
    page = user.command("plan").replies[0]
    assert "<b>Days 31–60</b> · 0 of 3 done" in page.text, "the first phase with open steps"
    home = user.command("start").replies[0]
    assert "Days 1–30: 4 of 4 done" in home.text and "Days 31–60: 0 of 3 done" in home.text


def test_ticks_are_kept_per_plan(timed: Dialogue) -> None:
    user = veteran_coding(timed)
    user.command("progress")
    user.tap("⬜ 1")
    user.tap_data("p:remote:billing")
    other = user.tap("Make this my plan").replies[0]
    assert "Remote job seeker · Medical billing" in other.text
    assert "0 of 4 done" in other.text and "✅" not in other.text
    user.tap("⬜ 3")
    user.tap_data("p:veteran:coding")
    back = user.tap("Make this my plan").replies[0]
    assert "✅ 1." in back.text, "the veteran plan's tick waited"
    assert user.state.ticks == {"veteran-coding": 1, "remote-billing": 4}


# ---- export ---------------------------------------------------------------------------------


def export(user: DialogueUser) -> tuple[Reply, Reply]:
    document, calendar = user.tap("📤 Export plan", user.last.replies[0]).replies
    assert document.attachment is not None and calendar.attachment is not None
    return document, calendar


def test_the_markdown_document_has_every_step(timed: Dialogue) -> None:
    user = veteran_coding(timed)
    user.command("progress")
    user.tap("⬜ 4")
    user.tap_data("p:veteran:coding")
    document, calendar = export(user)
    assert labels(calendar) == ["🗺 My plan", "🏠 Home"], "the last file carries the way on"
    attachment = document.attachment
    assert attachment is not None and attachment.kind == "document"
    assert attachment.filename == "careerpath-plan-veteran-coding.md"
    assert "Military veteran · Medical coding" in attachment.caption
    text = attachment.data.decode()
    assert text.startswith("# Your 30/60/90-day plan\n")
    plan = timed.plans.compose("en", "veteran", "coding")
    for index, step in enumerate(plan.steps()):
        box = "x" if index == 3 else " "
        assert f"- [{box}] {step.text}\n" in text, step.text
    assert "## Days 1–30 (until Thursday, April 2, 2026)" in text
    assert "- [AAPC](https://www.aapc.com)" in text


def test_the_calendar_has_the_three_milestones_as_all_day_events(timed: Dialogue) -> None:
    user = veteran_coding(timed)
    _, calendar_reply = export(user)
    attachment = calendar_reply.attachment
    assert attachment is not None and attachment.filename == "careerpath-plan-veteran-coding.ics"
    calendar = Calendar.from_ical(attachment.data)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 3
    plan = timed.plans.compose("en", "veteran", "coding")
    start = date(2026, 3, 3)
    for event, phase, day in zip(events, plan.phases, (30, 60, 90), strict=True):
        begins, ends = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(begins) is date, "an all-day event starts on a date, not a time"
        assert begins == start + timedelta(days=day) and ends == begins + timedelta(days=1)
        assert str(event["SUMMARY"]) == f"Day {day} check-in: Military veteran · Medical coding"
        description = str(event["DESCRIPTION"])
        assert description.startswith(f"{phase.title}:")
        assert all(step.text in description for step in phase.steps)
        assert event["UID"] and event["DTSTAMP"]
    assert len({str(event["UID"]) for event in events}) == 3


def test_the_export_counts_from_the_day_check_ins_started(timed: Dialogue, clock: Clock) -> None:
    user = veteran_coding(timed, language_code="es")
    user.tap("Recordarme los días 30, 60, 90")
    clock.now += 10 * 86400
    document, calendar_reply = user.tap_data("x:veteran:coding").replies
    assert document.attachment is not None and calendar_reply.attachment is not None
    text = document.attachment.data.decode()
    assert text.startswith("# Tu plan de 30/60/90 días\n")
    assert "Contando desde el martes 3 de marzo de 2026." in text
    events = list(Calendar.from_ical(calendar_reply.attachment.data).walk("VEVENT"))
    assert events[0].decoded("DTSTART") == date(2026, 4, 2)
    assert str(events[0]["SUMMARY"]).startswith("Aviso del día 30")
