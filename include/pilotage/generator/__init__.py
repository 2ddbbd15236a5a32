"""Deterministic, realistic sample exports of the modelled contact center.

``generate(landing_dir, start, end, seed=42, contacts_per_day=1200)`` writes, for every local
day (Europe/Paris) of [start, end], the eight daily files of docs/source-layouts.md under
``landing_dir/<source>/``. The same seed and day always give byte-identical files, whatever
range is requested. ``python -m pilotage.generator --help`` for the command line.

Model overview (details in each module's docstring):

* ``center``    - providers, sites, queues, opening hours, profiles, QA form: all constants
* ``demand``    - expected volume, Poisson arrivals, WFM forecast (Erlang C, ``erlang``)
* ``roster``    - agent histories (hires, leavers, team moves), vacations, sickness
* ``schedule``  - shift planning against FCST_REQ, breaks/lunch/training, adherence
* ``queueing``  - agent capacity slots, Erlang-C waits, patience/abandons, e-mail FIFO backlog
* ``model``     - the memoized per-day stages, contact records and transfers
* ``email_queue`` - e-mails worked first-in-first-out on each open day, overtime
* ``identities`` - customers, case openers and follow-ups of earlier cases
* ``crm``, ``quality``, ``intervals`` - cases & surveys, QA evaluations, agent interval report
* ``writers``   - the file layouts
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from pilotage.generator import center
from pilotage.generator.model import Model
from pilotage.generator.writers import FILES, render_day

__all__ = ["GenerationSummary", "generate", "day_files"]

ENTITY_KEYS = tuple(f[1] for f in FILES)


@dataclass
class GenerationSummary:
    """What ``generate`` wrote."""

    landing_dir: Path
    first_day: date
    last_day: date
    seed: int
    contacts_per_day: int
    days: int = 0
    files_written: int = 0
    files_skipped_empty: int = 0
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENTITY_KEYS, 0))
    seconds: float = 0.0

    def __str__(self) -> str:
        return (f"{self.days} day(s) {self.first_day}..{self.last_day}, {self.files_written} files, "
                f"{self.rows['acd__contacts']:,} contact records (seed {self.seed}, "
                f"~{self.contacts_per_day:,} contacts/open day) in {self.seconds:.1f}s")


def _check_args(start: date, end: date, seed: int, contacts_per_day: int) -> None:
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if start < center.FIRST_SUPPORTED_DAY or end > center.LAST_SUPPORTED_DAY:
        raise ValueError(f"days must lie in {center.FIRST_SUPPORTED_DAY}..{center.LAST_SUPPORTED_DAY}")
    if seed < 0:
        raise ValueError("seed must be >= 0")
    if not 10 <= contacts_per_day <= 1_000_000:
        raise ValueError("contacts_per_day must be between 10 and 1,000,000")


def _write(path: Path, chunks: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "wb") as handle:
        for chunk in chunks:
            handle.write(chunk.encode("utf-8"))
    os.replace(tmp, path)  # atomic: a watcher never sees a half-written file


def day_files(day: date, *, seed: int = 42, contacts_per_day: int = 1200) -> dict[str, bytes]:
    """The files of one day in memory, ``{"<source>/<name>": content}`` (empty ones included)."""
    _check_args(day, day, seed, contacts_per_day)
    model = Model(seed, contacts_per_day)
    return {f"{f.source}/{f.name}": f.content for f in render_day(model, day)}


def generate(landing_dir: Path | str, start: date, end: date, *, seed: int = 42,
             contacts_per_day: int = 1200,
             progress: Callable[[str], None] | None = None) -> GenerationSummary:
    """Write the sample exports of every day in [start, end] under ``landing_dir``.

    Files: ``acd/contacts_YYYYMMDD.jsonl``, ``acd/agent_intervals_YYYYMMDD.csv``,
    ``crm/cases_YYYYMMDD.csv``, ``crm/surveys_YYYYMMDD.csv``, ``wfm/forecasts_YYYYMMDD.txt``,
    ``wfm/schedules_YYYYMMDD.txt``, ``wfm/roster_YYYYMMDD.csv``, ``qa/evaluations_YYYYMMDD.jsonl``.
    A JSON Lines file with no record (the QA file of a Sunday, when nothing was evaluated) is
    written empty (0 bytes), as vendors deliver it: the pipeline loads it as a day with no rows,
    not a missing day. Files are replaced atomically.
    """
    _check_args(start, end, seed, contacts_per_day)
    landing = Path(landing_dir)
    summary = GenerationSummary(landing_dir=landing, first_day=start, last_day=end, seed=seed,
                                contacts_per_day=contacts_per_day)
    began = time.monotonic()
    model = Model(seed, contacts_per_day)
    month_days = month_contacts = 0
    day = start
    while day <= end:
        for f in render_day(model, day):
            path = landing / f.source / f.name
            summary.rows[f.entity] += f.rows
            if not f.chunks:
                summary.files_skipped_empty += 1  # written empty all the same (0 bytes)
            _write(path, f.chunks)
            summary.files_written += 1
            if f.entity == "acd__contacts":
                month_contacts += f.rows
        summary.days += 1
        month_days += 1
        model.forget_before(day)
        nxt = day + timedelta(days=1)
        if progress and (nxt.month != day.month or nxt > end):
            progress(f"generated {day:%Y-%m}: {month_days} day(s), {month_contacts:,} contact records, "
                     f"{time.monotonic() - began:.1f}s elapsed")
            month_days = month_contacts = 0
        day = nxt
    summary.seconds = time.monotonic() - began
    return summary
