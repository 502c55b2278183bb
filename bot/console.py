"""python -m bot --console: the same dialogue in a terminal, with no token and no network.

It runs the very flows, content and storage the Telegram bot uses; only the delivery
differs: messages are printed as text, buttons are numbered (a button keeps its number
while its message turns page), and files (the /salary chart, exports) are saved in
./exports/, which git ignores.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from functools import partial
from pathlib import Path
from typing import TextIO

from bot.conversation import Conversation
from bot.indexer import Indexer, cache_dir
from bot.storage import open_storage
from flows.callbacks import Act, decode
from flows.dialogue import COMMANDS, Dialogue
from flows.replies import Attachment, Button, Outcome, plain_text
from flows.schema import ConsoleWords, Content
from flows.state import ChatState, Person

# Telegram never uses chat id 0, so the console's chat cannot clash with a real one.
CONSOLE_CHAT = 0
FILES_DIR = "exports"  # under the working directory
PAGE_TURNS = (Act.GUIDE_PAGE, Act.PLAN_PAGE, Act.TICK)
RULE = "─" * 60


class Console:
    def __init__(
        self,
        conversation: Conversation,
        stdout: TextIO,
        language_code: str,
        files_dir: Path | None = None,
    ) -> None:
        self.conversation = conversation
        self.files_dir = files_dir or Path.cwd() / FILES_DIR
        self.dialogue: Dialogue = conversation.dialogue
        self.out = stdout
        self.language_code = language_code
        # The console's own lines follow the chat's language, which /language can change.
        self.language = self.dialogue.language_for(language_code)
        self.buttons: dict[int, Button] = {}  # the newest message's buttons, by number
        # A label's number on the newest message, kept while the message turns page (the
        # guide, a plan's phases, ticking a step), so "Next ▶" is the same number on
        # every page.
        self.numbers: dict[str, int] = {}
        self.turning_page = False
        self.message_id = 0  # the newest message; taps on its buttons replace it

    @property
    def words(self) -> ConsoleWords:
        return self.dialogue.content.words(self.language).messages.console

    @property
    def person(self) -> Person:
        return Person(first_name=self.words.name, language_code=self.language_code)

    async def resume(self) -> None:
        """Pick up the language the chat chose last time."""
        state = await self.conversation.storage.load(CONSOLE_CHAT) or ChatState()
        self.language = self.dialogue.language(state, self.person)

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def show(self, outcome: Outcome) -> None:
        if outcome.notice:
            self.say(f"  ({outcome.notice})")
        for reply in outcome.replies:
            if not reply.replace:
                self.message_id += 1
            if not (reply.replace and self.turning_page):
                self.numbers = {}
            if reply.attachment is not None:
                self.save(reply.attachment)
            else:
                self.say(f"{RULE}\n{plain_text(reply.text)}")
            if reply.keyboard:
                self.show_buttons([button for row in reply.keyboard for button in row])

    def show_buttons(self, buttons: list[Button]) -> None:
        """Numbered in order; on a page turn, a label still on the message keeps its
        number and new labels take the lowest free ones."""
        kept = {b.label: self.numbers[b.label] for b in buttons if b.label in self.numbers}
        free = (n for n in itertools.count(1) if n not in kept.values())
        self.numbers = {b.label: kept.get(b.label) or next(free) for b in buttons}
        self.buttons = {self.numbers[button.label]: button for button in buttons}
        for number, button in sorted(self.buttons.items()):
            link = f"  ↗ {button.url}" if button.url else ""
            self.say(f"  [{number}] {button.label}{link}")
        self.say(self.words.choose)

    def save(self, attachment: Attachment) -> None:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / attachment.filename
        path.write_bytes(attachment.data)
        self.say(f"{RULE}\n{plain_text(attachment.caption)}")
        self.say(self.words.saved.format(path=path))

    async def handle(self, line: str) -> None:
        dialogue, person = self.dialogue, self.person
        self.turning_page = False
        if line.isdigit() and int(line) in self.buttons:
            button = self.buttons[int(line)]
            if button.url:
                self.say(self.words.opens.format(url=button.url))
                return
            tap = decode(button.data)
            self.turning_page = tap is not None and tap.act in PAGE_TURNS
            step = partial(
                dialogue.tap, person=person, data=button.data, message_id=self.message_id
            )
        elif line.startswith("/"):
            name, _, payload = line[1:].partition(" ")
            name = name.lower() if name.lower() in COMMANDS else ""
            step = partial(dialogue.command, person=person, name=name, payload=payload.strip())
        else:
            step = partial(dialogue.text, person=person, typed=line)
        outcome = await self.conversation.step(CONSOLE_CHAT, step)
        self.language = dialogue.language(outcome.state, person)
        self.show(outcome)


async def run_console(content: Content, database_url: str, stdin: TextIO, stdout: TextIO) -> None:
    storage = open_storage(database_url)
    await storage.open()
    try:
        language_code = os.environ.get("LANG", "en")[:2]
        # The typed-question index as the bot gets it: from the cache, else weighed in a child.
        dialogue = Dialogue(content, weigh=Indexer(cache_dir()))
        conversation = Conversation(dialogue, storage)
        console = Console(conversation, stdout, language_code)
        await console.resume()
        console.say(console.words.intro)
        while line := await asyncio.to_thread(stdin.readline):
            if line.strip():
                await console.handle(line.strip())
                await conversation.tallies.flush()  # one person typing: nothing to gather
        console.say(f"{RULE}\n{console.words.goodbye}")
    finally:
        await storage.close()
