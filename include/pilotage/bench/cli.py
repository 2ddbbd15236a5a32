"""``python -m pilotage.bench [--quick]``: run the plan, print the goals, write docs/benchmarks.md."""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pilotage.bench import report
from pilotage.bench.airflow_run import RunResult, pilotage_run
from pilotage.bench.plan import FULL, QUICK, Plan
from pilotage.bench.report import GIB, Goal
from pilotage.settings import PROJECT_ROOT, Settings


@dataclass
class Measures:
    """Everything a bench run measured."""

    plan: Plan
    runs: list[RunResult] = field(default_factory=list)
    raw_query: float | None = None
    compared: tuple[int, int] | None = None  # intervals compared, intervals that differ
    generate_seconds: float = 0.0
    elapsed: float = 0.0  # the whole bench, seconds


class Progress:
    def __init__(self, total: int) -> None:
        self.began, self.step, self.total = time.monotonic(), 0, total

    def __call__(self, message: str) -> None:
        self.step += 1
        minutes, seconds = divmod(int(time.monotonic() - self.began), 60)
        print(f"[{minutes:02d}:{seconds:02d}] {self.step}/{self.total} {message}", flush=True)


def queues_file(settings: Settings) -> Path:
    """The center's queue list (names, thresholds) that the raw query joins, as dbt's seed does."""
    return settings.center_dir / "queues.csv"


def _generate(settings: Settings, first: date, last: date, volume: int, m: Measures) -> None:
    from pilotage.generator import generate

    began = time.perf_counter()
    generate(settings.landing_dir, first, last, seed=1, contacts_per_day=volume)
    m.generate_seconds += time.perf_counter() - began


def measure(plan: Plan, workdir: Path) -> Measures:
    """Generate the files, then run the plan's Airflow runs one after the other."""
    from pilotage.bench.rawquery import agreement, raw_kpis

    env = {"PILOTAGE_DATA_DIR": str(workdir / "data"), "AIRFLOW_HOME": str(workdir / "airflow")}
    settings = Settings.build(env)
    log = workdir / "runs.log"
    days = plan.days()
    m = Measures(plan)
    progress = Progress(3 + len(days["short_daily"]) + len(days["long_daily"])
                        + (1 + len(days["small_daily"]) if days["small"] else 0))

    def run(label: str, first: date, last: date, run_env: dict[str, str] = env) -> RunResult:
        result = pilotage_run(label, first, last, run_env, log)
        m.runs.append(result)
        print(f"        {label}: {result.wall:.1f} s wall, validate {result.seconds('validate_'):.1f} s, "
              f"dbt_build {result.seconds('dbt_build'):.1f} s, peak {result.peak_rss / GIB:.2f} GiB",
              flush=True)
        return result

    first, last = days["short"]
    progress(f"generating the short history {first}..{last} at {plan.short_volume:,}/day")
    _generate(settings, first, last, plan.short_volume, m)
    progress(f"rebuild: one Airflow run loading {first}..{last}")
    run(f"rebuild {plan.short_days} d x {plan.short_volume:,}", first, last)
    files = [settings.landing_dir / "acd" / f"contacts_{d:%Y%m%d}.jsonl"
             for d in _dates(first, last)]
    m.raw_query, rows = raw_kpis(files, queues_file(settings))
    m.compared = agreement(rows, settings.published_path if settings.published_path.exists()
                           else settings.warehouse_path, first.isoformat(), last.isoformat())
    print(f"        raw DuckDB query over the same files: {m.raw_query:.2f} s; "
          f"{m.compared[0]} intervals compared, {m.compared[1]} differ", flush=True)
    for history, on_long in (("short", False), ("long", True)):
        if on_long:
            first, last = days["long"]
            progress(f"generating and loading the rest of the long history {first}..{last} at "
                     f"{plan.long_volume:,}/day in one run")
            _generate(settings, first, last, plan.long_volume, m)
            run(f"history load {(last - first).days + 1} d x {plan.long_volume:,}", first, last)
        for index, day in enumerate(days[f"{history}_daily"]):
            volume = plan.volume_of(index, on_long)
            progress(f"daily run {day} at {volume:,}/day on the {history} history")
            _generate(settings, day, day, volume, m)
            run(f"daily {volume:,} on {history}", day, day)
    if days["small"]:
        _measure_small_center(plan, workdir / "small", days, m, run, progress)
    return m


def _measure_small_center(plan: Plan, folder: Path, days: dict, m: Measures, run, progress) -> None:
    """The fixed cost: a center of its own (its warehouse, its Airflow home) at the low volume,
    its history loaded in one run, then the low daily runs: the cost of a run whose data is
    small, where the 7 days every run rebuilds are small days too."""
    env = {"PILOTAGE_DATA_DIR": str(folder / "data"), "AIRFLOW_HOME": str(folder / "airflow")}
    settings = Settings.build(env)
    first, last = days["small"]
    progress(f"small center: generating and loading {first}..{last} at {plan.low:,}/day in one run")
    _generate(settings, first, last, plan.low, m)
    run(f"small center load {plan.small_days} d x {plan.low:,}", first, last, env)
    for day in days["small_daily"]:
        progress(f"daily run {day} at {plan.low:,}/day on the small center")
        _generate(settings, day, day, plan.low, m)
        run(f"daily {plan.low:,} on small", day, day, env)


