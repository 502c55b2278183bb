"""Known ways through the quiz, by the answer labels a user taps, and what they lead to."""

from __future__ import annotations

from tests.stub_bot_api import FakeUser

TOTAL = 10

ROUTES = {
    "coding": [
        "Deep, focused puzzle-solving",
        "Sounds fascinating",
        "I'd rather go deep on one thing",
        "As little as possible",
        "I care more about accuracy",
        "I'd rather avoid it",
        "A clinical field, e.g. cardiology",
        "I can certify first",
        "It's a must for me",
        "I'd rather specialize",
    ],
    "billing": [
        "Talking people through problems",
        "I'd rather keep it light",
        "Yes, I love closing loops",
        "Plenty, I like people",
        "Yes, that drives me",
        "Yes, I'm comfortable with that",
        "Insurance and payer rules",
        "Within a few months",
        "I'd rather work on site",
        "I'd rather specialize",
    ],
    "both": [
        "A mix of both",
        "Fine, if the job needs it",
        "Sometimes",
        "Some is fine",
        "Somewhat",
        "Some of the day, not all",
        "Not sure yet",
        "Within about a year",
        "Nice to have",
        "Yes, I'd like to do it all",
    ],
}
HEADLINES = {
    "coding": "🩺 A strong lean toward medical coding",
    "billing": "💳 A strong lean toward medical billing",
    "both": "🔁 A combined billing-and-coding role fits you best",
}


async def start_quiz(user: FakeUser) -> None:
    # Wait for the message or edit itself, not just a quiet moment: under injected faults a
    # retried request can arrive well after the first.
    await user.send("/start", until=lambda replies: replies.messages, reply_timeout=30)
    await user.tap("Start the quiz", until=lambda replies: replies.edits, reply_timeout=30)


async def finish_quiz(user: FakeUser, track: str) -> str:
    """Play the whole quiz from /start along a route; returns the result's first line."""
    await start_quiz(user)
    for label in ROUTES[track]:
        await user.tap(label, until=lambda replies: replies.edits, reply_timeout=30)
    return user.last_message.text.splitlines()[0]
