"""python -m bot.charts: draw the guide's charts into content/charts/ (a build step).

Run it after changing a figure or a chart label in content/; tests/test_salary_chart.py
fails, naming this command, while a shipped chart differs from what the content draws. The
bot itself only reads the PNG files, so its process never loads matplotlib.
"""

from __future__ import annotations

import sys

from content import CONTENT_DIR
from flows.chart import draw_charts
from flows.content import CHARTS, load_content


def main() -> int:
    folder = CONTENT_DIR / CHARTS
    folder.mkdir(exist_ok=True)
    # The shipped charts may be missing or stale right now: load the words without them.
    content = load_content(check_charts=False)
    for name, png in draw_charts(content).items():
        path = folder / name
        changed = not path.exists() or path.read_bytes() != png
        if changed:
            path.write_bytes(png)
        print(f"{path.relative_to(CONTENT_DIR.parent)}: {'drawn' if changed else 'up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
