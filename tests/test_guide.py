"""The career guide through the dialogue: commands, paging, the menu, and what the pages say."""

from __future__ import annotations

import re

import pytest
import yaml

from content import CONTENT_DIR
from flows.dialogue import COMMANDS, Dialogue
from flows.schema import Content
from tests.chat_double import DialogueUser
from tests.test_quiz_flow import leaning_answers, play

TOPIC_COMMANDS = ("roles", "training", "salary", "roadmap", "jobs", "sources")
MENU = "📚 Guide menu"


def labels(user: DialogueUser) -> list[str]:
    assert user.screen is not None
    return [b.label for row in user.screen.keyboard for b in row]


def read_topic(user: DialogueUser, command: str) -> list[str]:
    """Open a topic by its command and page through it with Next ▶; the pages' texts."""
    outcome = user.command(command)
    *files, page = outcome.replies
    assert not page.replace and page.attachment is None
    assert [r.attachment.kind for r in files if r.attachment] == (
        ["photo"] if command == "salary" else []
    ), "/salary sends its chart first, the other topics only their page"
    texts = [user.text()]
    while "Next ▶" in labels(user):
        outcome = user.tap("Next ▶")
        assert outcome.replies[0].replace, "paging edits the message in place"
        texts.append(user.text())
    return texts


def test_the_guide_topics_are_commands(content: Content) -> None:
    commands = [topic.command for topic in content.guide.topics]
    assert commands == list(TOPIC_COMMANDS)
    assert set(commands) <= set(COMMANDS)
    assert set(COMMANDS) == set(content.words("en").messages.commands)


@pytest.mark.parametrize("command", TOPIC_COMMANDS)
def test_each_topic_pages_forward_and_back_and_ends_at_the_menu(
    dialogue: Dialogue, command: str
) -> None:
    user = DialogueUser(dialogue)
    texts = read_topic(user, command)
    total = len(texts)
    if total > 1:
        for number, text in enumerate(texts, start=1):
            assert f"Page {number} of {total}" in text
    assert "◀ Back" in labels(user) or total == 1
    assert labels(user)[-1] == MENU, "every page ends with a way back to the menu"
    for number in range(total - 1, 0, -1):
        user.tap("◀ Back")
        assert user.text() == texts[number - 1]
        assert labels(user)[-1] == MENU
    assert "◀ Back" not in labels(user), "the first page has no Back"
    menu = user.tap(MENU)
    assert menu.replies[0].replace
    assert "The career guide" in user.text()


def test_the_menu_lists_every_topic_then_quiz_plan_and_credentials(
    dialogue: Dialogue, content: Content
) -> None:
    user = DialogueUser(dialogue)
    user.command("guide")
    words = content.words("en").guide.topics
    buttons = labels(user)
    assert buttons[: len(words)] == [words[t.id].button for t in content.guide.topics]
    assert buttons[len(words) :] == ["▶ Start the quiz", "🗺 My plan", "🎓 Credentials"]
    for topic in content.guide.topics:
        user.command("guide")
        opened = user.tap(words[topic.id].button)
        assert opened.replies[0].replace
        assert words[topic.id].title in user.text()

    user.command("guide")
    user.tap("🗺 My plan")
    assert "Which path should your plan follow?" in user.text()
    user.command("guide")
    user.tap("🎓 Credentials")
    assert "Credentials compared" in user.text()
    assert labels(user)[-1] == MENU
    user.tap("CPC")
    assert labels(user)[-1] == MENU, "a credential card leads back to the guide too"
    user.command("guide")
    user.tap("Start the quiz")
    assert "Question 1 of" in user.text()


def test_learn_more_follows_a_result_a_plan_and_help(dialogue: Dialogue, content: Content) -> None:
    user = play(dialogue, leaning_answers(content, "billing"))
    result = user.screen
    opened = user.tap("📚 Learn more", result)
    assert not opened.replies[0].replace, "the result stays in the chat"
    assert "The career guide" in user.text()
    plan = user.tap("Career changer", result).replies[0]
    assert "Your 30/60/90-day plan" in plan.text
    home = user.tap("🏠 Home", plan).replies[0]
    assert "📚 Learn more" in [b.label for row in home.keyboard for b in row]
    user.command("help")
    assert "📚 Learn more" in labels(user)


