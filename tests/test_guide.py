"""The career guide through the dialogue: commands, paging, the menu, and what the pages say."""

from __future__ import annotations

import html
import re

import pytest

from content import CONTENT_DIR
from flows.content import parse_yaml
from flows.dialogue import COMMANDS, Dialogue
from flows.schema import Content
from tests.chat_double import DialogueUser
from tests.screens import all_screens, visible_length
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
        "S83.2-",
        "completed to the full code",
        "29881",
        "removes the torn part",
        "29882",
        "established patient with low-complexity decision-making is 99213",
        "SOC 43-3021",
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
        "36 CEUs every two years for one credential",
        "(up to 52)",
    ),
    "roadmap": (
        *("Months 1–3", "Months 4–6", "Months 7–9", "Months 10–12", "4 to 12 months"),
        *("CPC-A", "EHR", "COC", "CRC", "auditor", "reimbursement analyst"),
        "100 multiple-choice questions in 4 hours",
        "retired in 2022",
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


def test_salary_says_who_bls_counts_and_quotes_unconfirmed_figures_as_claims(
    dialogue: Dialogue,
) -> None:
    pages = read_topic(DialogueUser(dialogue), "salary")
    text = "\n".join(pages)
    assert "counts coders as <i>medical records specialists</i> (SOC 29-2072)" in text
    assert "billing and posting clerks (SOC 43-3021)" in text
    assert "counts billers and coders together" not in text
    bls = "per the Billing vs Coding guide; confirm at bls.gov"
    assert f"$50,250</b> a year (BLS, May 2024, {bls})" in text
    assert "$48,780" not in text, "a replaced median is dropped"
    assert "7%</b> (BLS, projection for 2024–34, per the" in text
    assert "2032" not in text
    federal = next(page for page in pages if "The federal figures (BLS)" in page)
    bls_part, guide_part = federal.split("<b>Starting pay, from a career guide</b>")
    assert "$40,000" not in bls_part, "the guide's starting pay is not a BLS figure"
    assert "$40,000 (Coding vs Billing guide, undated)" in guide_part
    for figure in ("$58,895", "$56,981", "$84,414", "$70,000–$85,000+", "$65,000–$90,000+"):
        assert figure in text, figure
    survey = "(AAPC Salary Survey, 2025, per the Billing vs Coding guide; confirm at aapc.com)"
    assert survey in text
    assert "medians in one place and averages in another" in text
    assert "an average of <b>$84,414</b>" in text
    assert "$64,890" not in text and "single credential" not in text
    dated = [page for page in pages if "$16 an hour" in page or "$21 an hour" in page]
    assert len(dated) == 1, "the 2019 pay appears once, on its own page"
    assert "For context only: figures from 2019" in dated[0]
    assert "CareerStep, July 2019" in dated[0]


def test_dated_2019_figures_stay_on_pages_marked_as_dated_context(content: Content) -> None:
    raw = parse_yaml((CONTENT_DIR / "en" / "guide.yaml").read_text(encoding="utf-8"))
    dated_keys = {k for k, f in content.facts.facts.items() if f.source == "careerstep_2019"}
    pages_with_dated = []
    for topic_id, topic in raw["topics"].items():
        for page_id, text in topic["pages"].items():
            if set(re.findall(r"\{fact:([a-z0-9_]+)\}", text)) & dated_keys:
                pages_with_dated.append(f"{topic_id}.{page_id}")
                heading = text.splitlines()[0]
                assert "2019" in heading and "context" in heading, (topic_id, page_id)
    assert pages_with_dated == ["training.dated", "salary.dated"]


def test_sources_list_each_source_by_publisher_title_and_date_with_a_working_link(
    dialogue: Dialogue, content: Content
) -> None:
    text = "\n".join(read_topic(DialogueUser(dialogue), "sources"))
    for source in content.facts.sources.values():
        assert f"<b>{source.short}</b>: {html.escape(source.publisher, quote=False)}, <i>" in text
        assert f"<i>{html.escape(source.title, quote=False)}</i>" in text
        if source.url:
            assert f'href="{source.url}"' in text, source.short
        for issuer in source.confirm_at:
            assert f'href="{content.facts.sources[issuer].url}"' in text, source.short
    assert "May 2024 · projection for 2024–34" in text
    assert "July 2019" in text and "📅 2025" in text and "📅 undated" in text
    assert "📅 checked November 2026" in text
    assert text.count("confirm its figures at") == 3, "the three guides point at the issuers"
    for note_to_ourselves in ("No public link on file", "We follow the newest", "on file."):
        assert note_to_ourselves not in text
    links = re.findall(r'href="([^"]+)"', text)
    assert links and all(link.startswith("https://") for link in links)


def test_credential_cards_gain_preparation_and_pay(dialogue: Dialogue) -> None:
    cards = {
        c.id: "\n".join(dialogue.views.credential_pages("en", c.id))
        for c in dialogue.content.credentials.credentials
    }
    survey = "(AAPC Salary Survey, 2025, per the Billing vs Coding guide; confirm at aapc.com)"
    assert f"<b>Pay:</b> $58,895 {survey}" in cards["cpc"]
    assert "<b>Pay:</b> $56,981" in cards["cpb"]
    assert "4 to 6 months" in cards["cpc"]
    assert "<b>Pay:</b> No figure for the CBCS itself" in cards["cbcs"]
    for card in cards.values():
        assert re.search(r"<b>Keeping it:</b> \S", card)
        assert "<b>Preparing:</b>" in card
        assert "Not given in our sources" not in card


@pytest.mark.parametrize(
    "data", ["g:nope:0", "g:roles:99", "g:roles:x", "gm:x", "pm:1", "cp:99", "cp:x", "cc:1"]
)
def test_a_forged_or_outdated_guide_tap_falls_back_to_the_menu(
    dialogue: Dialogue, data: str
) -> None:
    user = DialogueUser(dialogue)
    user.command("roles")
    before = user.state
    outcome = user.tap_data(data)
    assert outcome.state == before
    assert outcome.notice and "out of date" in outcome.notice


# ---- /certs → Compare all: a real comparison, readable on a phone ----------------------------

PHONE = 1000  # characters an English screen may show


def _compare_pages(user: DialogueUser) -> list[str]:
    user.command("certs")
    user.tap("Compare all")
    pages = [user.screen.text]
    while any(b.label.endswith("▶") for row in user.screen.keyboard for b in row):
        labels = [b.label for row in user.screen.keyboard for b in row]
        assert any("Guide menu" in label for label in labels), "every page has a way on"
        user.tap(next(label for label in labels if label.endswith("▶")))
        assert user.last.replies[-1].replace, "a page replaces the one before"
        pages.append(user.screen.text)
    return pages


def test_compare_all_lists_issuer_exam_fee_prerequisites_and_renewal_per_credential(
    dialogue: Dialogue, content: Content
) -> None:
    pages = _compare_pages(DialogueUser(dialogue))
    assert len(pages) > 1
    blocks = [block for page in pages for block in page.split("\n\n") if block.startswith("<b>")]
    for credential in content.credentials.credentials:
        block = next(b for b in blocks if b.startswith(f"<b>{credential.id.upper()}</b> ·"))
        issuer = content.facts.sources[credential.issuer].short
        assert f"\n{issuer} · " in block, credential.id
        for field in ("📝 Exam: ", "💵 Fee: ", "✅ Before: ", "🔁 Keeping it: "):
            assert re.search(re.escape(field) + r"\S", block), (credential.id, field)
        assert re.search(r"<i>[^<]+, (checked|\d{4}|per the)", block), credential.id
    text = "\n".join(pages)
    assert "100 multiple-choice questions in 4 hours, with your code books open" in text
    assert "135 multiple-choice questions in 4 hours" in text
    assert "90 to 115 questions in 2 hours" in text
    assert "about $117" in text and "confirm at nhanow.com" in text
    assert "COC-A until 2 years" in text and "up to 52" in text
    for number, page in enumerate(pages, start=1):
        assert f"· {number} of {len(pages)}" in page


def test_compare_pages_page_back_and_forth(dialogue: Dialogue) -> None:
    user = DialogueUser(dialogue)
    pages = _compare_pages(user)
    labels = [b.label for row in user.screen.keyboard for b in row]
    assert not any(label.endswith("▶") for label in labels), "the last page has no next"
    user.tap("◀ Back")
    assert user.screen.text == pages[-2]
    user.tap_data("cc")
    assert user.screen.text == pages[0]
    assert not any(b.label.startswith("◀") for row in user.screen.keyboard for b in row)
    user.tap("CPC")
    assert "Certified Professional Coder" in user.screen.text


def test_guide_pages_cards_and_the_comparison_fit_a_phone(dialogue: Dialogue) -> None:
    ours = ("guide-", "card-", "compare", "credentials")
    too_long = {
        name: visible_length(reply.text)
        for name, reply in all_screens(dialogue)
        if name.startswith("en/") and name[3:].startswith(ours)
        if visible_length(reply.text) > PHONE
    }
    assert not too_long, too_long
    for language in dialogue.content.languages:
        for page in range(dialogue.views.compare_page_count(language)):
            reply = dialogue.views.compare_credentials(language, page)
            if language == "en":
                assert visible_length(reply.text) <= PHONE, page
            assert reply.keyboard[-1], "a way on"
