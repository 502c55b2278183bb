"""Concurrent updates: per-chat order, and a chat's backlog never starves the other chats."""

from __future__ import annotations

import asyncio
import datetime as dtm

from telegram import Chat, Message, Update

from bot.processor import PerChatUpdateProcessor


def update_in(chat_id: int, update_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, dtm.datetime.now(dtm.UTC), chat, text="x"))


async def test_a_chat_with_a_backlog_holds_one_slot_and_keeps_its_order() -> None:
    processor = PerChatUpdateProcessor(max_concurrent_updates=2)
    release = asyncio.Event()
    handled: list[str] = []

    async def handle(name: str, blocked: bool = False) -> None:
        if blocked:
            await release.wait()
        handled.append(name)

    # A fast tapper: four updates in chat 1, the first one slow; then one update in chat 2.
    tasks = [
        asyncio.create_task(
            processor.process_update(update_in(1, n), handle(f"a{n}", blocked=n == 0))
        )
        for n in range(4)
    ]
    tasks.append(asyncio.create_task(processor.process_update(update_in(2, 9), handle("b"))))
    async with asyncio.timeout(2):
        while "b" not in handled:  # noqa: ASYNC110 - the handlers set no event to await
            await asyncio.sleep(0)
    assert handled == ["b"], "chat 2 did not wait for chat 1's backlog"

    release.set()
    await asyncio.gather(*tasks)
    assert handled == ["b", "a0", "a1", "a2", "a3"], "chat 1's updates in order"
