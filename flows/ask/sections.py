"""What a typed question can be answered with: every guide page, cut into short chunks,
and every credential card, as sections with ids such as "salary.federal" and "cert.cpc"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from flows.guide import GuideBook
from flows.schema import BUTTON_LABEL_MAX, Content
from flows.views import Views

# A chunk of a page is at most this long, so an answer stays a few lines on a phone.
CHUNK_BUDGET = 480
_HEADING = re.compile(r"^<b>([^<]+)</b>$")
_SOURCE_LINE = re.compile(r"^<i>[^<\n]{1,120}</i>$")

SectionKind = Literal["page", "credential", "intent"]


@dataclass(frozen=True)
class Section:
    id: str  # "salary.federal" (topic.page), "cert.cpc", "intent.quiz"
    kind: SectionKind
    title: str  # a button label
    heading: str  # HTML: the answer's first line
    chunks: tuple[str, ...] = ()  # HTML, each a few lines, in reading order
    topic: str = ""  # a page's topic
    page: int = 0  # a page's index in its topic
    credential: str = ""


def page_id(topic: str, page: str) -> str:
    return f"{topic}.{page}"


def credential_id(credential: str) -> str:
    return f"cert.{credential}"


def intent_id(intent: str) -> str:
    return f"intent.{intent}"


def button_label(text: str) -> str:
    """A heading short enough for a button: cut at a colon or bracket, else at a word."""
    text = re.sub(r"<[^>]+>", "", text).strip()
    if len(text) <= BUTTON_LABEL_MAX:
        return text
    for mark in (":", " (", " ·"):
        head = text.split(mark, 1)[0].strip()
        if 15 <= len(head) <= BUTTON_LABEL_MAX:
            return head
    cut = text[: BUTTON_LABEL_MAX - 1].rsplit(" ", 1)[0]
    return f"{cut}…"


def chunk(text: str, budget: int = CHUNK_BUDGET) -> list[str]:
    """Paragraphs, and a long paragraph cut at line breaks; a bold line that heads a
    paragraph stays with the lines below it."""
    chunks: list[str] = []
    for paragraph in (p.strip() for p in text.split("\n\n")):
        if not paragraph:
            continue
        lines = paragraph.split("\n")
        lead = lines[0] if len(lines) > 1 and _HEADING.match(lines[0]) else ""
        body = lines[1:] if lead else lines
        current: list[str] = []
        for line in body:
            if current and len("\n".join([lead, *current, line])) > budget:
                chunks.append("\n".join(x for x in [lead, *current] if x))
                current = []
            current.append(line)
        if current or lead:
            chunks.append("\n".join(x for x in [lead, *current] if x))
    return chunks


def content_sections(content: Content, language: str) -> list[Section]:
    """Every guide page and credential card in a language, as sections."""
    guide = GuideBook(content)
    sections = []
    words = content.words(language)
    for topic in content.guide.topics:
        topic_words = words.guide.topics[topic.id]
        book = guide.topic(language, topic.id)
        for page in topic.pages:
            # A long page is split into phone-sized pages (the source list packed after
            # the last one): the section is all of them, and opens at the first.
            index = book.page_ids.index(page)
            text = "\n\n".join(
                t for t, pid in zip(book.pages, book.page_ids, strict=True) if pid == page
            )
            first, _, rest = text.partition("\n")
            if _HEADING.match(first):
                heading, body = first, rest
                emoji = topic_words.title.split(" ", 1)[0]
                title = button_label(f"{emoji} {re.sub(r'<[^>]+>', '', heading)}")
            else:
                heading, body = f"<b>{topic_words.title}</b>", text
                title = button_label(topic_words.title)
            chunks = chunk(body)
            if chunks and _SOURCE_LINE.match(chunks[0]):
                # "<i>Coding vs Billing guide</i>" under a heading with a figure in it: the
                # heading keeps its source whichever chunk answers.
                heading = f"{heading}\n{chunks.pop(0)}"
            sections.append(
                Section(
                    id=page_id(topic.id, page),
                    kind="page",
                    title=title,
                    heading=heading,
                    chunks=tuple(chunks),
                    topic=topic.id,
                    page=index,
                )
            )
    views = Views(content, len(content.quiz.questions))
    for credential in content.credentials.credentials:
        card = "\n".join(views.credential_pages(language, credential.id))
        lines = [line for line in card.split("\n") if line.strip()]
        name = words.certs.credentials[credential.id].name
        sections.append(
            Section(
                id=credential_id(credential.id),
                kind="credential",
                title=button_label(f"🎓 {credential.id.upper()} · {name}"),
                heading="\n".join(lines[:2]),
                chunks=tuple(lines[2:-1]),  # the summary and each field; not the link
                credential=credential.id,
            )
        )
    return sections


def section_ids(content: Content) -> set[str]:
    """Every id an ask may name: guide pages, credentials and intents."""
    from flows.ask.intents import INTENTS

    pages = {page_id(t.id, page) for t in content.guide.topics for page in t.pages}
    credentials = {credential_id(c.id) for c in content.credentials.credentials}
    return pages | credentials | {intent_id(name) for name in INTENTS}
