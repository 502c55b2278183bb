"""The operator's view: what people did, counted per day without saying who (tallies), and
/stats, the report an admin reads from those counts.

A step reports what happened as tallies, (event, label) pairs on its Outcome; the bot adds
them to the per-day counts in the database and to /metrics. Labels are content ids (a track,
a persona, a language, a question topic), never anything a user typed.

Adding a counter is one line here (in the order /stats lists it), its words in every
language's messages.yaml (stats.events), and the step that emits it.
"""

from __future__ import annotations

from typing import Final

QUIZ_STARTED: Final = "quiz_started"  # label: the language the quiz is taken in
QUIZ_FINISHED: Final = "quiz_finished"  # label: the result's track, or NEITHER
PLAN: Final = "plan"  # label: the persona of a plan that became someone's own
CHECKINS_ON: Final = "checkins_on"  # day-30/60/90 check-ins turned on
STEP_TICKED: Final = "step_ticked"  # a step ticked off on the user's plan
LANGUAGE_SET: Final = "language_set"  # label: the language chosen with /language
SHARED_ARRIVAL: Final = "shared_arrival"  # someone came through a friend's Share link
TRY_STARTED: Final = "try_started"  # label: the language; /try begun (flows/tryout)
QUESTION_ANSWERED: Final = "question_answered"  # label: the guide section that answered
QUESTION_UNMATCHED: Final = "question_unmatched"  # label: a topic, when one is known, or ""
TYPED_QUIZ_ANSWER: Final = "typed_quiz_answer"  # a quiz answer typed instead of tapped
SAFETY_REPLY: Final = "safety_reply"  # an emergency met with 911/988, not a career question

# Typed text (flows/ask) tallies ("ask", <the section or intent that answered>),
# ("ask", "no_match"), ("ask", "safety") or ("ask", "quiz_answer"); the report and /metrics
# read them as the four events above (flows.stats.report.as_event).
ASK: Final = "ask"
ASK_NO_MATCH: Final = "no_match"
ASK_SAFETY: Final = "safety"
ASK_QUIZ_ANSWER: Final = "quiz_answer"

# Every event /stats reports, in its order.
FUNNEL: Final = (
    QUIZ_STARTED,
    QUIZ_FINISHED,
    PLAN,
    CHECKINS_ON,
    STEP_TICKED,
    TRY_STARTED,
    QUESTION_ANSWERED,
    QUESTION_UNMATCHED,
    TYPED_QUIZ_ANSWER,
    SAFETY_REPLY,
    SHARED_ARRIVAL,
    LANGUAGE_SET,
)

# A finished quiz whose answers pull toward neither path (flows.result.reading) is counted
# as this rather than as the track its score leaned to: the person was not given that track.
NEITHER: Final = "neither"

Tally = tuple[str, str]  # (event, label)
