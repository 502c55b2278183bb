"""A bot under test as a child process (tests/bot_harness.py's BotProcess) with what the
benchmark reads about it from /proc (Linux): CPU time and peak memory. And py-spy."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from tests.bot_harness import BotProcess

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# How long settled_cpu_seconds waits for the bot's threads to stop running.
SETTLE_SECONDS = 1.0


class BotUnderTest(BotProcess):
    # The journeys wait for the exact reply each step expects (until=) and nothing more.
    wait_for_confirmations = False

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def cpu_seconds(self) -> float:
        """User + system CPU time the process has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS

    def thread_cpu_seconds(self) -> float:
        """CPU time the process's live threads have used so far, to the nanosecond (the
        scheduler's own count): precise enough to time one typed question, where
        cpu_seconds moves in steps of 10 ms. A thread that has exited no longer counts, so
        only differences over a stretch when no thread ends mean anything."""
        total_ns = 0
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            try:
                total_ns += int((task / "schedstat").read_text().split()[0])
            except FileNotFoundError:  # the thread ended while we listed them
                continue
        return total_ns / 1e9

    async def settled_cpu_seconds(self) -> float:
        """thread_cpu_seconds once none of the process's threads is running. The kernel
        brings a thread's count up to date only when it stops running (or at a tick), so
        read while the bot was still finishing an update (sending its reply, asking for
        the next one), one typed question read 0 ms and the next one both questions'
        CPU."""
        with contextlib.suppress(TimeoutError):  # a thread that never stops: read it as is
            async with asyncio.timeout(SETTLE_SECONDS):
                while self._running():  # noqa: ASYNC110 - /proc has nothing to wait on
                    await asyncio.sleep(0.0002)
        return self.thread_cpu_seconds()

    def _running(self) -> bool:
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            try:
                state = (task / "stat").read_text().rpartition(")")[2].split()[0]
            except FileNotFoundError:  # the thread ended while we listed them
                continue
            if state == "R":
                return True
        return False

    def peak_rss_bytes(self) -> int:
        """The most resident memory the process has had so far."""
        return self._status_bytes("VmHWM")

    def rss_bytes(self) -> int:
        """Resident memory now."""
        return self._status_bytes("VmRSS")

    def _status_bytes(self, field: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError(f"no {field} in /proc status")


# A Prometheus histogram's buckets, ascending: (upper bound, observations at most that).
Buckets = list[tuple[float, float]]
STEP_CPU = "careerpath_step_cpu_seconds"


async def step_cpu_buckets(metrics_port: int, handler: str) -> Buckets:
    """The bot's own count of its dialogue steps' CPU time for one handler (bot/metrics.py),
    read from its /metrics."""
    url = f"http://127.0.0.1:{metrics_port}/metrics"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        page = await response.text()
    return sorted(
        (float(sample.labels["le"]), sample.value)
        for family in text_string_to_metric_families(page)
        if family.name == STEP_CPU
        for sample in family.samples
        if sample.name == f"{STEP_CPU}_bucket" and sample.labels.get("handler") == handler
    )


class Profiler:
    """py-spy attached to the bot for one phase (the load, or the typed questions), writing
    its samples in py-spy's raw format for python -m bench.hotspots."""

    def __init__(self, pid: int, output: Path) -> None:
        self.pid = pid
        self.output = output
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        py_spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or "py-spy"
        self.process = await asyncio.create_subprocess_exec(
            py_spy,
            "record",
            "--pid",
            str(self.pid),
            "--rate",
            "250",
            "--gil",
            "--format",
            "raw",
            "--output",
            str(self.output),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

    async def stop(self) -> None:
        """SIGINT makes py-spy write its output and exit."""
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
            await self.process.wait()
