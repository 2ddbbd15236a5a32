"""Ending ``pilotage run`` / ``pilotage demo`` without the interpreter's teardown."""

from __future__ import annotations

import sys
from typing import NoReturn


def exit_without_teardown(code: int) -> NoReturn:
    """End the process once its work is saved: as at a normal exit, non-daemon threads are joined
    and the exit handlers run (logging flushed and closed, Airflow's engine disposed), then
    ``os._exit`` skips the interpreter's teardown of every loaded module (Airflow, dbt, GX,
    pandas: seconds at the end of each ``pilotage run``)."""
    import atexit
    import os
    import threading

    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
