"""bm25s weighs the typed-question index in a short-lived child process, so the bot never
loads numpy (flows/ask/weights.py says why).

The bot starts `python -m bot.indexer` first thing at start-up, then writes every language's
documents (index terms, never anything users typed) to its stdin as JSON and reads the
weights from its stdout. If the child fails, the bot weighs in its own process instead and
logs why: it costs memory, not answers.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Mapping

from flows.ask.weights import Corpus, Weights, weigh_here

log = logging.getLogger(__name__)

# Importing numpy and bm25s and weighing both languages takes a quarter of a second on the
# 2-core machine; a child still at it after this long is stuck.
CHILD_SECONDS = 60
# The child needs none of the bot's secrets.
_SECRET_HINTS = ("TOKEN", "SECRET", "DSN", "DATABASE_URL", "PASSWORD")


class IndexerChild:
    """`python -m bot.indexer`: start() it early, so that it loads bm25s while the bot loads
    its content; calling it with the corpora weighs them there (or here, if it failed)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._failed: Exception | None = None

    def start(self) -> IndexerChild:
        if self._process is None and self._failed is None:
            try:
                self._process = subprocess.Popen(
                    [sys.executable, "-m", "bot.indexer"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    env={k: v for k, v in os.environ.items() if not _secret(k)},
                )
            except OSError as error:
                self._failed = error
        return self

    def close(self) -> None:
        """Stop a child that was never used (the bot could not start)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.communicate()
        self._process = None

    def __call__(self, corpora: Mapping[str, Corpus]) -> Mapping[str, Weights]:
        self.start()
        try:
            if self._failed is not None:
                raise self._failed
            assert self._process is not None
            out, err = self._process.communicate(_request(corpora), timeout=CHILD_SECONDS)
            if self._process.returncode != 0:
                raise subprocess.CalledProcessError(self._process.returncode, "", out, err)
            answer = json.loads(out)
            return {language: Weights.from_json(answer[language]) for language in corpora}
        except (OSError, subprocess.SubprocessError, ValueError, KeyError, TypeError) as error:
            log.warning(
                "the typed-question index was weighed in the bot's own process, which keeps "
                "numpy loaded (about 12 MB more memory): python -m bot.indexer failed (%s)",
                _why(error),
            )
            return weigh_here(corpora)
        finally:
            self.close()


def _secret(name: str) -> bool:
    return any(hint in name for hint in _SECRET_HINTS)


def _request(corpora: Mapping[str, Corpus]) -> bytes:
    return json.dumps(
        {
            language: {
                "documents": [list(document) for document in corpus.documents],
                "k1": corpus.k1,
                "b": corpus.b,
                "method": corpus.method,
            }
            for language, corpus in corpora.items()
        }
    ).encode()


def _why(error: Exception) -> str:
    if isinstance(error, subprocess.CalledProcessError):
        stderr = error.stderr.decode(errors="replace") if error.stderr else ""
        last = stderr.strip().splitlines()[-1:] or [""]
        return f"exit code {error.returncode}: {last[0][:200]}"
    return type(error).__name__


def main() -> None:
    # While the bot imports itself and loads its content: bm25s, and its first index (a
    # first one costs tens of milliseconds more than the next), so the bot waits only for
    # the weighing itself.
    weigh_here({"warm-up": Corpus([["warm", "up"], ["up"]], 1.2, 0.75, "lucene")})
    request = json.load(sys.stdin)
    corpora = {
        language: Corpus(part["documents"], part["k1"], part["b"], part["method"])
        for language, part in request.items()
    }
    weights = weigh_here(corpora)
    json.dump({language: w.to_json() for language, w in weights.items()}, sys.stdout)
    sys.stdout.flush()
    # The answer is out: skip the interpreter's teardown (numpy's takes tens of
    # milliseconds), which the bot would otherwise wait for.
    os._exit(0)


if __name__ == "__main__":
    main()
