"""Resident memory of a process and all its descendants, sampled in a thread."""

from __future__ import annotations

import threading
import time

import psutil


def tree_rss(pid: int) -> int:
    """Bytes resident in ``pid`` and its descendants now (processes gone meanwhile count 0)."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total


class Sampler:
    """``with Sampler(pid) as s:`` records ``(epoch seconds, tree RSS bytes)`` every ``period``."""

    def __init__(self, pid: int, period: float = 0.2) -> None:
        self.pid, self.period = pid, period
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), tree_rss(self.pid)))
            self._stop.wait(self.period)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def peak(self, start: float = 0.0, end: float = float("inf")) -> int:
        """Highest tree RSS sampled in [start, end] (0 when no sample falls there)."""
        return max((rss for t, rss in self.samples if start <= t <= end), default=0)
