"""Progress and cancellation of long renders (a township's cards, a batch of certificates).

A renderer calls `progress(done, total)` as it goes; the caller's callback may raise
`RenderCancelled` to stop it. Nothing is written until a render completes, so a cancelled
render leaves no file behind.
"""

from __future__ import annotations

from typing import Callable

Progress = Callable[[int, int], None]


class RenderCancelled(Exception):
    """Raised by a progress callback to stop a render; the partial document is discarded."""


def report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
