"""/salary's bar chart: a phone-sized PNG of the figures in facts.yaml, with its sources."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
import yaml

from flows.chart import draw_charts
from flows.content import ContentError, dollar_amount, load_content, parse_yaml
from flows.dialogue import Dialogue
from flows.schema import Content
from flows.state import ChatState, Person
from tests.bot_harness import BotProcess
from tests.screens import visible_length
from tests.stub_bot_api import StubBotApi

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TELEGRAM_CAPTION_LIMIT = 1024


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def mapped_files(pid: str) -> str:
    """The shared objects and files a Linux process has mapped into memory."""
    return Path(f"/proc/{pid}/maps").read_text(encoding="utf-8")


def salary(dialogue: Dialogue, language_code: str):
    outcome = dialogue.command(ChatState(), Person(language_code=language_code), "salary")
    chart, page = outcome.replies
    assert chart.attachment is not None and page.attachment is None
    return chart.attachment


@pytest.mark.parametrize("language_code", ["en", "es"])
def test_the_chart_is_a_phone_sized_png(dialogue: Dialogue, language_code: str) -> None:
    chart = salary(dialogue, language_code)
    assert chart.kind == "photo" and chart.filename.endswith(".png")
    width, height = png_size(chart.data)
    assert width == 1000, "wide enough to stay sharp on a phone"
    assert 500 <= height <= 1200, height
    assert 5_000 < len(chart.data) < 250_000, len(chart.data)
    assert chart.data.endswith(b"IEND\xaeB`\x82"), "the PNG is complete"


def test_the_caption_cites_every_source_with_its_date(dialogue: Dialogue) -> None:
    caption = salary(dialogue, "en").caption
    assert "Yearly pay in US dollars" in caption
    assert "BLS median, records specialists: BLS, May 2024" in caption
    assert "AAPC Salary Survey, 2025" in caption
    assert "Entry level (a guide's estimate): Coding vs Billing guide, undated" in caption
    assert visible_length(caption) <= TELEGRAM_CAPTION_LIMIT


def test_the_spanish_chart_is_labelled_in_spanish(dialogue: Dialogue) -> None:
    english, spanish = salary(dialogue, "en"), salary(dialogue, "es")
    assert "Sueldo anual en dólares" in spanish.caption
    assert "BLS, mayo de 2024" in spanish.caption and "sin fecha" in spanish.caption
    assert visible_length(spanish.caption) <= TELEGRAM_CAPTION_LIMIT
    assert english.data != spanish.data, "the labels on the image are translated"
    assert english.filename != spanish.filename


def test_the_shipped_charts_are_up_to_date_with_the_content(content: Content) -> None:
    drawn = draw_charts(content)
    assert set(drawn) == {"salary-en.png", "salary-es.png"}
    for name, png in drawn.items():
        assert content.charts[name] == png, (
            f"content/charts/{name} is out of date: run python -m bot.charts and commit it"
        )


def test_a_chart_figure_changed_without_redrawing_shows_as_stale(content_copy: Path) -> None:
    path = content_copy / "facts.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("$56,981", "$57,981"), "utf-8")
    content = load_content(content_copy)
    assert draw_charts(content)["salary-en.png"] != content.charts["salary-en.png"]


def test_a_missing_chart_file_stops_the_start_up(content_copy: Path) -> None:
    (content_copy / "charts" / "salary-es.png").unlink()
    with pytest.raises(
        ContentError, match=r"charts/salary-es\.png: missing; .*python -m bot\.charts"
    ):
        load_content(content_copy)


def test_each_chart_is_made_once_per_language(dialogue: Dialogue) -> None:
    assert salary(dialogue, "es") is salary(dialogue, "es-MX")
    assert dialogue.charts.attachment("en", "salary") is dialogue.charts.attachment("en", "salary")


def test_the_bars_are_the_salary_figures_of_facts_yaml(dialogue: Dialogue) -> None:
    content = dialogue.content
    salary_topic = next(t for t in content.guide.topics if t.id == "salary")
    assert set(salary_topic.chart) == {
        "bls_median_2024",
        "aapc_cpc_median",
        "aapc_cpb_median",
        "aapc_three_credentials",
        "entry_level_pay",
    }
    values = [dollar_amount(content.facts.facts[key].worded("en")) for key in salary_topic.chart]
    assert values == [40000, 50250, 56981, 58895, 84414]


@pytest.mark.parametrize(
    ("text", "value"),
    [("$50,250", 50250), ("$117", 117), ("$1,000,000", 1000000), ("about $117", None)],
)
def test_dollar_amounts(text: str, value: int | None) -> None:
    assert dollar_amount(text) == value


def test_a_chart_figure_must_be_a_plain_dollar_amount(content_copy: Path) -> None:
    path = content_copy / "guide.yaml"
    guide = parse_yaml(path.read_text(encoding="utf-8"))
    guide["topics"][2]["chart"].append("bls_growth")
    path.write_text(yaml.safe_dump(guide), encoding="utf-8")
    with pytest.raises(
        ContentError, match=r"guide\.yaml: topics\.salary\.chart: bls_growth is not a plain dollar"
    ):
        load_content(content_copy)


def test_every_bar_needs_a_label_in_every_language(content_copy: Path) -> None:
    path = content_copy / "es" / "guide.yaml"
    guide = parse_yaml(path.read_text(encoding="utf-8"))
    del guide["topics"]["salary"]["chart"]["labels"]["entry_level_pay"]
    path.write_text(yaml.safe_dump(guide, allow_unicode=True), encoding="utf-8")
    with pytest.raises(
        ContentError,
        match=r"es/guide\.yaml: topics\.salary\.chart\.labels: missing entry_level_pay",
    ):
        load_content(content_copy)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc/<pid>/maps")
async def test_the_serving_process_never_loads_matplotlib_nor_an_unused_driver(
    stub: StubBotApi, tmp_path: Path
) -> None:
    """matplotlib would cost the bot about 60 MB, asyncpg on SQLite about 3: after serving
    /salary, none of their compiled modules (which every import of them loads) is mapped
    into the process."""
    from matplotlib import ft2font  # here, not at the top: every test worker would load it

    bot = BotProcess.in_dir(stub, tmp_path)
    try:
        await bot.start()
        reply = await stub.user(2004, "Cy").send("/salary")
        assert reply.messages[0].photo is not None, "the chart was sent"
        assert bot.process is not None
        assert ft2font.__file__ in mapped_files("self"), "the probe sees it where it is loaded"
        serving = mapped_files(str(bot.process.pid))
        assert "matplotlib" not in serving, "the serving process loaded matplotlib"
        assert "asyncpg" not in serving, "a SQLite bot loaded the PostgreSQL driver"
    finally:
        await bot.stop_quietly()


async def test_salary_sends_the_chart_as_a_photo_uploaded_once(stub: StubBotApi, bot: None) -> None:
    first = stub.user(2001, "Ana", language_code="en")
    reply = await first.send("/salary")
    photo, page = reply.messages
    assert photo.photo is not None and photo.text is None
    assert (photo.photo.width, photo.photo.height) == png_size(photo.photo.data)
    assert "BLS, May 2024" in photo.caption and "AAPC Salary Survey, 2025" in photo.caption
    assert "<b>" not in photo.caption, "the caption is sent as HTML"
    assert "Pay and job outlook" in page.text, "the page with its buttons comes last"

    second = stub.user(2002, "Ben", language_code="en")
    again = await second.send("/salary")
    assert again.messages[0].photo.file_id == photo.photo.file_id, "sent by file id"
    uploads = [f for f in stub.files.values() if f.filename == "salary-en.png"]
    assert len(uploads) == 1

    spanish = stub.user(2003, "Lupe", language_code="es")
    chart = (await spanish.send("/salary")).messages[0]
    assert "Sueldo anual en dólares" in chart.caption
    assert chart.photo.file_id != photo.photo.file_id
