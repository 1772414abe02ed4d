"""jieba in a helper process, for a short sweep in a fresh process (`draftdesk run`).

Loading jieba's dictionary costs about a second of CPU — a third of a 10-draft `run`, spent
before the first duplicate check can finish. A helper process loads it on another core while
this one reads the drafts, then segments the texts it is sent. Same jieba, same dictionary,
so the same words. Any failure of the helper falls back to jieba in this process.
"""

from __future__ import annotations

import contextlib
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from typing import IO

from checks import duplicate

log = logging.getLogger("draftdesk.intake")

_WORKER = r"""
import json, logging, sys
sys.modules["pkg_resources"] = None  # jieba then opens its data files directly (~0.4 s saved)
import jieba
del sys.modules["pkg_resources"]
jieba.setLogLevel(logging.WARNING)
jieba.initialize()
for line in sys.stdin:
    sys.stdout.write(json.dumps(jieba.lcut(json.loads(line)), ensure_ascii=False) + "\n")
    sys.stdout.flush()
"""


class HelperSegmenter:
    """`lcut(text)` answered by a helper process running jieba; falls back to this process."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = subprocess.Popen(
            [sys.executable, "-c", _WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )

    def lcut(self, text: str) -> list[str]:
        proc = self._proc
        if proc is not None:
            try:
                stdin: IO[str] = proc.stdin  # type: ignore[assignment]
                stdout: IO[str] = proc.stdout  # type: ignore[assignment]
                stdin.write(json.dumps(text, ensure_ascii=False) + "\n")
                stdin.flush()
                words = json.loads(stdout.readline())
                if isinstance(words, list):
                    return [str(w) for w in words]
            except (OSError, ValueError):
                log.warning("分词辅助进程出错，改在本进程分词")
            self.close()
        return duplicate.jieba_lcut(text)

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            if proc.stdin is not None:
                proc.stdin.close()
        # Killed, not waited for: the helper keeps nothing worth finishing, and letting it end
        # by itself cost a short `run` about 1.25 s at exit (still loading jieba's dictionary,
        # or freeing it).
        with contextlib.suppress(OSError):
            proc.kill()
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


@contextlib.contextmanager
def segmenter_aside(wanted: bool) -> Iterator[None]:
    """Segment in a helper process for the duration, when `wanted` and this process has not
    loaded jieba yet (a long-running `watch` keeps its own, loaded once)."""
    if not wanted or duplicate.jieba_loaded():
        yield
        return
    try:
        helper = HelperSegmenter()
    except OSError:
        yield
        return
    duplicate.use_segmenter(helper.lcut)
    try:
        yield
    finally:
        duplicate.use_segmenter(None)
        helper.close()
