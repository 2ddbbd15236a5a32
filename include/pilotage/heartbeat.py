"""A terminal heartbeat for long CLI work (``pilotage run``, ``pilotage demo``).

Progress lines are throttled and come from steps; one long step (a dbt node, an Airflow task's
bookkeeping) can still leave the terminal silent. While a :class:`Heartbeat` is active, every line
printed through ``pilotage.progress`` or the CLI's step printer counts as a sign of life; after
``quiet`` seconds without one it prints a line saying what is running (the Airflow task, learnt
from ``dag.test()``'s own log record) and for how long. Task logs are not touched.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable

QUIET_SECONDS = 8.0  # the longest silence on the terminal before a "still working" line
DAG_TEST_LOGGER = "airflow.sdk.definitions.dag"  # logs "[DAG TEST] starting task_id=%s ..."

_active: Heartbeat | None = None


def touch(what: str | None = None) -> None:
    """A line was printed (and, when given, it says ``what`` is now running)."""
    if _active is not None:
        _active.touch(what)


def now_running(what: str) -> None:
    """``what`` has started (nothing printed: the silence goes on counting)."""
    if _active is not None:
        _active.now_running(what)


class Heartbeat:
    """Prints a line when the terminal has been quiet for ``quiet`` seconds. Use as a context
    manager (a daemon thread checks once a second); ``tick()`` is the check itself."""

    def __init__(self, quiet: float = QUIET_SECONDS, *, emit: Callable[[str], None] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.quiet, self.clock = quiet, clock
        self.emit = emit or (lambda line: print(line, file=sys.stdout, flush=True))
        self.started = self.last = self.since = clock()
        self.what = "starting"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def touch(self, what: str | None = None) -> None:
        with self._lock:
            self.last = self.clock()
        if what:
            self.now_running(what)

    def now_running(self, what: str) -> None:
        with self._lock:
            if what != self.what:
                self.what, self.since = what, self.clock()

    def tick(self) -> str | None:
        """The line due now, if the terminal has been quiet long enough (it is also emitted)."""
        with self._lock:
            now = self.clock()
            if now - self.last < self.quiet:
                return None
            self.last = now
            line = (f"  {time.strftime('%H:%M:%S')} still working: {self.what} "
                    f"({_clock(now - self.since)} in it, {_clock(now - self.started)} in all)")
        self.emit(line)
        return line

    def __enter__(self) -> Heartbeat:
        global _active
        _active = self
        self._thread = threading.Thread(target=self._run, name="pilotage-heartbeat", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        global _active
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        _active = None

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.tick()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


class _TaskStarts(logging.Filter):
    """On ``dag.test()``'s logger: learn which task starts, keep its INFO lines off the terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if message.startswith("[DAG TEST] starting task_id") and record.args:
            now_running(f"Airflow task {record.args[0]}")
        return record.levelno >= logging.WARNING


def watch_dag_test_tasks() -> None:
    """Name the running Airflow task in heartbeat lines. Call once Airflow has configured its
    logging (its configuration would disable a logger set up before it)."""
    logger = logging.getLogger(DAG_TEST_LOGGER)
    if not any(isinstance(f, _TaskStarts) for f in logger.filters):
        logger.addFilter(_TaskStarts())
    logger.setLevel(logging.INFO)
