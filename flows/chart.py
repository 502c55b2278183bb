"""Bar charts of dollar figures from content/facts.yaml (the /salary chart), as PNG files.

Drawn with matplotlib's Agg renderer, imported on first use so start-up stays fast, and
without pyplot, so no global figure state is involved. Each chart is drawn once per
language and kept.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from functools import lru_cache

from flows.content import cite, dollar_amount
from flows.replies import Attachment
from flows.schema import Content

# Pixels. About 1000 px wide: sharp on a phone, and the type stays large once scaled down.
WIDTH = 1000
ROW = 142  # one bar with its label above it
TITLE = 110
FOOT = 20
LABEL_SIZE = 28  # points at 100 dpi, i.e. about 39 px tall
VALUE_SIZE = 30
TITLE_SIZE = 34
BAR_COLOUR = "#0b3d91"  # dark blue: white type on it and black type beside it both contrast
INK = "#111111"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    shown: str  # the figure as the copy writes it, e.g. "$50,250"


class ChartBook:
    """The charts of the guide's topics, as photo attachments, drawn once per language."""

    def __init__(self, content: Content) -> None:
        self._content = content
        self._topics = {t.id: t for t in content.guide.topics}
        self.attachment = lru_cache(maxsize=None)(self._attachment)

    def warm_up(self) -> None:
        """Draw every chart in every language now (slow: matplotlib), so no user waits.
        Safe to call from a worker thread."""
        for topic_id in self._topics:
            if self.has_chart(topic_id):
                for language in self._content.languages:
                    self.attachment(language, topic_id)

    def has_chart(self, topic_id: str) -> bool:
        topic = self._topics.get(topic_id)
        return bool(topic and topic.chart)

    def _attachment(self, language: str, topic_id: str) -> Attachment:
        facts = self._content.facts
        words = self._content.words(language)
        chart = words.guide.topics[topic_id].chart
        assert chart is not None, "content checks a chart's words at start-up"
        keys = self._topics[topic_id].chart
        bars = []
        for key in keys:
            text = facts.facts[key].worded(language)
            value = dollar_amount(text)
            assert value is not None, "content checks chart figures at start-up"
            bars.append(Bar(chart.labels[key], value, text))
        # One caption line per source, naming the bars it gives, in the order of the bars.
        by_source: dict[str, list[str]] = {}
        for key in keys:
            by_source.setdefault(cite(facts, key, words.messages.dates), []).append(
                chart.labels[key]
            )
        sources = "\n".join(
            chart.source_line.format(
                bars=html.escape(", ".join(labels), quote=False),
                cite=html.escape(source, quote=False),
            )
            for source, labels in by_source.items()
        )
        caption = chart.caption.format(title=html.escape(chart.title, quote=False), sources=sources)
        png = render_bar_chart(chart.title, bars)
        return Attachment("photo", f"{topic_id}-{language}.png", png, caption, shared=True)


def render_bar_chart(title: str, bars: list[Bar]) -> bytes:
    """Horizontal bars, top to bottom, each with its label above and its figure on it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    height = TITLE + ROW * len(bars) + FOOT
    figure = Figure(figsize=(WIDTH / 100, height / 100), dpi=100, facecolor="white")
    FigureCanvasAgg(figure)
    margin = 0.03
    axes = figure.add_axes((margin, FOOT / height, 1 - 2 * margin, ROW * len(bars) / height))
    axes.set_axis_off()
    top = max(bar.value for bar in bars)
    axes.set_xlim(0, top)
    axes.set_ylim(len(bars) - 0.5, -0.75)  # the first bar on top, room for its label
    renderer = figure.canvas.get_renderer()
    room = axes.get_window_extent(renderer).width
    for row, bar in enumerate(bars):
        axes.barh(row, bar.value, height=0.5, color=BAR_COLOUR)
        label = axes.text(0, row - 0.33, bar.label, fontsize=LABEL_SIZE, color=INK, va="bottom")
        width = label.get_window_extent(renderer).width
        if width > room:  # a long translation: smaller type rather than a cut-off label
            label.set_fontsize(LABEL_SIZE * room / width)
        inside = bar.value >= top * 0.3  # room for the figure on the bar itself
        axes.text(
            bar.value + (-1 if inside else 1) * top * 0.015,
            row,
            bar.shown,
            fontsize=VALUE_SIZE,
            fontweight="bold",
            color="white" if inside else INK,
            va="center",
            ha="right" if inside else "left",
        )
    figure.text(
        margin,
        1 - 40 / height,
        title,
        fontsize=TITLE_SIZE,
        fontweight="bold",
        color=INK,
        va="center",
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
