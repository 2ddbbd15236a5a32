"""``pilotage run`` ends without the interpreter's teardown, its exit handlers still run."""

from __future__ import annotations

import subprocess
import sys

from pilotage.cli import build_parser

CHILD = """
import atexit, logging, sys, threading, time
from pilotage.process_exit import exit_without_teardown
handler = logging.FileHandler(sys.argv[1])
logging.getLogger("t").addHandler(handler)
logging.getLogger("t").warning("logged before exit")
atexit.register(lambda: print("exit handler ran"))
threading.Thread(target=lambda: (time.sleep(0.5), print("thread finished"))).start()
print("output before exit", end="")
exit_without_teardown(3)
print("never")
"""


def test_exit_without_teardown_keeps_exit_handlers_output_and_code(tmp_path):
    log = tmp_path / "t.log"
    done = subprocess.run([sys.executable, "-c", CHILD, str(log)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 3
    assert "output before exit" in done.stdout and "exit handler ran" in done.stdout
    assert "thread finished" in done.stdout  # a non-daemon thread is waited for, as at a normal exit
    assert "never" not in done.stdout
    assert log.read_text() == "logged before exit\n"  # logging flushed and closed by its handler


def test_only_the_airflow_commands_exit_fast():
    parser = build_parser()
    assert parser.parse_args(["run", "--from", "2025-09-01"]).fast_exit
    assert not getattr(parser.parse_args(["generate", "--start", "2025-09-01", "--end", "2025-09-01"]),
                       "fast_exit", False)
