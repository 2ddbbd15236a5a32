"""The warehouse writer lock: a waiter gives up after its timeout and names the holder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from pilotage.settings import Settings
from pilotage.warehouse import WriterLockTimeout, writer_lock

HOLDER = """
import sys
from pathlib import Path
from pilotage.warehouse import writer_lock

with writer_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.readline()   # hold until the test closes our stdin
"""


@pytest.fixture
def holder(tmp_path: Path):
    """A second process holding the writer lock of tmp_path/pilotage.duckdb until released."""
    warehouse = tmp_path / "pilotage.duckdb"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(warehouse)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    yield warehouse, proc
    if proc.poll() is None:
        proc.stdin.close()
        proc.wait(timeout=30)


def test_waiting_for_a_held_lock_times_out_naming_the_holder(holder) -> None:
    warehouse, proc = holder
    timeout = Settings.build(env={"PILOTAGE_LOCK_TIMEOUT_SECONDS": "0.3"}).lock_timeout_seconds
    with pytest.raises(WriterLockTimeout) as caught:
        with writer_lock(warehouse, timeout):
            pytest.fail("the lock was granted while another process held it")
    message = str(caught.value)
    assert f"pid={proc.pid}" in message
    assert f"host={socket.gethostname()}" in message
    assert "since=" in message and "command=" in message
    assert "0.3 s" in message


def test_lock_is_granted_once_the_holder_releases_it(holder) -> None:
    warehouse, proc = holder
    proc.stdin.close()
    assert proc.wait(timeout=30) == 0
    with writer_lock(warehouse, timeout=0.3):
        line = warehouse.with_suffix(".duckdb.lock").read_text()
        assert line.startswith(f"pid={os.getpid()} ")
    assert warehouse.with_suffix(".duckdb.lock").read_text() == ""

