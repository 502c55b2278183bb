"""The replies to typed questions: a short answer with its source, "Did you mean…", the
off-topic line, the safety line. Every one has buttons to go on."""

from __future__ import annotations

from flows.ask.sections import Section
from flows.ask.understand import Understanding
from flows.callbacks import Act, encode
from flows.replies import Button, Keyboard, Reply
from flows.schema import Content
from flows.views import Views


class AskViews:
    def __init__(self, content: Content, views: Views) -> None:
        self.content = content
        self.views = views

    def open_button(self, section: Section, label: str | None = None) -> Button:
        """A button that opens a section in full: its guide page or its credential card."""
        if section.kind == "credential":
            return Button(label or section.title, encode(Act.CREDENTIAL, section.credential))
        return Button(label or section.title, encode(Act.GUIDE_PAGE, section.topic, section.page))

    def answer(self, language: str, understanding: Understanding, *, brief: bool = False) -> Reply:
        """The best section's heading and the chunk that answers; a button to read it all,
        and (unless brief, as during the quiz) up to two related sections."""
        section = understanding.section
        assert section is not None and understanding.kind == "answer"
        words = self.content.words(language).asks.words
        full = words.full_card if section.kind == "credential" else words.full_page
        keyboard: list[tuple[Button, ...]] = [(self.open_button(section, full),)]
        if not brief:
            keyboard += [(self.open_button(other),) for other in understanding.others]
            keyboard.append(self._guide_menu(language))
        return Reply(self._excerpt(section, understanding.chunk), tuple(keyboard))

    @staticmethod
    def _excerpt(section: Section, chunk: int) -> str:
        parts = [section.heading]
        chunks = section.chunks
        if section.kind == "credential":
            parts.append(chunks[0])  # the summary, then the line that answers
        best = chunks[max(chunk, 0)] if chunks else ""
        if best and best not in parts:
            parts.append(best)
        return "\n\n".join(parts)

    def did_you_mean(self, language: str, suggestions: tuple[Section, ...]) -> Reply:
        words = self.content.words(language).asks.words
        keyboard: Keyboard = (
            *((self.open_button(section),) for section in suggestions),
            (Button(words.none_of_these, encode(Act.GUIDE_MENU, "here")),),
        )
        return Reply(words.did_you_mean, keyboard)

    def off_topic(self, language: str) -> Reply:
        """One line on what the bot helps with, above the guide menu."""
        menu = self.views.guide_menu(language)
        line = self.content.words(language).asks.words.off_topic
        return Reply(f"{line}\n\n{menu.text}", menu.keyboard)

    def safety(self, language: str) -> Reply:
        words = self.content.words(language).asks.words
        return Reply(words.safety, (self._guide_menu(language),))

    def thanks(self, language: str) -> Reply:
        words = self.content.words(language).asks.words
        return Reply(words.thanks, self.views.help(language).keyboard)

    def _guide_menu(self, language: str) -> tuple[Button, ...]:
        label = self.content.words(language).messages.buttons.guide_menu
        return (Button(label, encode(Act.GUIDE_MENU, "new")),)
