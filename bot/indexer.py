"""bm25s weighs the typed-question index outside the bot's process, so the bot never loads
numpy (flows/ask/weights.py says why); what it weighed is cached on disk, so a restart with
the same content needs no weighing at all.

At start-up the bot looks for the weights of its exact documents in the cache
(`$XDG_CACHE_HOME/careerpath-bot`, by default `~/.cache/careerpath-bot`). On a miss it runs
`python -m bot.indexer`, writes every language's documents (index terms, never anything users
typed) to its stdin as JSON, reads the weights from its stdout and caches them. If the child
fails, the bot weighs in its own process instead and logs why: it costs memory, not answers.
A cache it cannot read or write only costs the child's quarter of a second.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from flows.ask.weights import Corpus, Weights, weigh_here

log = logging.getLogger(__name__)

# Importing numpy and bm25s and weighing both languages takes a quarter of a second on the
# 2-core machine; a child still at it after this long is stuck.
CHILD_SECONDS = 60
# The child needs none of the bot's secrets.
_SECRET_HINTS = ("TOKEN", "SECRET", "DSN", "DATABASE_URL", "PASSWORD")
# Part of every cache key: bump it when Weights.to_json changes.
CACHE_FORMAT = "1"
_DAMAGED = (ValueError, KeyError, TypeError)  # what damaged JSON weights raise


def cache_dir() -> Path | None:
    """XDG's cache directory (a relative XDG_CACHE_HOME is ignored, as the spec says); None
    where there is no home to put it in (no cache then, rather than one in the working
    directory)."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path(os.path.expanduser("~")) / ".cache"
    return base / "careerpath-bot" if base.is_absolute() else None


class Indexer:
    """Weighs corpora as flows/ask/weights.Weigh: from the cache, else in the child."""

    def __init__(self, cache: Path | None) -> None:
        """cache: the directory of cached weights; None to always weigh."""
        self.cache = cache

    def __call__(self, corpora: Mapping[str, Corpus]) -> Mapping[str, Weights]:
        request = _request(corpora)
        path = self._path(request)
        found = self._read(path, corpora) if path else None
        if found is not None:
            return found
        weights = self._weigh_in_child(request, corpora)
        if path:
            self._write(path, weights)
        return weights

    def _path(self, request: bytes) -> Path | None:
        if self.cache is None:
            return None
        key = hashlib.sha256(request)
        key.update(f"\0{CACHE_FORMAT}\0{_bm25s_version()}".encode())
        return self.cache / f"index-{key.hexdigest()[:40]}.json"

    @staticmethod
    def _read(path: Path, corpora: Mapping[str, Corpus]) -> dict[str, Weights] | None:
        try:
            return _weights_from(path.read_bytes(), corpora)
        except FileNotFoundError:
            return None
        except (OSError, *_DAMAGED) as error:
            log.info("ignored the cached typed-question index (%s)", type(error).__name__)
            return None

    @staticmethod
    def _write(path: Path, weights: Mapping[str, Weights]) -> None:
        """Atomically, so that bots starting together never read half a file."""
        text = _weights_json(weights)
        temporary: Path | None = None
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", dir=path.parent, suffix=".tmp", delete=False, encoding="utf-8"
            ) as handle:
                temporary = Path(handle.name)
                handle.write(text)
            os.replace(temporary, path)
        except OSError as error:
            log.info("could not cache the typed-question index (%s)", type(error).__name__)
            if temporary is not None:
                temporary.unlink(missing_ok=True)

    @staticmethod
    def _weigh_in_child(request: bytes, corpora: Mapping[str, Corpus]) -> dict[str, Weights]:
        try:
            done = subprocess.run(
                [sys.executable, "-m", "bot.indexer"],
                input=request,
                capture_output=True,
                timeout=CHILD_SECONDS,
                check=True,
                env={k: v for k, v in os.environ.items() if not _secret(k)},
            )
            return _weights_from(done.stdout, corpora)
        except (OSError, subprocess.SubprocessError, *_DAMAGED) as error:
            log.warning(
                "the typed-question index was weighed in the bot's own process, which keeps "
                "numpy loaded (about 11 MB more memory): python -m bot.indexer failed (%s)",
                _why(error),
            )
            return weigh_here(corpora)


def _bm25s_version() -> str:
    """Part of the cache key: another bm25s may weigh differently. Unknown (an install
    without its metadata) keys the cache all the same, as "unknown"."""
    try:
        return metadata.version("bm25s")
    except metadata.PackageNotFoundError:
        return "unknown"


def _secret(name: str) -> bool:
    return any(hint in name for hint in _SECRET_HINTS)


def _request(corpora: Mapping[str, Corpus]) -> bytes:
    return json.dumps({language: corpus.to_json() for language, corpus in corpora.items()}).encode()


def _weights_json(weights: Mapping[str, Weights]) -> str:
    return json.dumps({language: w.to_json() for language, w in weights.items()})


def _weights_from(text: str | bytes, corpora: Mapping[str, Corpus]) -> dict[str, Weights]:
    """The weights of every language of corpora, from the child's answer or the cache;
    raises one of _DAMAGED if they are not all there."""
    stored = json.loads(text)
    return {language: Weights.from_json(stored[language]) for language in corpora}


def _why(error: Exception) -> str:
    if isinstance(error, subprocess.CalledProcessError):
        stderr = error.stderr.decode(errors="replace") if error.stderr else ""
        last = stderr.strip().splitlines()[-1:] or [""]
        return f"exit code {error.returncode}: {last[0][:200]}"
    return type(error).__name__


def main() -> None:
    corpora = {language: Corpus.from_json(part) for language, part in json.load(sys.stdin).items()}
    sys.stdout.write(_weights_json(weigh_here(corpora)))
    sys.stdout.flush()
    # The answer is out: skip the interpreter's teardown (numpy's takes tens of
    # milliseconds), which the bot would otherwise wait for.
    os._exit(0)


if __name__ == "__main__":
    main()
