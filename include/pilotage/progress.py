"""Progress of long work (history loads, backfills, packs): one line per step at most every
few seconds, with done / total, elapsed time and an estimate of what is left.

Lines go to the ``pilotage.progress`` logger: task logs capture them inside Airflow, and the
CLI prints that logger on the terminal (``to_terminal``). The clock is injectable for tests.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

log = logging.getLogger("pilotage.progress")

EVERY_SECONDS = 10.0  # at most one line per this many seconds, besides the first and the last


def clock_text(seconds: float) -> str:
    """``1:05`` for 65 s, ``1:02:03`` past an hour."""
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Counts steps of one piece of work and reports them without flooding.

    ``advance()`` after each step; a line is emitted on the first step, on the last one, and
    otherwise when ``every`` seconds have passed since the previous line."""

    def __init__(self, label: str, total: int, unit: str = "steps", *,
                 emit: Callable[[str], None] | None = None,
                 clock: Callable[[], float] = time.monotonic, every: float = EVERY_SECONDS) -> None:
        self.label, self.total, self.unit = label, max(int(total), 0), unit
        self.emit = emit or log.info
        self.clock, self.every = clock, every
        self.done = 0
        self.started = self.paced_from = clock()
        self.last_line: float | None = None

    def set_total(self, total: int) -> None:
        """The total, once known (e.g. after dbt has parsed); the pace counts from then."""
        if total != self.total:
            self.total, self.paced_from = int(total), self.clock()

    def elapsed(self) -> float:
        return self.clock() - self.started

    def remaining(self) -> float | None:
        """Seconds left at the pace so far; None before the first step."""
        if self.done <= 0:
            return None
        return (self.clock() - self.paced_from) / self.done * max(self.total - self.done, 0)

    def line(self, detail: str = "") -> str:
        counts = f"{self.done}/{self.total} {self.unit}, " if self.total else ""  # total not known yet
        text = f"{self.label}: {counts}{clock_text(self.elapsed())} elapsed"
        left = self.remaining()
        if self.done < self.total and left is not None:
            text += f", about {clock_text(left)} left"
        return text + (f" ({detail})" if detail else "")

    def start(self, detail: str = "") -> str:
        """Say the work begins (``0/total``), for work whose first step is long."""
        self.last_line = self.clock()
        text = self.line(detail)
        self.emit(text)
        return text

    def advance(self, steps: int = 1, detail: str = "") -> str | None:
        """Count ``steps`` more; returns the line emitted, if any."""
        self.done += steps
        return self._emit_if_due(detail, last=self.done >= self.total)

    def note(self, detail: str) -> str | None:
        """Within a long step: a line saying what it is doing, if one is due (no step counted)."""
        return self._emit_if_due(detail, last=False)

    def _emit_if_due(self, detail: str, last: bool) -> str | None:
        now = self.clock()
        if not (last or self.last_line is None or now - self.last_line >= self.every):
            return None
        self.last_line = now
        text = self.line(detail)
        self.emit(text)
        return text


class _SignOfLife(logging.Filter):
    """Each line printed on the terminal resets the CLI's heartbeat (:mod:`pilotage.heartbeat`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from pilotage import heartbeat

        heartbeat.touch()
        return True


def to_terminal(stream=None) -> None:
    """Print ``pilotage.progress`` lines (and the pipeline's step lines) on the terminal."""
    if any(getattr(h, "_pilotage_terminal", False) for h in log.handlers):
        return
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.addFilter(_SignOfLife())
    handler.setFormatter(logging.Formatter("  %(asctime)s %(message)s", "%H:%M:%S"))
    handler._pilotage_terminal = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(logging.INFO)
