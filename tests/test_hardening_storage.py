"""The database under the running `python -m bot`: deleted, refusing writes, and /forget
leaving nothing behind."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
from pathlib import Path

import pytest

from bot.app import STORAGE
from flows.schema import Content
from tests.bot_harness import BotProcess, running_bot
from tests.quiz_routes import ROUTES, TOTAL, start_quiz
from tests.stub_bot_api import StubBotApi

NOT_SAVED = "your last step was not saved"
SAVED = "progress is saved"
# What the bot stores for a chat that chose Spanish and answered questions.
MARKER = b'"language":"es"'


def delete_database(path: Path) -> None:
    """What an operator's cleanup script, or a volume detached, does to a live bot."""
    for leftover in path.parent.glob(f"{path.name}*"):
        leftover.unlink()


async def test_a_deleted_database_stops_the_bot_and_no_reply_claims_a_save(
    stub: StubBotApi, tmp_path: Path
) -> None:
    path = tmp_path / BotProcess.SQLITE_FILE
    bot = BotProcess.in_dir(stub, tmp_path)
    user = stub.user(4201, "Del")
    try:
        await bot.start()
        await start_quiz(user)
        await user.tap(ROUTES["coding"][0])
        delete_database(path)
        reply = await user.tap(ROUTES["coding"][1], reply_timeout=10)
        texts = " ".join(reply.texts)
        assert SAVED not in texts, "never claims a save that did not happen"
        assert f"Question 3 of {TOTAL}" not in texts, "no step is acknowledged"
        assert NOT_SAVED in texts
        assert bot.process is not None
        started = time.monotonic()
        async with asyncio.timeout(10):
            code = await bot.process.wait()
        assert code != 0 and time.monotonic() - started < 10
    finally:
        await bot.stop_quietly()
    log = bot.log()
    assert "was deleted or replaced" in log and str(path) in log
    assert not path.exists(), "nothing writes a fresh file behind the operator's back"


async def test_a_write_the_database_refuses_is_not_called_saved(
    stub: StubBotApi, content: Content, tmp_path: Path
) -> None:
    user = stub.user(4202, "Ro")
    async with running_bot(stub, content, f"sqlite:///{tmp_path / 'state.sqlite3'}") as app:
        await start_quiz(user)
        storage = app.bot_data[STORAGE]

        async def refuse(*args: object, **kwargs: object) -> bool:
            raise sqlite3.OperationalError("attempt to write a readonly database")

        original, storage.save = storage.save, refuse
        reply = await user.tap(ROUTES["coding"][0])
        assert [m.text for m in reply.messages] == [
            "Sorry, something went wrong on my side, and your last step was not saved. "
            "Please try it again in a few minutes."
        ]
        assert reply.callback_answer is not None, "the button's spinner stops"
        storage.save = original
        again = await user.tap(ROUTES["coding"][0])
        assert f"Question 2 of {TOTAL}" in again.last.text


@pytest.mark.parametrize("language", ["es"])
async def test_the_not_saved_notice_in_spanish(
    stub: StubBotApi, content: Content, tmp_path: Path, language: str
) -> None:
    user = stub.user(4203, "Sol", language_code=language)
    async with running_bot(stub, content, f"sqlite:///{tmp_path / 'state.sqlite3'}") as app:
        await user.send("/start")
        storage = app.bot_data[STORAGE]

        async def refuse(*args: object, **kwargs: object) -> bool:
            raise sqlite3.OperationalError("disk I/O error")

        storage.save = refuse
        reply = await user.tap("▶")
        assert reply.messages and "no se guardó" in reply.messages[-1].text
        assert "está guardado" not in reply.messages[-1].text


def database_bytes(path: Path) -> bytes:
    """The database file and its WAL, as anyone with the disk could read them."""
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(f"{path.name}*")))


def refs_of(log: str, handler: str) -> list[str]:
    return re.findall(rf"chat=(\w+) handler={re.escape(handler)} ", log)


async def test_forget_leaves_no_bytes_in_the_database_or_its_wal_even_after_kill_9(
    stub: StubBotApi, tmp_path: Path
) -> None:
    path = tmp_path / BotProcess.SQLITE_FILE
    bot = BotProcess.in_dir(stub, tmp_path)
    user = stub.user(4301, "Wal")
    try:
        await bot.start()
        await start_quiz(user)
        for label in ROUTES["coding"][:3]:
            await user.tap(label)
        await user.send("/language")
        await user.tap("Español")
        assert MARKER in database_bytes(path), "the marker is what the bot stores"
        await user.send("/forget")
        done = await user.tap("Sí")
        assert done.messages or done.edits
        assert MARKER not in database_bytes(path), "gone at once, WAL included"
        await user.send("/start")
        await bot.kill()
        assert MARKER not in database_bytes(path), "and after kill -9"
    finally:
        await bot.stop_quietly()
    log = bot.log()
    (before,) = set(refs_of(log, "/language"))
    after = refs_of(log, "/start")[-1]
    assert before != after, "the log reference does not outlive /forget"


async def test_a_database_lock_held_elsewhere_does_not_stall_every_chat(
    stub: StubBotApi, tmp_path: Path
) -> None:
    """Another process (a backup, an operator's sqlite3 shell) holds the write lock for a
    while: chats that only read are answered at once, and the writers each get a truthful
    answer within seconds, not one after another."""
    path = tmp_path / BotProcess.SQLITE_FILE
    bot = BotProcess.in_dir(stub, tmp_path)
    writers = [stub.user(4700 + n, f"W{n}") for n in range(6)]
    reader = stub.user(4710, "Reader")
    try:
        await bot.start()
        for user in writers:
            await start_quiz(user)
        await reader.send("/start")
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held
        try:
            taps = [
                asyncio.create_task(u.tap(ROUTES["coding"][0], reply_timeout=20)) for u in writers
            ]
            await asyncio.sleep(0.3)
            started = time.monotonic()
            helped = await reader.send("/help", reply_timeout=10)
            assert helped.messages
            assert time.monotonic() - started < 1.5, "a read waited on someone else's lock"
            await asyncio.sleep(1.0)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        started = time.monotonic()
        replies = await asyncio.gather(*taps)
        assert time.monotonic() - started < 8
        for reply in replies:
            text = " ".join(reply.texts)
            assert f"Question 2 of {TOTAL}" in text or NOT_SAVED in text, text[:80]
    finally:
        await bot.stop_quietly()
