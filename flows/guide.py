"""The career guide: topics of short pages (/roles, /training, ...), one of which also lists
every source in content/facts.yaml with its dates and link."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from flows.content import fact_date, format_date
from flows.schema import Content, LanguageWords, Source

# Pages longer than this many visible characters (markup and link addresses aside) are split
# between paragraphs, and source entries are packed onto pages of at most this size, so
# every page fits a phone screen (1,000 characters, with the page header).
PAGE_BUDGET = 900


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    pages: tuple[str, ...]  # HTML, in reading order
    page_ids: tuple[str, ...] = ()  # the content page each page comes from


class GuideBook:
    """Builds each topic's pages once per language, from content."""

    def __init__(self, content: Content) -> None:
        self._content = content
        self._topics = {t.id: t for t in content.guide.topics}
        self._by_command = {t.command: t.id for t in content.guide.topics}
        self.topic = lru_cache(maxsize=None)(self._topic)

    def is_topic(self, topic_id: str) -> bool:
        return topic_id in self._topics

    @property
    def commands(self) -> tuple[str, ...]:
        """The commands that open a topic, in menu order."""
        return tuple(self._by_command)

    def for_command(self, command: str) -> str | None:
        """The topic a command such as "roles" opens, if it opens one."""
        return self._by_command.get(command)

    def _topic(self, language: str, topic_id: str) -> Topic:
        topic = self._topics[topic_id]
        words = self._content.words(language)
        topic_words = words.guide.topics[topic_id]
        pages: list[str] = []
        page_ids: list[str] = []
        for page in topic.pages:
            blocks = topic_words.pages[page].split("\n\n")
            if topic.lists_sources and page == topic.pages[-1]:
                blocks += [self._source_entry(words, key) for key in self._content.facts.sources]
            packed = pack(blocks, PAGE_BUDGET)
            pages += packed
            page_ids += [page] * len(packed)
        return Topic(topic_id, topic_words.title, tuple(pages), tuple(page_ids))

    def page_of(self, language: str, topic_id: str, page_id: str) -> int:
        """The index of the first page a content page became (pages may be split)."""
        return self.topic(language, topic_id).page_ids.index(page_id)

    def _source_entry(self, words: LanguageWords, key: str) -> str:
        facts = self._content.facts
        source = facts.sources[key]
        listing = words.guide.sources
        cites = ", ".join(facts.sources[cited].short for cited in source.cites)
        if source.url:
            link = _link(listing.link, source.url)
        else:
            issuers = [facts.sources[issuer].url or "" for issuer in source.confirm_at]
            link = listing.confirm_at.format(
                links=", ".join(_link(listing.link, url) for url in issuers)
            )
        return listing.entry.format(
            short=html.escape(source.short, quote=False),
            publisher=html.escape(source.publisher, quote=False),
            title=html.escape(source.title, quote=False),
            dates=self._source_dates(words, key, source),
            about=listing.about[key],
            cites=listing.cites.format(sources=html.escape(cites, quote=False)) if cites else "",
            link=link,
        )

    def _source_dates(self, words: LanguageWords, key: str, source: Source) -> str:
        """When the source was published, else the dates of the figures taken from it."""
        dates = words.messages.dates
        if source.published:
            return format_date(source.published, dates)
        figures = [f for f in self._content.facts.facts.values() if f.source == key]
        if not figures:
            return words.guide.sources.live_site
        figures.sort(key=lambda f: f.as_of or "", reverse=True)  # newest first, undated last
        figures.sort(key=lambda f: f.projection)  # stable: projections after reported figures
        return " · ".join(dict.fromkeys(fact_date(f, dates) for f in figures))


def _link(template: str, url: str) -> str:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return template.format(url=url, host=host)


def visible(text: str) -> int:
    """Characters a reader sees of Telegram HTML."""
    return len(html.unescape(re.sub(r"<[^>]+>", "", text)))


def pack(blocks: list[str], budget: int, separator: str = "\n\n") -> list[str]:
    """Join blocks into as few pages as possible, each within budget (visible characters)
    unless a block is longer on its own; blocks keep their order and are never split."""
    pages: list[str] = []
    for block in blocks:
        if pages and visible(pages[-1]) + len(separator) + visible(block) <= budget:
            pages[-1] = f"{pages[-1]}{separator}{block}"
        else:
            pages.append(block)
    return pages
