"""Draws the /stats chart in a short-lived child process, so matplotlib (tens of MB, half a
second to import) never loads into the serving bot for a chart an admin asks for now and then.

python -m bot.stats_chart reads the chart's data as JSON on stdin and writes a PNG to stdout.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
from typing import Any

from flows.stats.chart import draw

CHART_SECONDS = 30.0


class ChartFailed(Exception):
    """The child process could not draw the chart."""


async def draw_in_child(spec: dict[str, Any], seconds: float = CHART_SECONDS) -> bytes:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.stats_chart",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(seconds):
            png, error = await process.communicate(json.dumps(spec).encode())
    except TimeoutError:
        process.kill()
        await process.wait()
        raise ChartFailed(f"no chart within {seconds:.0f}s") from None
    if process.returncode != 0 or not png.startswith(b"\x89PNG"):
        last = error.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise ChartFailed(f"exit code {process.returncode}: {last[0]}")
    return png


def main() -> None:
    if importlib.util.find_spec("matplotlib") is None:
        sys.exit('matplotlib is not installed: pip install ".[stats-chart]" to draw this chart')
    sys.stdout.buffer.write(draw(json.load(sys.stdin)))


if __name__ == "__main__":
    main()
