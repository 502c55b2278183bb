"""Every screen the bot shows, rendered from content into transport-neutral replies."""

from __future__ import annotations

import html
from urllib.parse import urlencode

from flows.callbacks import Act, encode
from flows.deeplinks import SHARE_PAYLOAD
from flows.guide import PAGE_BUDGET, Topic, pack, visible
from flows.replies import Button, Keyboard, Reply, rows
from flows.schema import Content, Track
from flows.state import ChatState
from flows.tryout.screens import try_job_button

# "Compare all" packs credentials onto pages of at most this many characters (markup
# included), so each page stays well under the 1,000 a phone screen shows comfortably.
COMPARE_PAGE_BUDGET = 950


# A credential card longer than this (visible characters) is split into pages.
CARD_BUDGET = 1000


class Views:
    def __init__(self, content: Content, total_questions: int) -> None:
        self.content = content
        self.total = total_questions
        # The bot's t.me address, once Telegram has told the bot its username; until then
        # (and in the console) there is no Share button.
        self.bot_link: str | None = None

    def share_button(self, language: str) -> Button | None:
        """The Share button: Telegram's share sheet with a link to the bot (a deep link that
        counts the arrival) and a one-line invitation; never anything the user answered.
        None while the bot's address is unknown (the console)."""
        if self.bot_link is None:
            return None
        share = self.content.words(language).messages.share
        link = f"{self.bot_link}?start={SHARE_PAYLOAD}"
        query = urlencode({"url": link, "text": share.invitation})
        return Button(share.button, url=f"https://t.me/share/url?{query}")

    # ---- welcome and quiz ----------------------------------------------------------------

    def welcome(
        self, language: str, first_name: str, question_number: int | None, version: int
    ) -> Reply:
        words = self.content.words(language).messages
        text = words.welcome.text.format(name=html.escape(first_name), total=self.total)
        buttons = words.buttons
        if question_number is None:
            keyboard = (
                (Button(buttons.start_quiz, encode(Act.START)),),
                (self._try_job(language),),
            )
            return Reply(text, keyboard)
        progress = words.welcome.in_progress.format(number=question_number, total=self.total)
        keyboard = (
            (Button(buttons.continue_quiz.format(number=question_number), encode(Act.START)),),
            (Button(buttons.start_over, encode(Act.START_OVER, version)),),
        )
        return Reply(f"{text}\n\n{progress}", keyboard)

    def question(
        self, language: str, state: ChatState, *, replace: bool, hint: bool = False
    ) -> Reply:
        words = self.content.words(language)
        number = len(state.answers) + 1
        question = self.content.quiz.questions[number - 1]
        question_words = words.quiz.questions[question.id]
        text = words.messages.quiz.question.format(
            number=number, total=self.total, text=question_words.text
        )
        if hint:
            text = f"{words.messages.quiz.text_hint}\n\n{text}"
        given_before = state.previous[0] if state.previous else None
        answers = [
            (
                Button(
                    ("✓ " if index == given_before else "")
                    + question_words.options[option.id].label,
                    encode(Act.ANSWER, state.version, index),
                ),
            )
            for index, option in enumerate(question.options)
        ]
        buttons = words.messages.buttons
        navigation = [Button(buttons.start_over, encode(Act.START_OVER, state.version))]
        if number > 1:
            navigation.insert(0, Button(buttons.back, encode(Act.BACK, state.version)))
        return Reply(text, (*answers, tuple(navigation)), replace=replace)

    # ---- result and plans ------------------------------------------------------------------

    def _try_job(self, language: str) -> Button:
        return try_job_button(self.content.words(language).tryout)

    def _learn_more(self, language: str) -> Button:
        """Opens the guide menu in a new message, so the result or plan stays in the chat."""
        return Button(
            self.content.words(language).messages.buttons.learn_more,
            encode(Act.GUIDE_MENU, "new"),
        )

    def _to_guide_menu(self, language: str) -> tuple[Button, ...]:
        """The last row of every guide and credential screen: back to the guide menu."""
        label = self.content.words(language).messages.buttons.guide_menu
        return (Button(label, encode(Act.GUIDE_MENU, "here")),)

    def persona_buttons(self, language: str, track: Track) -> Keyboard:
        personas = self.content.words(language).plans.personas
        return tuple(
            (Button(personas[p.id].label, encode(Act.PLAN, p.id, track)),)
            for p in self.content.plans.personas
        )

    def choose_persona(self, language: str, track: Track, *, replace: bool = False) -> Reply:
        """Which persona, for a track; the last row switches to another track."""
        words = self.content.words(language).messages
        text = words.plan.choose_persona.format(track=words.tracks[track])
        other_tracks = tuple(
            Button(words.buttons.tracks[t], encode(Act.CHOOSE_TRACK, t))
            for t in self.content.plans.tracks
            if t != track
        )
        keyboard = (*self.persona_buttons(language, track), other_tracks)
        return Reply(text, keyboard, replace=replace)

    def choose_track(
        self, language: str, persona: str | None = None, *, replace: bool = False
    ) -> Reply:
        """Which track a plan should follow; with a persona, the buttons open its plan."""
        words = self.content.words(language).messages
        tracks = [
            Button(
                words.buttons.tracks[t],
                encode(Act.PLAN, persona, t) if persona else encode(Act.CHOOSE_TRACK, t),
            )
            for t in self.content.plans.tracks
        ]
        keyboard = (*rows(tracks, 1), (Button(words.buttons.take_quiz, encode(Act.START)),))
        return Reply(words.plan.choose_track, keyboard, replace=replace)

    # ---- credentials -----------------------------------------------------------------------

    def _credential_buttons(self) -> list[Button]:
        return [
            Button(c.id.upper(), encode(Act.CREDENTIAL, c.id))
            for c in self.content.credentials.credentials
        ]

    def credentials_menu(self, language: str, *, replace: bool = False) -> Reply:
        words = self.content.words(language).messages
        keyboard = (
            *rows(self._credential_buttons(), 4),
            (Button(words.buttons.compare_all, encode(Act.COMPARE)),),
            self._to_guide_menu(language),
        )
        return Reply(words.certs.menu, keyboard, replace=replace)

    def credential_pages(self, language: str, credential_id: str) -> list[str]:
        """A credential's card, split between lines into phone-sized pages if it is long."""
        text = self._card(language, credential_id)
        if visible(text) <= CARD_BUDGET:
            return [text]
        return pack(text.split("\n"), PAGE_BUDGET, separator="\n")

    def credential(self, language: str, credential_id: str, page: int = 0) -> Reply:
        pages = self.credential_pages(language, credential_id)
        page = min(page, len(pages) - 1)
        buttons = self.content.words(language).messages.buttons
        paging = []
        if page > 0:
            paging.append(Button(buttons.back, encode(Act.CARD_PAGE, credential_id, page - 1)))
        if page < len(pages) - 1:
            paging.append(Button(buttons.next_page, encode(Act.CARD_PAGE, credential_id, page + 1)))
        keyboard = (
            *((tuple(paging),) if paging else ()),
            (
                Button(buttons.all_credentials, encode(Act.CREDENTIALS, "here")),
                Button(buttons.compare_all, encode(Act.COMPARE)),
            ),
            self._to_guide_menu(language),
        )
        return Reply(pages[page], keyboard, replace=True)

    def _card(self, language: str, credential_id: str) -> str:
        words = self.content.words(language)
        credential = next(c for c in self.content.credentials.credentials if c.id == credential_id)
        card = words.certs.credentials[credential_id]
        return words.messages.certs.card.format(
            code=credential.id.upper(),
            name=card.name,
            issuer=self.content.facts.sources[credential.issuer].short,
            level=words.certs.levels[credential.level],
            summary=card.summary,
            track=words.messages.tracks[credential.track],
            setting=card.setting,
            exam=card.exam,
            prerequisites=card.prerequisites,
            preparation=card.preparation,
            fee=card.fee,
            pay=card.pay,
            renewal=card.renewal,
            url=self.content.facts.links[credential.link],
        )

    def compare_credentials(self, language: str, page: int = 0) -> Reply:
        """Every credential side by side (issuer, exam, fee, prerequisites, renewal), in
        phone-sized pages with ◀ ▶ between them."""
        words = self.content.words(language)
        certs, buttons = words.messages.certs, words.messages.buttons
        pages = self._compare_pages(language)
        page = min(page, len(pages) - 1)
        title = certs.compare_title.format(number=page + 1, total=len(pages))
        text = "\n\n".join([title, *pages[page], certs.compare_footer])
        paging = []
        if page > 0:
            paging.append(Button(buttons.back, encode(Act.COMPARE_PAGE, page - 1)))
        if page < len(pages) - 1:
            paging.append(Button(buttons.next_page, encode(Act.COMPARE_PAGE, page + 1)))
        keyboard = tuple(
            row
            for row in (
                tuple(paging),
                *rows(self._credential_buttons(), 4),
                self._to_guide_menu(language),
            )
            if row
        )
        return Reply(text, keyboard, replace=True)

    def compare_page_count(self, language: str) -> int:
        return len(self._compare_pages(language))

    def _compare_pages(self, language: str) -> list[list[str]]:
        words = self.content.words(language)
        certs = words.messages.certs
        blocks = []
        for c in self.content.credentials.credentials:
            card = words.certs.credentials[c.id]
            blocks.append(
                certs.compare_row.format(
                    code=c.id.upper(),
                    name=card.name,
                    issuer=self.content.facts.sources[c.issuer].short,
                    level=words.certs.levels[c.level],
                    exam=card.glance.exam,
                    fee=card.glance.fee,
                    prerequisites=card.glance.prerequisites,
                    renewal=card.glance.renewal,
                    source=card.glance.source,
                )
            )
        frame = len(certs.compare_title) + len(certs.compare_footer) + 4
        pages: list[list[str]] = [[]]
        for block in blocks:
            used = frame + sum(len(b) + 2 for b in pages[-1])
            if pages[-1] and used + len(block) > COMPARE_PAGE_BUDGET:
                pages.append([])
            pages[-1].append(block)
        return pages

    # ---- the career guide ------------------------------------------------------------------

    def guide_menu(self, language: str, *, replace: bool = False) -> Reply:
        words = self.content.words(language)
        buttons = words.messages.buttons
        topics = [
            Button(words.guide.topics[t.id].button, encode(Act.GUIDE_PAGE, t.id, 0))
            for t in self.content.guide.topics
        ]
        keyboard = (
            *rows(topics, 2),
            (
                Button(buttons.start_quiz, encode(Act.START)),
                Button(buttons.make_plan, encode(Act.PLAN_MENU)),
            ),
            (Button(buttons.credentials, encode(Act.CREDENTIALS, "here")),),
        )
        return Reply(words.guide.menu, keyboard, replace=replace)

    def guide_page(
        self, language: str, topic: Topic, index: int, *, replace: bool, offer_quiz: bool = False
    ) -> Reply:
        """A page of a topic; the last page offers the quiz to someone who has not taken it."""
        words = self.content.words(language)
        buttons = words.messages.buttons
        total = len(topic.pages)
        if total == 1:
            header = f"<b>{topic.title}</b>"
        else:
            header = words.guide.page_header.format(
                title=topic.title, number=index + 1, total=total
            )
        paging = []
        if index > 0:
            paging.append(Button(buttons.back, encode(Act.GUIDE_PAGE, topic.id, index - 1)))
        if index < total - 1:
            paging.append(Button(buttons.next_page, encode(Act.GUIDE_PAGE, topic.id, index + 1)))
        quiz = (
            (Button(buttons.start_quiz, encode(Act.START)),)
            if offer_quiz and index == total - 1
            else ()
        )
        keyboard = tuple(row for row in (tuple(paging), quiz, self._to_guide_menu(language)) if row)
        return Reply(f"{header}\n\n{topic.pages[index]}", keyboard, replace=replace)

    # ---- help and fallbacks ----------------------------------------------------------------

    def help(self, language: str) -> Reply:
        words = self.content.words(language).messages
        keyboard = (
            (Button(words.buttons.start_quiz, encode(Act.START)),),
            (self._try_job(language),),
            (self._learn_more(language),),
        )
        return Reply(words.help.text, keyboard)

    # ---- language ------------------------------------------------------------------------

    def language_menu(self, language: str) -> Reply:
        """Every language by its own name; the current one is ticked."""
        buttons = [
            Button(
                f"✓ {words.messages.language.name}"
                if code == language
                else words.messages.language.name,
                encode(Act.LANGUAGE, code),
            )
            for code, words in self.content.languages.items()
        ]
        return Reply(self.content.words(language).messages.language.menu, rows(buttons, 2))

    def language_switched(self, language: str) -> Reply:
        """In place of the language menu: the confirmation, in the new language."""
        words = self.content.words(language).messages
        return Reply(words.language.switched, self.help(language).keyboard, replace=True)

    def group_pointer(self, language: str, private_chat_url: str) -> Reply:
        """In a group: the quiz is personal, so point to a private chat."""
        words = self.content.words(language).messages.group
        return Reply(words.text, ((Button(words.button, url=private_chat_url),),))

    def forget_confirm(self, language: str) -> Reply:
        words = self.content.words(language).messages
        keyboard = (
            (Button(words.buttons.forget_yes, encode(Act.FORGET, "yes")),),
            (Button(words.buttons.forget_no, encode(Act.FORGET, "no")),),
        )
        return Reply(words.forget.confirm, keyboard)

    def forget_answer(self, language: str, *, erased: bool) -> Reply:
        """Shown in place of the confirmation, with a way on instead of its buttons."""
        words = self.content.words(language).messages
        forget = words.forget
        if erased:
            keyboard = ((Button(words.buttons.start_quiz, encode(Act.START)),),)
            return Reply(forget.done, keyboard, replace=True)
        return Reply(forget.kept, self._home_row(language), replace=True)

    def _home_row(self, language: str) -> Keyboard:
        label = self.content.words(language).messages.buttons.home
        return ((Button(label, encode(Act.HOME, "new")),),)

    def note(self, language: str, key: str) -> Reply:
        """One of the short fallback lines (text, unknown_command, media, error), with the
        way home (the welcome, for someone new)."""
        text = getattr(self.content.words(language).messages.fallback, key)
        return Reply(text, self._home_row(language))
