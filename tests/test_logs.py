"""Logging set-up: the level an operator picks holds for every library the bot loads."""

from __future__ import annotations

import logging

import bm25s  # noqa: F401  (imported for its side effect: it sets its own logger to DEBUG)

from bot.logs import FORMAT, SecondsFormatter, configure_logging


def test_libraries_that_set_their_own_debug_level_follow_log_level() -> None:
    """bm25s sets its logger to DEBUG on import, so every start printed its index builds
    at the default INFO level (and in the console demo, before the first screen)."""
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
