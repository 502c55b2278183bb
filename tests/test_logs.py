"""Logging set-up: the level an operator picks holds for every library the bot loads."""

from __future__ import annotations

import logging
import time

import pytest

from bot.logs import FORMAT, SecondsFormatter, chat_ref, configure_logging, forget_chat_ref


def test_libraries_that_set_their_own_debug_level_follow_log_level() -> None:
    """bm25s sets its logger to DEBUG on import, so every start printed its index builds
    at the default INFO level (and in the console demo, before the first screen)."""
    import bm25s  # noqa: F401  (here, not at the top: every test worker would load numpy)

    root = logging.getLogger()
    saved = (root.level, root.handlers[:])
    try:
        configure_logging("INFO", [])
        assert not logging.getLogger("bm25s").isEnabledFor(logging.DEBUG)
        assert not logging.getLogger("bm25s").isEnabledFor(logging.INFO)
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]


def test_each_line_shows_its_own_time_to_the_millisecond() -> None:
    """The date and time are formatted once per second: lines within a second, and the
    first line of the next, still read exactly as logging's own formatter writes them."""
    formatter = SecondsFormatter(FORMAT)
    reference = logging.Formatter(FORMAT)
    for created in (1_700_000_000.123, 1_700_000_000.9, 1_700_000_001.004, 1_700_003_600.5):
        record = logging.LogRecord("bot.updates", logging.INFO, "", 0, "update=%s", ("tap",), None)
        record.created, record.msecs = created, (created - int(created)) * 1000
        assert formatter.format(record) == reference.format(record)


def test_a_chat_keeps_its_log_reference_for_a_utc_day_and_loses_it_after_forget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1_700_000_000.0]  # 2023-11-14 22:13 UTC
    monkeypatch.setattr(time, "time", lambda: now[0])
    first = chat_ref(424242, "key")
    assert first == chat_ref(424242, "key")
    assert first != chat_ref(424243, "key") and first != chat_ref(424242, "other key")
    assert len(first) == 12 and str(424242) not in first
    now[0] += 2 * 3600  # past midnight UTC: the next day's lines do not link to today's
    next_day = chat_ref(424242, "key")
    assert next_day != first
    forget_chat_ref(424242)
    assert chat_ref(424242, "key") not in (first, next_day)