def _dates(first: date, last: date) -> list[date]:
    from datetime import timedelta

    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _median(runs: list[RunResult], label: str) -> float | None:
    walls = [r.wall for r in runs if r.label == label]
    return statistics.median(walls) if walls else None


def goals(m: Measures) -> list[Goal]:
    """The issue's goals with this run's figures (labels say the volumes actually used)."""
    p = m.plan
    low_short = _median(m.runs, f"daily {p.low:,} on short")
    high_short = _median(m.runs, f"daily {p.high:,} on short")
    low_long = _median(m.runs, f"daily {p.low:,} on long")
    rebuild = next((r for r in m.runs if r.label.startswith("rebuild")), None)
    history = next((r for r in m.runs if r.label.startswith("history load")), None)
    daily_peaks = [r.peak_rss for r in m.runs if r.label.startswith("daily")]
    history_days = p.long_days - p.short_days - 2 * p.pairs
    if p.small_days:  # the fixed cost on a small center; the low run on the short history beside it
        fixed = [Goal(f"fixed cost: daily run, {p.low:,}/day, on {p.small_days} d x {p.low:,}",
                      _median(m.runs, f"daily {p.low:,} on small"), 30, "s"),
                 Goal(f"daily run, {p.low:,}/day, on {p.short_days} d x {p.short_volume:,}", low_short, 30, "s")]
    else:
        fixed = [Goal(f"daily run, {p.low:,}/day, {p.short_days} d history (fixed cost)", low_short, 30, "s")]
    return [
        *fixed,
        Goal(f"daily run, {p.high:,}/day, {p.short_days} d history", high_short, 60, "s"),
        Goal(f"marginal {p.high:,} - {p.low:,}/day", None if high_short is None or low_short is None
             else high_short - low_short, 10, "s"),
        Goal(f"history ratio: daily {p.low:,} on {p.long_days} d / on {p.short_days} d",
             report.ratio(low_long, low_short), 1.1, "x"),
        Goal(f"rebuild {p.short_days} d x {p.short_volume:,} / raw DuckDB query",
             report.ratio(rebuild.wall if rebuild else None, m.raw_query), 5, "x"),
        Goal(f"history load, {history_days} d x {p.long_volume:,}/day, one run",
             history.wall if history else None, 600, "s"),
        Goal("peak RSS, daily runs (process tree)",
             max(daily_peaks) / GIB if daily_peaks else None, 2, "GiB"),
        Goal("peak RSS, rebuild (process tree)", rebuild.peak_rss / GIB if rebuild else None, 4, "GiB"),
    ]


def runs_table(m: Measures) -> str:
    rows = []
    for r in m.runs:
        validate = r.seconds("validate_")
        rows.append([r.label, f"{r.wall:.1f}", f"{r.outside_tasks:.1f}", f"{validate:.1f}",
                     f"{100 * validate / r.wall:.0f} %", f"{r.seconds('load_'):.1f}",
                     f"{r.seconds('dbt_build'):.1f}", f"{r.seconds('dbt.'):.1f}",
                     f"{r.seconds('publish_marts'):.1f}", f"{r.peak_rss / GIB:.2f}",
                     f"{r.peak('validate_') / GIB:.2f}", f"{r.peak('dbt_build') / GIB:.2f}"])
    return report.table(["run", "wall s", "outside tasks s", "validate s", "validate share",
                         "load s", "dbt_build s", "dbt folder tasks s", "publish s", "peak GiB", "validate peak GiB",
                         "dbt_build peak GiB"], rows)


def document(m: Measures, note: str) -> str:
    p = m.plan
    compared = (f"{m.compared[0]} queue x 30-min intervals compared with `fct_queue_intervals`, "
                f"{m.compared[1]} differ" if m.compared else "not compared")
    return f"""# Benchmarks

Written by `make bench` (`python -m pilotage.bench`; `--quick` for the short mode). Every
figure is one run on the machine below; the machine is shared, so read the ratios rather than
the seconds. Each run is `pilotage run` (the real `pilotage_daily` DAG through Airflow, in a
child process, `airflow db migrate` included); peak RSS sums the run's process tree (Airflow,
the tasks, dbt), sampled every 0.2 s; step figures come from Airflow's task instances.

{note}

## Machine

{report.machine()}

## Plan

{p.describe()}. This bench took {m.elapsed / 60:.0f} min; files generated in
{m.generate_seconds:.0f} s (not in any figure below).

## Goals

{report.goals_table(goals(m))}

## Runs

{runs_table(m)}

The raw DuckDB query (offered, answered, abandoned, answered within threshold, handle time per
queue and 30-min interval, straight from the Amazon Connect files of the rebuild's days):
{fmt_seconds(m.raw_query)}; {compared}.
"""


def fmt_seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pilotage.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small volumes, about 5 minutes")
    parser.add_argument("--workdir", type=Path, help="work folder (default: <data>/bench, removed after)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--note", default="", help="a sentence about the conditions, put in the document")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    workdir = args.workdir or Settings.from_env().data_dir / "bench"
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    print(plan.describe(), flush=True)
    began = time.monotonic()
    try:
        m = measure(plan, workdir)
        m.elapsed = time.monotonic() - began
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\n" + runs_table(m) + "\n\n" + report.goals_table(goals(m)))
    args.out.write_text(document(m, args.note), encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0
