"""The CLI's heartbeat: a "still working" line after a quiet spell, naming the running task."""

from __future__ import annotations

import logging

from pilotage import heartbeat, progress
from pilotage.heartbeat import Heartbeat


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def test_a_line_comes_only_after_the_quiet_spell_and_names_what_runs() -> None:
    clock, lines = FakeClock(), []
    beat = Heartbeat(8, emit=lines.append, clock=clock)
    clock.now += 7.9
    assert beat.tick() is None
    beat.now_running("Airflow task dbt_build")  # a task start is not a printed line
    clock.now += 0.2
    line = beat.tick()
    assert line is not None and "still working: Airflow task dbt_build (0:00 in it, 0:08 in all)" in line
    clock.now += 5
    assert beat.tick() is None  # the heartbeat line itself counts as output
    beat.touch()
    clock.now += 7
    assert beat.tick() is None
    clock.now += 1.5
    assert "(0:13 in it, 0:21 in all)" in beat.tick()
    assert len(lines) == 2


def test_progress_lines_and_dag_test_task_starts_feed_the_active_heartbeat(capsys) -> None:
    clock, lines = FakeClock(), []
    beat = Heartbeat(8, emit=lines.append, clock=clock)
    with beat:
        heartbeat.watch_dag_test_tasks()
        clock.now += 20
        progress.to_terminal()
        logging.getLogger("pilotage.progress").info("validate acd: 3/9 files")  # printed: resets
        assert beat.tick() is None
        dag_test = logging.getLogger(heartbeat.DAG_TEST_LOGGER)
        dag_test.info("[DAG TEST] starting task_id=%s map_index=%s", "load_acd", -1)
        assert beat.what == "Airflow task load_acd"
        clock.now += 9
        assert "still working: Airflow task load_acd" in beat.tick()
    assert "[DAG TEST]" not in capsys.readouterr().out  # Airflow's own INFO line stays off
    heartbeat.touch("after the block")  # no heartbeat active: nothing happens
    assert beat.what == "Airflow task load_acd"
