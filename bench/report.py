"""From raw runs to the numbers in the table, and the targets they are held to."""

from __future__ import annotations

import dataclasses
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bench.journeys import UPDATES_PER_USER
from bench.processes import Buckets
from bench.runner import RunResult

MB = 1024 * 1024


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (NaN for no values)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def bucket_bound(buckets: Buckets, fraction: float) -> float:
    """The upper bound of the histogram bucket that holds the percentile: the percentile is
    at most that (NaN for no observations, inf beyond the last finite bucket)."""
    total = buckets[-1][1] if buckets else 0
    if not total:
        return math.nan
    return next(bound for bound, count in buckets if count >= fraction * total)


def sustained_rate(times: Sequence[float]) -> float:
    """Messages per second between the 10th and the 90th percentile of the send times: the
    steady state, without the first burst and the last stragglers."""
    if len(times) < 10:
        return math.nan
    low, high = len(times) // 10, (9 * len(times)) // 10
    span = times[high] - times[low]
    return (high - low) / span if span > 0 else math.nan


@dataclass(frozen=True)
class Row:
    mode: str
    bot: str
    is_floor: bool
    finished: int
    users: int
    replies_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    unanswered: int
    fairness: float  # p99 / p50 of the users' completion times
    done_p50_s: float
    too_many_requests: int
    retry_after_ignored: int
    violations: int
    start_rss_mb: float
    peak_rss_mb: float
    messages_per_user: float
    edits_per_user: float
    question_cpu_p50_ms: float
    question_cpu_p99_ms: float
    # Bounds from the bot's own histogram: a typed question's dialogue step, under the load
    # (the typed mix) and after it (the questions above), and how many were under the load.
    question_step_load_p50_ms: float
    question_step_load_p99_ms: float
    question_steps_in_load: int
    question_step_after_p50_ms: float
    question_step_after_p99_ms: float
    state_bytes_per_user: float | None
    startup_s: float
    bot_cpu: float  # share of one core during the load
    bot_cpu_ms_per_update: float
    stub_cpu: float

    @classmethod
    def of(cls, result: RunResult) -> Row:
        latencies = [t.latency * 1000 for t in result.timings if t.latency is not None]
        durations = [s for r in result.runs if (s := r.seconds) is not None]
        load = result.load_seconds or math.nan
        return cls(
            mode=result.mode,
            bot=result.bot,
            is_floor=result.is_floor,
            finished=len(durations),
            users=result.users,
            replies_per_second=sustained_rate(result.message_times),
            p50_ms=percentile(latencies, 0.50),
            p95_ms=percentile(latencies, 0.95),
            p99_ms=percentile(latencies, 0.99),
            unanswered=len(result.timings) - len(latencies),
            fairness=percentile(durations, 0.99) / percentile(durations, 0.50),
            done_p50_s=percentile(durations, 0.50),
            too_many_requests=result.too_many_requests,
            retry_after_ignored=result.retry_after_ignored,
            violations=result.violations,
            start_rss_mb=result.start_rss_bytes / MB,
            peak_rss_mb=result.peak_rss_bytes / MB,
            messages_per_user=result.messages_sent / result.users,
            edits_per_user=result.edits_made / result.users,
            question_cpu_p50_ms=percentile(result.question_cpu_ms, 0.50),
            question_cpu_p99_ms=percentile(result.question_cpu_ms, 0.99),
            question_step_load_p50_ms=1000 * bucket_bound(result.question_steps_in_load, 0.50),
            question_step_load_p99_ms=1000 * bucket_bound(result.question_steps_in_load, 0.99),
            question_steps_in_load=int(
                result.question_steps_in_load[-1][1] if result.question_steps_in_load else 0
            ),
            question_step_after_p50_ms=1000 * bucket_bound(result.question_steps_after, 0.50),
            question_step_after_p99_ms=1000 * bucket_bound(result.question_steps_after, 0.99),
            state_bytes_per_user=(
                None if result.stored_bytes is None else result.stored_bytes / result.users
            ),
            startup_s=result.startup_seconds,
            bot_cpu=result.bot_cpu_seconds / load,
            bot_cpu_ms_per_update=1000 * result.bot_cpu_seconds / max(1, len(latencies)),
            stub_cpu=result.stub_cpu_seconds / load,
        )


# Over repeated runs, the figures where the worst run counts, not the typical one.
_WORST_RUN = {
    "finished": min,
    "unanswered": max,
    "too_many_requests": max,
    "retry_after_ignored": max,
    "violations": max,
}


