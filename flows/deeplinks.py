"""Deep links: https://t.me/<bot>?start=<payload> opens the right place.

Payloads (Telegram allows A-Z, a-z, 0-9, _ and -, up to 64 characters):
  quiz                     the quiz (carries on with a running one)
  try                      Try the job: the tryout's intro (carries on with a running one)
  certs                    the credential comparison
  plan                     the plan menu, as /plan
  plan-<persona>           that persona's plan for the user's track (asks the track if none)
  plan-<persona>-<track>   that persona's plan for that track
  <guide topic>            a topic of the career guide: roles, training, salary, ...
  from-friend              the welcome, counted as an arrival through a Share button
Anything else opens the welcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from flows.schema import TRACKS, Track

# The link a Share button passes on (flows/views.py): the welcome, counted in /stats.
SHARE_PAYLOAD = "from-friend"
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class DeepLink:
    target: Literal["quiz", "try", "certs", "plan", "guide"]
    persona: str | None = None
    track: Track | None = None
    topic: str | None = None


def parse_deep_link(
    payload: str, personas: tuple[str, ...], topics: tuple[str, ...] = ()
) -> DeepLink | None:
    """The place a /start payload points to, or None for an unknown payload."""
    if not _PAYLOAD.match(payload):
        return None
    if payload in ("quiz", "try", "certs", "plan"):
        return DeepLink(payload)  # type: ignore[arg-type]
    if payload in topics:
        return DeepLink("guide", topic=payload)
    head, _, rest = payload.partition("-")
    if head != "plan" or not rest:
        return None
    persona, _, track = rest.partition("-")
    if persona not in personas or (track and track not in TRACKS):
        return None
    return DeepLink("plan", persona, track or None)  # type: ignore[arg-type]


def all_payloads(personas: tuple[str, ...], topics: tuple[str, ...] = ()) -> list[str]:
    """Every payload the bot understands, for the README's flyer list and the tests."""
    payloads = ["quiz", "try", "certs", "plan", *topics]
    for persona in personas:
        payloads.append(f"plan-{persona}")
        payloads += [f"plan-{persona}-{track}" for track in TRACKS]
    return payloads
