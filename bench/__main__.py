"""python -m bench: load the CareerPath bot and a bare echo bot with simulated users.

Each run starts a local stub Telegram Bot API on 127.0.0.1 (with the fake users, in this
process), the bot as its own process (`python -m bot`, a fresh database), and plays every user
from /start through the quiz to a persona plan, all at once. Capacity mode switches all flood
control off; production mode enforces Telegram's limits. The echo bot gets the same load in the
same run as the floors of the stack, once on PTB's default httpx and once on the bot's own
aiohttp transport. `--mix typed` makes one user in three also type two questions. Prints one
table, the CPU per typed question, and the targets; exits 1 if any user did not finish.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from bench.configs import bots, modes
from bench.report import (
    Row,
    checks,
    describe_checks,
    medians,
    question_table,
    run_by_run,
    table,
)
from bench.runner import RunResult, run_once


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--users", type=int, default=1000, help="simulated users (capacity)")
    parser.add_argument(
        "--production-users",
        type=int,
        default=300,
        help="simulated users in production mode, where Telegram's 30 messages/s make every "
        "1,000 users take 7 minutes per bot (default: 300, about 2 minutes)",
    )
    parser.add_argument(
        "--modes", default="capacity,production", help="comma-separated: capacity,production"
    )
    parser.add_argument(
        "--think",
        default="1,3",
        help="production mode: seconds a user takes between taps, LOW,HIGH (default 1,3)",
    )
    parser.add_argument(
        "--reply-timeout",
        type=float,
        default=300.0,
        help="seconds a user waits for one reply before giving up",
    )
    parser.add_argument(
        "--bots",
        default="",
        help="only the bots whose name contains one of these comma-separated words "
        "(e.g. echo, sqlite, postgres; default: all)",
    )
    parser.add_argument(
        "--mix",
        choices=("buttons", "typed"),
        default="buttons",
        help="typed: one user in three also types two questions after the plan (default: "
        "buttons only)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run each bot this many times per mode, taking turns, and report each figure's "
        "median (capacity figures move by about 20%% from run to run on a shared machine)",
    )
    parser.add_argument(
        "--webhook",
        action="store_true",
        help="the stub POSTs updates to each bot's webhook (bot/webhook.py) instead of being "
        "polled; the echo floors answer taps with a request, the bot in the webhook's answer",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--profile",
        type=Path,
        help="write a py-spy profile of each bot's load phase, and of its typed questions, "
        "here (see python -m bench.hotspots)",
    )
    parser.add_argument("--keep", action="store_true", help="keep databases and bot logs")
    return parser.parse_args(argv)


def machine() -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
        f"load average before the run {load}"
    )


async def run(args: argparse.Namespace, workdir: Path) -> list[RunResult]:
    low, high = (float(part) for part in args.think.split(","))
    chosen = modes((low, high))
    wanted = [word.strip() for word in args.bots.split(",") if word.strip()]
    chosen_bots = [
        target
        for target in bots(with_postgres=bool(os.environ.get("TEST_DATABASE_URL", "").strip()))
        if not wanted or any(word in target.name for word in wanted)
    ]
    results = []
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    for name in args.modes.split(","):
        mode = chosen[name.strip()]
        users = args.users if mode.name == "capacity" else args.production_users
        for round_, target in itertools.product(range(args.repeat), chosen_bots):
            which = f" (run {round_ + 1} of {args.repeat})" if args.repeat > 1 else ""
            print(
                f"… {mode.name}: {target.name}, {users} users{which}", file=sys.stderr, flush=True
            )
            result = await run_once(
                mode,
                target,
                users,
                workdir,
                reply_timeout=args.reply_timeout,
                seed=args.seed,
                profile_dir=args.profile,
                typed_questions=args.mix == "typed",
                measure_questions=mode.name == "capacity",
                run=round_ + 1,
                webhook=args.webhook,
            )
            failed = [r for r in result.runs if r.error]
            for run_ in failed[:3]:
                print(f"   user {run_.user_id} failed: {run_.error}", file=sys.stderr)
            for note in result.notes:
                print(f"   {note}", file=sys.stderr)
            results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    print(f"{time.strftime('%Y-%m-%d %H:%M')} · {machine()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="careerpath-bench-") as directory:
        results = asyncio.run(run(args, Path(directory)))
        if args.keep:
            kept = Path(tempfile.mkdtemp(prefix="careerpath-bench-kept-"))
            os.rename(directory, kept / "runs")
            os.mkdir(directory)
            print(f"databases and logs kept in {kept / 'runs'}", file=sys.stderr)
    runs = [Row.of(result) for result in results]
    rows = medians(runs)
    if args.repeat > 1:
        print(f"Each figure is the median of {args.repeat} runs (unfinished users: the worst run)")
    print(table(rows))
    if args.repeat > 1:
        print(f"\n{run_by_run(runs)}")
    questions = question_table(rows)
    if questions:
        print(f"\n{questions}")
    print("\nTargets:")
    print(describe_checks(checks(rows, full_users=1000, runs=runs)))
    unfinished = sum(row.users - row.finished for row in runs)
    if unfinished:
        print(f"\n{unfinished} simulated user(s) did not finish", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
