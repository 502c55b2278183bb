"""Logging set-up: the level an operator picks holds for every library the bot loads."""

from __future__ import annotations

import logging

import bm25s  # noqa: F401  (imported for its side effect: it sets its own logger to DEBUG)

from bot.logs import configure_logging


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
