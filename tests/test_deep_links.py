"""t.me/<bot>?start=<payload> links open the right place."""

from __future__ import annotations

import pytest

from flows.deeplinks import all_payloads
from flows.dialogue import Dialogue
from tests.quiz_routes import TOTAL, start_quiz
from tests.stub_bot_api import StubBotApi


def test_every_payload_fits_telegrams_rules(dialogue: Dialogue) -> None:
    payloads = all_payloads(dialogue.plans.persona_ids, dialogue.guide.commands)
    assert {"plan-veteran-coding", "certs", "salary", "roles", "try"} <= set(payloads)
    for payload in payloads:
        assert len(payload) <= 64
        assert all(c.isalnum() or c in "_-" for c in payload)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("quiz", f"Question 1 of {TOTAL}"),
        ("try", "6 short tasks"),
        ("certs", "Credentials compared"),
        ("plan", "Which path should your plan follow?"),
        ("plan-veteran-coding", "Military veteran · Medical coding"),
        ("plan-remote-billing", "Remote job seeker · Medical billing"),
        ("plan-parent-both", "Parent returning to work · Medical billing and coding"),
        ("salary", "Page 1 of"),
        ("roles", "Page 1 of"),
        ("plan-nobody", "Start the quiz"),
        ("plan-veteran-law", "Start the quiz"),
        ("something-else", "Start the quiz"),
    ],
)
async def test_each_payload_opens_its_place(
    stub: StubBotApi, bot: None, payload: str, expected: str
) -> None:
    user = stub.user(4001, "Kim")
    reply = await user.send(f"/start {payload}")
    # A plan comes with the offer of check-ins below it, /salary with its chart above.
    assert any(
        expected in m.content or expected in " ".join(m.button_texts()) for m in reply.messages
    )


async def test_a_persona_link_without_a_track_asks_the_track_then_opens_the_plan(
    stub: StubBotApi, bot: None
) -> None:
    user = stub.user(4002, "Lee")
    reply = await user.send("/start plan-graduate")
    assert "Which path should your plan follow?" in reply.last.text
    plan = await user.tap("Medical billing")
    assert "Recent graduate · Medical billing" in plan.messages[0].text


async def test_a_persona_link_uses_the_users_own_result(stub: StubBotApi, bot: None) -> None:
    user = stub.user(4003, "Max")
    await user.send("/start plan")
    await user.tap("Medical coding")
    await user.tap("Career changer")
    reply = await user.send("/start plan-veteran")
    assert "Military veteran · Medical coding" in reply.messages[0].text


async def test_the_quiz_link_resumes_a_running_quiz(stub: StubBotApi, bot: None) -> None:
    user = stub.user(4004, "Ned")
    await start_quiz(user)
    await user.tap("A mix of both")
    reply = await user.send("/start quiz")
    assert f"Question 2 of {TOTAL}" in reply.last.text