def median_row(rows: Sequence[Row]) -> Row:
    """One row for repeated runs of one bot in one mode: the median of each figure, except
    users who did not finish and flood-limit faults, which are the worst run's."""
    figures: dict[str, object] = {}
    for field in dataclasses.fields(Row):
        values = [getattr(row, field.name) for row in rows]
        if field.name in _WORST_RUN:
            figures[field.name] = _WORST_RUN[field.name](values)
        elif all(v == values[0] for v in values):
            figures[field.name] = values[0]
        elif all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            measured = [v for v in values if not math.isnan(v)]
            figures[field.name] = statistics.median(measured) if measured else math.nan
        else:
            figures[field.name] = values[0]
    return Row(**figures)  # type: ignore[arg-type]


def medians(rows: Sequence[Row]) -> list[Row]:
    """Rows of the same mode and bot folded into one each, in the order first seen."""
    runs: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        runs.setdefault((row.mode, row.bot), []).append(row)
    return [median_row(same) for same in runs.values()]


COLUMNS = (
    ("mode", 10),
    ("bot", 19),
    ("finished", 11),
    ("replies/s", 9),
    ("p50 ms", 8),
    ("p95 ms", 8),
    ("p99 ms", 8),
    ("done p99/p50", 12),
    ("429s", 5),
    ("ignored", 7),
    ("msgs/user", 9),
    ("edits/user", 10),
    ("RSS start MB", 12),
    ("peak RSS MB", 11),
    ("state B/user", 12),
    ("start-up s", 10),
    ("bot CPU", 7),
    ("ms CPU/update", 13),
    ("stub CPU", 8),
)


