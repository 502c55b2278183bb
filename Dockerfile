# The CareerPath bot as a container: `python -m bot`, configured from the environment as
# everywhere else (see the README's Configuration table). Polling unless WEBHOOK_URL is set.
# /healthz, /readyz and /metrics are on METRICS_PORT (8081) in both modes.

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY flows ./flows
COPY content ./content
# A virtual environment of its own, copied whole into the runtime image below; [sentry]
# so SENTRY_DSN works without another build, [stats-chart] for the /stats chart.
RUN python -m venv /venv \
    && /venv/bin/pip install --no-cache-dir --disable-pip-version-check ".[sentry,stats-chart]"

FROM python:3.11-slim-bookworm
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATABASE_URL=sqlite:////data/careerpath.sqlite3 \
    METRICS_PORT=8081
RUN groupadd --system --gid 10001 bot \
    && useradd --system --uid 10001 --gid bot --create-home --home-dir /home/bot bot \
    && mkdir /data \
    && chown bot:bot /data
COPY --from=build /venv /venv
USER 10001:10001
WORKDIR /home/bot
# The SQLite default lives here; with PostgreSQL (DATABASE_URL) nothing is written.
VOLUME ["/data"]
# 8080: the webhook (PORT), when WEBHOOK_URL is set. 8081: health and metrics.
EXPOSE 8080 8081
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('METRICS_PORT', '8081') + '/healthz', timeout=4)"]
CMD ["python", "-m", "bot"]
