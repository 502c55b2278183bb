"""The /stats chart: events per day as lines, drawn to a PNG.

matplotlib is imported inside draw(), and bot/stats_chart.py calls it in a short-lived child
process, so the serving process never loads matplotlib for an admin's chart.
"""

from __future__ import annotations

import io
from typing import Any

WIDTH, HEIGHT, DPI = 10.0, 5.6, 100  # inches at 100 dpi: 1000 x 560 px, sharp on a phone
COLOURS = ("#0b3d91", "#d4651a", "#2a8a3e", "#7a3d91")


def draw(spec: dict[str, Any]) -> bytes:
    """spec: {"title": str, "days": ["YYYY-MM-DD", ...], "series": [{"name", "values"}]}."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    days = [day[5:] for day in spec["days"]]  # MM-DD
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for index, series in enumerate(spec["series"]):
        colour = COLOURS[index % len(COLOURS)]
        axes.plot(days, series["values"], label=series["name"], color=colour, linewidth=2.5)
    axes.set_title(spec["title"], fontsize=18)
    axes.legend(fontsize=13, loc="upper left")
    axes.set_ylim(bottom=0)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.tick_params(axis="x", labelrotation=60, labelsize=10)
    axes.tick_params(axis="y", labelsize=12)
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
