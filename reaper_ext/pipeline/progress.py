"""A progress bar on the terminal, for work that takes longer than a second.

Drawn on standard error, only when it is a terminal, and only once a second
has passed (short runs print nothing extra). Pure stdlib.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol

__all__ = ["ProgressCallback", "TerminalProgress"]


class ProgressCallback(Protocol):
    """The one progress signature: ``progress(fraction, stage, eta_sec=None)``.

    ``fraction`` runs 0..1, ``stage`` says what is being done in words, and
    ``eta_sec`` is the time left when the caller can estimate it.
    """

    def __call__(self, fraction: float, stage: str, eta_sec: float | None = None, /) -> None: ...


class TerminalProgress:
    """Callable ``progress(fraction, stage)`` that draws ``[#####     ] 52% stage (ETA 0:12)``."""

    def __init__(self, *, stream=None, delay_sec: float = 1.0, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.delay_sec = delay_sec
        self.width = width
        self.started = time.monotonic()
        self.is_drawn = False
        self.is_enabled = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, fraction: float, stage: str, eta_sec: float | None = None, /) -> None:
        elapsed = time.monotonic() - self.started
        if not self.is_enabled or elapsed < self.delay_sec:
            return
        fraction = min(max(fraction, 0.0), 1.0)
        filled = int(round(fraction * self.width))
        eta = ""
        if eta_sec is not None or 0.02 < fraction < 1.0:
            remaining = eta_sec if eta_sec is not None else elapsed * (1.0 - fraction) / fraction
            eta = f" (ETA {int(remaining // 60)}:{int(remaining % 60):02d})"
        line = f"\r[{'#' * filled}{' ' * (self.width - filled)}] {fraction * 100:3.0f}% {stage[:50]:<50}{eta}"
        self.stream.write(line)
        self.stream.flush()
        self.is_drawn = True

    def close(self) -> None:
        """End the bar's line (if one was drawn)."""
        if self.is_drawn:
            self.stream.write("\n")
            self.stream.flush()
