"""One measured ``pilotage run`` (the real DAG through Airflow) in a child process."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from pilotage.bench.sampler import Sampler
from pilotage.settings import subprocess_env


@dataclass
class Step:
    """One task of the run: seconds and peak RSS of the process tree while it ran."""

    task_id: str
    seconds: float
    peak_rss: int


@dataclass
class RunResult:
    """A measured run: wall seconds of ``pilotage run``, its tasks, its peak RSS."""

    label: str
    first: date
    last: date
    wall: float
    peak_rss: int
    steps: list[Step] = field(default_factory=list)

    def seconds(self, prefix: str) -> float:
        """Seconds of the tasks whose id starts with ``prefix`` (e.g. ``validate_``)."""
        return sum(s.seconds for s in self.steps if s.task_id.startswith(prefix))

    def peak(self, prefix: str) -> int:
        return max((s.peak_rss for s in self.steps if s.task_id.startswith(prefix)), default=0)

    @property
    def outside_tasks(self) -> float:
        return max(self.wall - sum(s.seconds for s in self.steps), 0.0)


def _epoch(text: str) -> float:
    stamp = datetime.fromisoformat(text)
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).timestamp()


def _task_times(airflow_db: Path) -> list[tuple[str, float, float]]:
    """(task_id, start, end) of the latest DAG run's task instances, from the metadata DB."""
    con = sqlite3.connect(airflow_db)
    try:
        (run_id,) = con.execute("select run_id from dag_run order by id desc limit 1").fetchone()
        rows = con.execute("select task_id, start_date, end_date from task_instance "
                           "where run_id = ? and start_date is not null and end_date is not null "
                           "order by start_date", [run_id]).fetchall()
    finally:
        con.close()
    return [(task, _epoch(start), _epoch(end)) for task, start, end in rows]


def pilotage_run(label: str, first: date, last: date, env: dict[str, str], log: Path) -> RunResult:
    """``pilotage run --from first --to last`` with ``env`` (data dir, Airflow home), measured."""
    cmd = [str(Path(sys.executable).with_name("pilotage")), "run", "--from", first.isoformat(),
           "--to", last.isoformat()]
    began = time.time()
    with open(log, "a", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=subprocess_env(env))
        with Sampler(proc.pid) as sampler:
            code = proc.wait()
    wall = time.time() - began
    if code != 0:
        raise RuntimeError(f"{label}: pilotage run {first}..{last} exited {code}; see {log}")
    steps = [Step(task, end - start, sampler.peak(start, end))
             for task, start, end in _task_times(Path(env["AIRFLOW_HOME"]) / "airflow.db")]
    return RunResult(label, first, last, wall, sampler.peak(), steps)
