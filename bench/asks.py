"""python -m bench.asks: what typed questions cost. The index's build time and the memory
it adds, and the CPU per typed question through the whole dialogue step (language, safety,
search, reply), over every question of tests/data/questions_*.yaml, many times.

Targets (issue 17, on the 2-core machine): ≤ 2 ms CPU per question at p99, the index built
in ≤ 300 ms, ≤ 15 MB more RSS.
"""

from __future__ import annotations

import argparse
import gc
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def rss_mb() -> float:
    """Resident memory now, from /proc (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def build_in_a_fresh_process() -> None:
    """Run in a child: everything the bot loads without typed questions, then what they
    add, built as python -m bot builds it (PyStemmer, rapidfuzz and both indexes here;
    bm25s and numpy only in the indexer's child process), measured apart: the first
    start with new content, then a restart that finds the weights in the cache."""
    import telegram  # noqa: F401  (the bot has these loaded before it builds the index)

    from flows.content import load_content

    content = load_content()
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    import rapidfuzz  # noqa: F401
    import Stemmer  # noqa: F401

    imported = time.perf_counter() - started
    from bot.indexer import Indexer
    from flows.ask.understand import Reader

    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        reader = Reader(content, weigh=Indexer(Path(cache)))
        built = time.perf_counter() - started
        gc.collect()
        added = rss_mb() - before
        started = time.perf_counter()
        Reader(content, weigh=Indexer(Path(cache)))
        rebuilt = time.perf_counter() - started
    assert reader.index.languages
    print(f"libraries imported in {imported * 1000:.0f} ms")
    print(
        f"index built (both languages, at start-up) in {built * 1000:.0f} ms "
        f"(bm25s weighing in a child), {rebuilt * 1000:.0f} ms from the cache"
    )
    print(f"RSS added by the libraries and the index: {added:.1f} MB")
    loaded = "numpy" in sys.modules or "bm25s" in sys.modules
    print(f"numpy or bm25s loaded in the bot's process: {'yes' if loaded else 'no'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.asks", description=__doc__)
    parser.add_argument("--rounds", type=int, default=20, help="times each question is asked")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        build_in_a_fresh_process()
        return 0
    subprocess.run([sys.executable, "-m", "bench.asks", "--child"], check=True)

    from bench.questions import questions
    from flows.content import load_content
    from flows.dialogue import Dialogue
    from flows.state import ChatState, Person

    content = load_content()
    dialogue = Dialogue(content)
    person = Person(first_name="Ana", language_code="en")
    asked = [q.text for language in content.languages for q in questions(language)]
    states = {"outside the quiz": ChatState(), "during the quiz": ChatState(step="q1")}
    for name, state in states.items():
        costs = []
        for _ in range(args.rounds):
            for text in asked:
                started = time.process_time()
                dialogue.text(state, person, text)
                costs.append(time.process_time() - started)
        print(
            f"CPU per question, {name} ({len(costs)} asked): "
            f"p50 {percentile(costs, 0.5) * 1000:.2f} ms, "
            f"p99 {percentile(costs, 0.99) * 1000:.2f} ms, "
            f"max {max(costs) * 1000:.2f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
