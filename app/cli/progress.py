"""How far a long verb has got, on the terminal.

On a township's or county's file `backup`, `verify`, `restore`, `gather` and `check` take from
half a minute to several minutes; without a word the clerk cannot tell work from a hang. The
services report (fraction, sentence) as they go (app.services.files.Progress); this prints those
reports as lines on stderr, so that what a verb prints on stdout stays its answer alone.

Nothing is printed during the first seconds: a village's file is done by then, and its verbs
stay as quiet as before. After that, a line whenever the sentence changes, and at least one
every so often while it does not. Lanes of `check` report from their own threads: one lock.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Callable, TextIO

QUIET_SECONDS = 2.0  # nothing before this: most verbs on a village's file end sooner
EVERY_SECONDS = 15.0  # a line at least this often while the sentence stays the same


class TerminalProgress:
    """A progress(fraction, sentence) callback that prints "进度 45%：正在…（已用 12 秒）" lines."""

    def __init__(
        self, stream: TextIO | None = None, quiet: float | None = None, every: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream, self._clock = stream, clock
        self._quiet = QUIET_SECONDS if quiet is None else quiet
        self._every = EVERY_SECONDS if every is None else every
        self._started = clock()
        self._shown: tuple[str, float] | None = None  # the last sentence printed, and when
        self._lock = threading.Lock()

    def __call__(self, fraction: float, sentence: str) -> None:
        with self._lock:
            now = self._clock()
            elapsed = now - self._started
            if elapsed < self._quiet:
                return
            if self._shown and self._shown[0] == sentence and now - self._shown[1] < self._every:
                return
            self._shown = (sentence, now)
            percent = min(100, max(0, int(fraction * 100)))
            stream = self._stream or sys.stderr
            print(f"进度 {percent}%：{sentence}（已用 {elapsed:.0f} 秒）", file=stream, flush=True)