# What the issue asks each topic to carry, as the reader sees it.
COVERAGE = {
    "roles": (
        "ICD-10-CM",
        "72,000+",
        "CPT",
        "HCPCS Level II",
        "ICD-10-PCS",
        "DRG",
        "CMS-1500",
        "UB-04",
        "clearinghouse",
        "appeal",
        "Payment posting",
        "A/R",
        "S83.2",
        "29881",
        "more specific code",
        "A day in the life: the coder",
        "A day in the life: the biller",
        "one person often",
        "billing companies",
        "Coding Auditor",
        "Billing Specialist",
        "SOC 29-2072",
    ),
    "training": (
        "about 9 months",
        "2 years",
        "$5,000 to over $20,000",
        "4 years",
        "under $2,000 to about $7,000",
        "4 to 6 months",
        "$1,000 to $5,000",
        "4 to 15 months",
        "GED",
        "Accreditation",
        "pass rate",
        "Placement rate",
        "Externship",
        "36 CEUs every two years",
    ),
    "roadmap": (
        *("Months 1–3", "Months 4–6", "Months 7–9", "Months 10–12", "4 to 12 months"),
        *("CPC-A", "EHR", "COC", "CRC", "auditor", "reimbursement analyst"),
        "150 questions in 5 hours 40 minutes",
        "100 questions in 4 hours",
        'href="https://www.aapc.com/certification/cpc/"',
    ),
    "jobs": (
        "Externship",
        "patient account representative",
        "claims assistant",
        "payment posting",
        '"CPC-A"',
        '"Medical Coder"',
        '"Billing Specialist"',
        '"remote medical coder"',
        "portfolio",
        "shredder",
        "1 to 2 years",
        "Too good to be true?",
        "Indeed",
        "LinkedIn",
        "career pages",
    ),
}


@pytest.mark.parametrize("command", COVERAGE)
def test_each_topic_carries_what_the_guides_say(dialogue: Dialogue, command: str) -> None:
    text = "\n".join(read_topic(DialogueUser(dialogue), command))
    missing = [needle for needle in COVERAGE[command] if needle not in text]
    assert not missing, f"/{command} does not mention {missing}"


def test_salary_says_bls_groups_both_roles_and_newer_figures_win(dialogue: Dialogue) -> None:
    pages = read_topic(DialogueUser(dialogue), "salary")
    text = "\n".join(pages)
    assert "counts billers and coders together" in text and "SOC 29-2072" in text
    assert "$50,250</b> a year (BLS, May 2024)" in text
    assert "$48,780 (BLS, May 2023); we use the newer figure" in text
    assert "7%</b> (BLS, projection to 2032)" in text
    assert "$40,000" in text
    for figure in ("$58,895", "$56,981", "$84,414", "$70,000–$85,000+", "$65,000–$90,000+"):
        assert figure in text, figure
    assert "(AAPC Salary Survey, 2025)" in text
    dated = [page for page in pages if "$16 an hour" in page or "$21 an hour" in page]
    assert len(dated) == 1, "the 2019 pay appears once, on its own page"
    assert "For context only: figures from 2019" in dated[0]
    assert "CareerStep, July 2019" in dated[0]


def test_dated_2019_figures_stay_on_pages_marked_as_dated_context(content: Content) -> None:
    raw = yaml.safe_load((CONTENT_DIR / "en" / "guide.yaml").read_text(encoding="utf-8"))
    dated_keys = {k for k, f in content.facts.facts.items() if f.source == "careerstep_2019"}
    pages_with_dated = []
    for topic_id, topic in raw["topics"].items():
        for page_id, text in topic["pages"].items():
            if set(re.findall(r"\{fact:([a-z0-9_]+)\}", text)) & dated_keys:
                pages_with_dated.append(f"{topic_id}.{page_id}")
                heading = text.splitlines()[0]
                assert "2019" in heading and "context" in heading, (topic_id, page_id)
    assert pages_with_dated == ["training.dated", "salary.dated"]


def test_sources_list_every_source_with_its_date_and_link(
    dialogue: Dialogue, content: Content
) -> None:
    text = "\n".join(read_topic(DialogueUser(dialogue), "sources"))
    for source in content.facts.sources.values():
        assert f"<b>{source.short}</b>" in text, source.short
        if source.url:
            assert f'href="{source.url}"' in text, source.short
    assert "May 2024 · May 2023 · projection to 2032" in text
    assert "July 2019" in text and "📅 undated" in text
    assert text.count("No public link on file.") == 3, "the three guides have no link"


def test_credential_cards_gain_preparation_and_pay(dialogue: Dialogue) -> None:
    cards = {
        c.id: dialogue.views.credential("en", c.id).text
        for c in dialogue.content.credentials.credentials
    }
    assert "<b>Pay:</b> Median $58,895 (AAPC Salary Survey, 2025)" in cards["cpc"]
    assert "<b>Pay:</b> Median $56,981" in cards["cpb"]
    assert "4 to 6 months" in cards["cpc"]
    assert "<b>Pay:</b> Not given in our sources" in cards["cbcs"]
    for card in cards.values():
        assert re.search(r"<b>Keeping it:</b> \S", card)
        assert "<b>Preparing:</b>" in card


@pytest.mark.parametrize("data", ["g:nope:0", "g:roles:99", "g:roles:x", "gm:x", "pm:1"])
def test_a_forged_or_outdated_guide_tap_falls_back_to_the_menu(
    dialogue: Dialogue, data: str
) -> None:
    user = DialogueUser(dialogue)
    user.command("roles")
    before = user.state
    outcome = user.tap_data(data)
    assert outcome.state == before
    assert outcome.notice and "out of date" in outcome.notice
