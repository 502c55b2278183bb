"""python -m bench.hotspots PROFILE.txt [--top N]: where a profile from `python -m bench
--profile DIR` spends its time, as each function's share of the samples (inclusive: the
function and everything it calls; the lines of one function counted together)."""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

_LINE_NUMBER = re.compile(r":\d+\)$")


def inclusive_shares(collapsed: str) -> tuple[Counter[str], int]:
    """Samples per function from py-spy's raw format (`frame;frame;... count` lines)."""
    shares: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        total += int(count)
        for frame in {_LINE_NUMBER.sub(")", frame) for frame in stack.split(";")}:
            shares[frame] += int(count)
    return shares, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hotspots", description=__doc__)
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    shares, total = inclusive_shares(args.profile.read_text())
    print(f"{total} samples")
    for frame, samples in shares.most_common(args.top):
        print(f"{100 * samples / total:5.1f}%  {frame}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
