"""python -m bot: start the CareerPath bot with settings from the environment.

python -m bot --console runs the same dialogue in the terminal, without Telegram.
"""

from __future__ import annotations

import argparse
import sys

from bot.indexer import IndexerChild


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "--console",
        action="store_true",
        help="talk to the bot in this terminal: no token, no network needed",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # bm25s takes a quarter of a second to load in the indexer's child process
    # (bot/indexer.py): started before this process imports the bot, both load side by side.
    indexer = None if args.console else IndexerChild().start()
    try:
        from bot.startup import run

        return run(args.console, indexer)
    finally:
        if indexer is not None:
            indexer.close()


if __name__ == "__main__":
    sys.exit(main())