def _number(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


def _cells(row: Row) -> list[str]:
    return [
        row.mode,
        row.bot,
        f"{row.finished}/{row.users}",
        _number(row.replies_per_second, 1),
        _number(row.p50_ms, 1),
        _number(row.p95_ms, 1),
        _number(row.p99_ms, 1),
        _number(row.fairness, 2),
        str(row.too_many_requests),
        str(row.retry_after_ignored),
        _number(row.messages_per_user, 2),
        _number(row.edits_per_user, 2),
        _number(row.start_rss_mb, 1),
        _number(row.peak_rss_mb, 1),
        _number(row.state_bytes_per_user, 0),
        _number(row.startup_s, 2),
        f"{row.bot_cpu:.0%}",
        _number(row.bot_cpu_ms_per_update, 2),
        f"{row.stub_cpu:.0%}",
    ]


def _ratio(value: float | None, floor: float | None) -> str:
    if value is None or floor is None or not floor or math.isnan(value) or math.isnan(floor):
        return "-"
    return f"×{value / floor:.2f}"


def _ratio_cells(row: Row, floor: Row) -> list[str]:
    return [
        row.mode,
        f"  {row.bot.rpartition('/')[2]} ÷ {floor.bot}",
        "",
        _ratio(row.replies_per_second, floor.replies_per_second),
        _ratio(row.p50_ms, floor.p50_ms),
        _ratio(row.p95_ms, floor.p95_ms),
        _ratio(row.p99_ms, floor.p99_ms),
        "",
        "",
        "",
        _ratio(row.messages_per_user, floor.messages_per_user),
        "",
        _ratio(row.start_rss_mb, floor.start_rss_mb),
        _ratio(row.peak_rss_mb, floor.peak_rss_mb),
        "",
        _ratio(row.startup_s, floor.startup_s),
        "",
        _ratio(row.bot_cpu_ms_per_update, floor.bot_cpu_ms_per_update),
        "",
    ]


def _line(cells: list[str]) -> str:
    return "  ".join(
        cell.ljust(width) if index < 2 else cell.rjust(width)
        for index, (cell, (_, width)) in enumerate(zip(cells, COLUMNS, strict=True))
    ).rstrip()


def table(rows: list[Row]) -> str:
    """One table: each run, then each bot's ratios to each echo floor of the same mode."""
    lines = [_line([name for name, _ in COLUMNS])]
    lines.append("-" * len(lines[0]))
    for mode in dict.fromkeys(row.mode for row in rows):
        in_mode = [row for row in rows if row.mode == mode]
        lines += [_line(_cells(row)) for row in in_mode]
        for floor in (row for row in in_mode if row.is_floor):
            lines += [_line(_ratio_cells(row, floor)) for row in in_mode if not row.is_floor]
    return "\n".join(lines)


def _question_line(bot: str, what: str, p50: str, p99: str) -> str:
    return f"{bot:<19}  {what:<44}  {p50:>6}  {p99:>6}"


def _bound(value_ms: float) -> str:
    return "-" if math.isnan(value_ms) else f"≤{value_ms:.2f}"


def question_table(rows: list[Row]) -> str:
    """CPU per typed question, p50 and p99, for the runs that measured it: with its round
    trips (the process's CPU, each question asked alone after the load), and the bot's own
    count of the dialogue step alone (its /metrics histogram, so each figure is the bucket
    bound it is under), after the load and, in the typed mix, under it."""
    measured = [row for row in rows if not math.isnan(row.question_cpu_p50_ms)]
    if not measured:
        return ""
    lines = [f"{'CPU ms per typed question':<65}  {'p50':>6}  {'p99':>6}"]
    for row in measured:
        lines.append(
            _question_line(
                row.bot,
                "with its round trips, after the load",
                f"{row.question_cpu_p50_ms:.2f}",
                f"{row.question_cpu_p99_ms:.2f}",
            )
        )
        if not math.isnan(row.question_step_after_p50_ms):
            lines.append(
                _question_line(
                    "",
                    "its step alone, after the load",
                    _bound(row.question_step_after_p50_ms),
                    _bound(row.question_step_after_p99_ms),
                )
            )
        if row.question_steps_in_load:
            lines.append(
                _question_line(
                    "",
                    f"its step alone, under the load ({row.question_steps_in_load:,.0f} asked)",
                    _bound(row.question_step_load_p50_ms),
                    _bound(row.question_step_load_p99_ms),
                )
            )
    return "\n".join(lines)


@dataclass(frozen=True)
class PairedRuns:
    """Repeated runs of one bot in one mode, each with the floor's run of the same round,
    which followed it within a minute. The machine's own speed drifts over minutes (the
    echo's CPU per update alone moves by a third or more), so the ratios of these pairs
    are steadier than the ratio of the two bots' medians, and their spread is the honest
    error bar."""

    mode: str
    bot: str
    floor: str
    pairs: list[tuple[Row, Row]]

    def median_ratio(self, figure: str) -> float:
        """NaN when no pair has the figure (a run too short to measure it)."""
        ratios = [
            mine / theirs
            for mine, theirs in ((getattr(r, figure), getattr(f, figure)) for r, f in self.pairs)
            if theirs and not math.isnan(mine) and not math.isnan(theirs)
        ]
        return statistics.median(ratios) if ratios else math.nan


def paired_runs(rows: list[Row]) -> list[PairedRuns]:
    """Each bot's runs paired with its floor's, where both ran at least twice."""
    found = []
    for mode in dict.fromkeys(row.mode for row in rows):
        in_mode = [row for row in rows if row.mode == mode]
        floor = _floor(in_mode)
        if floor is None:
            continue
        floor_name = floor.bot
        floor_runs = [row for row in in_mode if row.bot == floor_name]
        for bot in dict.fromkeys(row.bot for row in in_mode if not row.is_floor):
            bot_runs = [row for row in in_mode if row.bot == bot]
            if min(len(bot_runs), len(floor_runs)) >= 2:
                pairs = list(zip(bot_runs, floor_runs, strict=False))
                found.append(PairedRuns(mode, bot, floor_name, pairs))
    return found


def run_by_run(rows: list[Row]) -> str:
    """With repeated runs: each bot's ratios to its floor, run by run, and their medians."""
    lines: list[str] = []
    for paired in paired_runs(rows):
        lines.append(f"{paired.mode} {paired.bot} ÷ {paired.floor}, run by run:")
        for number, (row, floor) in enumerate(paired.pairs, start=1):
            lines.append(
                f"  run {number}: CPU/update "
                f"{_ratio(row.bot_cpu_ms_per_update, floor.bot_cpu_ms_per_update)} "
                f"({row.bot_cpu_ms_per_update:.2f} vs {floor.bot_cpu_ms_per_update:.2f} ms), "
                f"p99 {_ratio(row.p99_ms, floor.p99_ms)}, "
                f"replies/s {_ratio(row.replies_per_second, floor.replies_per_second)}"
            )
        lines.append(
            "  median of the runs' ratios: "
            f"CPU/update ×{paired.median_ratio('bot_cpu_ms_per_update'):.2f}, "
            f"p99 ×{paired.median_ratio('p99_ms'):.2f}, "
            f"replies/s ×{paired.median_ratio('replies_per_second'):.2f}"
        )
    return "\n".join(lines)


def _floor(rows: Sequence[Row]) -> Row | None:
    """Of one mode's rows, the floor the targets are against: the echo on the bot's own
    transport (aiohttp) if it ran, else any floor."""
    floors = [row for row in rows if row.is_floor]
    ours = [row for row in floors if row.bot.endswith("aiohttp")]
    return (ours or floors or [None])[0]


@dataclass(frozen=True)
class Check:
    target: str
    measured: str
    met: bool


def checks(rows: list[Row], full_users: int, runs: list[Row] | None = None) -> list[Check]:
    """Issue 20's targets, for every CareerPath run, against the echo floor on the bot's own
    transport (aiohttp) where there is one, else any floor of the mode. With repeated runs
    (`runs`, every run's row), the capacity ratios are the medians of the paired runs'
    ratios (PairedRuns), not the ratios of the medians."""
    paired = {(p.mode, p.bot): p for p in paired_runs(runs or [])}
    modes = dict.fromkeys(row.mode for row in rows)
    found: list[Check] = []
    floors = {mode: _floor([row for row in rows if row.mode == mode]) for mode in modes}
    for row in (row for row in rows if not row.is_floor):
        where = f"{row.mode} {row.bot}"
        floor = floors.get(row.mode)
        versus = f" × {floor.bot}" if floor else ""
        found.append(
            Check(
                f"{where}: every user finishes",
                f"{row.finished}/{row.users}",
                row.finished == row.users,
            )
        )
        if row.mode == "capacity":
            pairs = paired.get((row.mode, row.bot))
            if pairs is not None:
                found += _paired_checks(where, pairs)
            elif floor is not None:
                found += [
                    _at_most(
                        f"{where}: CPU/update ≤ 1.3{versus}",
                        row.bot_cpu_ms_per_update,
                        1.3 * floor.bot_cpu_ms_per_update,
                        "ms",
                    ),
                    _at_most(f"{where}: p99 ≤ 1.3{versus}", row.p99_ms, 1.3 * floor.p99_ms, "ms"),
                    Check(
                        f"{where}: replies/s ≥ 0.8{versus}",
                        f"{row.replies_per_second:.0f}/s vs {0.8 * floor.replies_per_second:.0f}/s",
                        row.replies_per_second >= 0.8 * floor.replies_per_second,
                    ),
                ]
            if row.users >= full_users:
                found.append(
                    _at_most(
                        f"{where}: peak RSS ≤ 80 MB at {row.users} users", row.peak_rss_mb, 80, "MB"
                    )
                )
            found += _question_checks(where, row)
        else:
            if floor is not None:
                found.append(
                    _at_most(f"{where}: p99 ≤ 1.2{versus}", row.p99_ms, 1.2 * floor.p99_ms, "ms")
                )
            found += [
                Check(
                    f"{where}: ≥ 29 messages/s",
                    f"{row.replies_per_second:.1f}/s",
                    row.replies_per_second >= 29,
                ),
                _at_most(f"{where}: completion p99/p50 ≤ 1.2", row.fairness, 1.2, ""),
                Check(
                    f"{where}: no retry_after ignored",
                    str(row.retry_after_ignored),
                    row.retry_after_ignored == 0,
                ),
            ]
        if row.state_bytes_per_user is not None:
            found.append(
                Check(
                    f"{where}: stored state < 2 KB/user",
                    f"{row.state_bytes_per_user:.0f} B",
                    row.state_bytes_per_user < 2048,
                )
            )
        found.append(Check(f"{where}: start-up < 2 s", f"{row.startup_s:.2f} s", row.startup_s < 2))
    return found


def _paired_checks(where: str, paired: PairedRuns) -> list[Check]:
    versus = f" × {paired.floor}"
    cpu, p99, rate = (
        paired.median_ratio(figure)
        for figure in ("bot_cpu_ms_per_update", "p99_ms", "replies_per_second")
    )
    runs = f"median of {len(paired.pairs)} paired runs"
    return [
        Check(f"{where}: CPU/update ≤ 1.3{versus}", f"×{cpu:.2f}, {runs}", cpu <= 1.3),
        Check(f"{where}: p99 ≤ 1.3{versus}", f"×{p99:.2f}, {runs}", p99 <= 1.3),
        Check(f"{where}: replies/s ≥ 0.8{versus}", f"×{rate:.2f}, {runs}", rate >= 0.8),
    ]


def _at_most(target: str, value: float, limit: float, unit: str) -> Check:
    return Check(target, f"{value:,.2f} {unit} vs {limit:,.2f} {unit}".strip(), value <= limit)


def _question_checks(where: str, row: Row) -> list[Check]:
    """CPU per typed question p99 ≤ 2 ms: the question's own work, its dialogue step, under
    the load where the typed mix measured it there, else after it. Its two round trips cost
    what any message's do (the table's CPU/update holds them to the echo floor's); on the
    2-core machine, they alone take the echo about 2 ms when it answers one at a time."""
    if row.question_steps_in_load:
        when, p99 = "under the load", row.question_step_load_p99_ms
    elif not math.isnan(row.question_step_after_p99_ms):
        when, p99 = "after the load", row.question_step_after_p99_ms
    else:
        return []
    return [
        Check(
            f"{where}: CPU per typed question p99 ≤ 2 ms (its dialogue step, {when})",
            f"≤ {p99:.2f} ms",
            p99 <= 2.0,
        )
    ]


def describe_checks(found: list[Check]) -> str:
    return "\n".join(
        f"  {'ok  ' if check.met else 'MISS'}  {check.target}: {check.measured}" for check in found
    )


def expected_updates(users: int) -> int:
    return users * UPDATES_PER_USER
