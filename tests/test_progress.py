"""The progress reporter: throttled lines, elapsed time and the estimate (injected clock)."""

from __future__ import annotations

from pilotage.progress import Progress, clock_text


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_lines_are_throttled_but_first_and_last_always_show() -> None:
    clock, lines = FakeClock(), []
    progress = Progress("history validate", 10, "files", emit=lines.append, clock=clock, every=10)
    for _ in range(10):
        clock.now += 2  # a step every 2 s: at most one line per 10 s
        progress.advance()
    assert len(lines) == 3  # first step (2 s), 12 s, and the last step (20 s)
    assert lines[0].startswith("history validate: 1/10 files, 0:02 elapsed")
    assert lines[1].startswith("history validate: 6/10 files, 0:12 elapsed")
    assert lines[-1] == "history validate: 10/10 files, 0:20 elapsed"


def test_estimate_follows_the_pace_so_far() -> None:
    clock, lines = FakeClock(), []
    progress = Progress("backfill", 40, "days", emit=lines.append, clock=clock, every=5)
    assert progress.remaining() is None
    clock.now += 30
    progress.advance(10, detail="acd")
    assert progress.remaining() == 90  # 3 s per day, 30 days left
    assert lines == ["backfill: 10/40 days, 0:30 elapsed, about 1:30 left (acd)"]
    clock.now += 1
    assert progress.advance() is None  # within 5 s of the previous line


def test_clock_text() -> None:
    assert clock_text(65) == "1:05"
    assert clock_text(3723) == "1:02:03"


def test_start_says_the_work_begins_and_counts_as_a_line() -> None:
    clock, lines = FakeClock(), []
    progress = Progress("acd validate", 6, "files", emit=lines.append, clock=clock, every=10)
    progress.start("2 entities")
    clock.now += 4
    assert progress.advance(3) is None  # 4 s after the start line
    assert lines == ["acd validate: 0/6 files, 0:00 elapsed (2 entities)"]


def test_notes_inside_a_long_step_are_throttled_too() -> None:
    clock, lines = FakeClock(), []
    progress = Progress("acd validate", 2, "files", emit=lines.append, clock=clock, every=10)
    progress.start()
    clock.now += 3
    assert progress.note("acd__contacts: parsed") is None
    clock.now += 8
    assert progress.note("acd__contacts: validating") == \
        "acd validate: 0/2 files, 0:11 elapsed (acd__contacts: validating)"
    assert progress.done == 0


def test_a_total_learnt_later_is_shown_once_known() -> None:
    clock, lines = FakeClock(), []
    progress = Progress("dbt build", 0, "nodes", emit=lines.append, clock=clock, every=10)
    progress.start("parsing")
    clock.now += 12  # parsing: not part of the pace of the nodes
    progress.set_total(4)
    clock.now += 2
    progress.advance()
    assert lines == ["dbt build: 0:00 elapsed (parsing)", "dbt build: 1/4 nodes, 0:14 elapsed, about 0:06 left"]
