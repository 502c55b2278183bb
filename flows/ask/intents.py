"""Things a typed sentence can ask the bot to do, each the same step as a command."""

from __future__ import annotations

INTENTS = (
    "quiz",  # start or continue the quiz
    "try",  # try the job (/try): start or carry on with the tryout
    "result",  # my result
    "plan",  # my plan
    "checklist",  # my checklist (/progress)
    "reminders",  # check-ins on or off (/reminders)
    "language",  # /language
    "forget",  # delete my data (/forget, which still asks to confirm)
    "help",  # /help
    "greeting",  # hi: the same as /start
    "thanks",
)
