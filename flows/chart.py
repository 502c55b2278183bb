"""Bar charts of dollar figures from content/facts.yaml (the /salary chart), as PNG files.

The serving process only sends the PNG files shipped in content/charts/ (ChartBook): it never
loads matplotlib, which would cost it about 60 MB and half a second of CPU per start. They are
drawn at build time (`python -m bot.charts`, which calls draw_charts) with matplotlib's Agg
renderer, without pyplot; a test draws them again and fails when a shipped file is out of date.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from functools import lru_cache

from flows.content import chart_file, cite, dollar_amount
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
    """The charts of the guide's topics, as photo attachments (the shipped PNG files with
    their captions), made once per language."""

    def __init__(self, content: Content) -> None:
        self._content = content
        self._topics = {t.id: t for t in content.guide.topics}
        self.attachment = lru_cache(maxsize=None)(self._attachment)

    def has_chart(self, topic_id: str) -> bool:
        topic = self._topics.get(topic_id)
        return bool(topic and topic.chart)

    def _attachment(self, language: str, topic_id: str) -> Attachment:
        facts = self._content.facts
        words = self._content.words(language)
        chart = words.guide.topics[topic_id].chart
        assert chart is not None, "content checks a chart's words at start-up"
        keys = self._topics[topic_id].chart
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
        # The language the words came from: a user's language without content falls back.
        name = chart_file(topic_id, _words_language(self._content, language))
        return Attachment("photo", name, self._content.charts[name], caption, shared=True)


def _words_language(content: Content, language: str) -> str:
    return language if language in content.languages else content.default_language


def chart_bars(content: Content, language: str, topic_id: str) -> tuple[str, list[Bar]]:
    """A topic's chart in one language: its title and its bars, from facts.yaml."""
    words = content.words(language)
    chart = words.guide.topics[topic_id].chart
    assert chart is not None, "content checks a chart's words at start-up"
    topic = next(t for t in content.guide.topics if t.id == topic_id)
    bars = []
    for key in topic.chart:
        text = content.facts.facts[key].worded(language)
        value = dollar_amount(text)
        assert value is not None, "content checks chart figures at start-up"
        bars.append(Bar(chart.labels[key], value, text))
    return chart.title, bars


def draw_charts(content: Content) -> dict[str, bytes]:
    """Every chart of the guide in every language, drawn now (slow: imports matplotlib), by
    the file name it ships under in content/charts/."""
    return {
        chart_file(topic.id, language): render_bar_chart(*chart_bars(content, language, topic.id))
        for topic in content.guide.topics
        if topic.chart
        for language in content.languages
    }


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
