"""``pilotage``: generate sample exports, run the pipeline through Airflow, read the KPIs."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from pilotage.settings import Settings


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


class Progress:
    """Prints timestamped steps so long runs show where they are."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        elapsed = time.monotonic() - self.started
        print(f"[{int(elapsed) // 60:02d}:{int(elapsed) % 60:02d}] {message}", flush=True)


def _months_before(day: date, months: int) -> date:
    """The same day of the month ``months`` earlier (clamped to the 28th)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month0 + 1, min(day.day, 28))


def cmd_generate(args: argparse.Namespace) -> int:
    from pilotage.generator import generate

    settings = Settings.from_env()
    landing = args.landing or settings.landing_dir
    summary = generate(landing, args.start, args.end, seed=args.seed,
                       contacts_per_day=args.contacts_per_day, progress=Progress())
    print(f"wrote {summary} into {landing}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from pilotage import airflow_local

    progress = Progress()
    first, last = args.date_from, args.date_to or args.date_from
    if last < first:
        raise SystemExit("error: --to is before --from")
    airflow_local.ensure_metadata_db()
    progress(f"Airflow run of pilotage_daily for {first}..{last}")
    airflow_local.run_window(first, last)
    progress("done")
    return 0


def cmd_kpis(args: argparse.Namespace) -> int:
    from pilotage.reporting import format_table, last_complete_week, provider_kpis

    settings = Settings.from_env()
    first, last = (args.date_from, args.date_to) if args.date_from else last_complete_week(date.today())
    print(f"KPIs per provider, {first} .. {last} ({settings.warehouse_path})")
    print(format_table(provider_kpis(settings.warehouse_path, first, last)))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from pilotage.warehouse import connect

    settings = Settings.from_env()
    con = connect(settings.warehouse_path, read_only=True)
    try:
        rows = con.execute(
            "select entity, status, count(*), min(business_date), max(business_date) "
            "from raw._load_log group by all order by all").fetchall()
        problems = con.execute(
            "select business_date, entity, status, message from raw._load_log "
            "where status <> 'loaded' order by business_date desc, entity limit ?",
            [args.limit]).fetchall()
    finally:
        con.close()
    print(f"{'entity':28} {'status':12} {'days':>5}  first       last")
    for entity_key, status, n, lo, hi in rows:
        print(f"{entity_key:28} {status:12} {n:5d}  {lo}  {hi}")
    if problems:
        print("\nMost recent days not loaded:")
        for day, entity_key, status, message in problems:
            print(f"  {day} {entity_key} {status}: {message}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pilotage import airflow_local
    from pilotage.generator import generate
    from pilotage.reporting import format_table, last_complete_week, provider_kpis

    progress = Progress()
    settings = Settings.from_env()
    today = args.today or date.today()
    last = today - timedelta(days=1)
    first = _months_before(last, args.months) + timedelta(days=1)
    daily_from = last - timedelta(days=args.daily_days - 1)
    progress(f"1/4 generating sample exports {first}..{last} (seed {args.seed}, "
             f"~{args.contacts_per_day} contacts/day) into {settings.landing_dir}")
    generate(settings.landing_dir, first, last, seed=args.seed,
             contacts_per_day=args.contacts_per_day, progress=progress)
    progress(f"2/4 preparing the Airflow metadata DB in {airflow_local.airflow_home()}")
    airflow_local.ensure_metadata_db()
    dag = airflow_local.load_dag()
    progress(f"3/4 Airflow run loading the history {first}..{daily_from - timedelta(days=1)} in one pass")
    airflow_local.run_window(first, daily_from - timedelta(days=1), dag=dag)
    for offset in range(args.daily_days):
        day = daily_from + timedelta(days=offset)
        progress(f"4/4 daily Airflow run for {day}")
        airflow_local.run_window(day, day, dag=dag)
    week_first, week_last = last_complete_week(today)
    progress("done")
    print(f"\nWarehouse: {settings.warehouse_path}")
    print(f"Landing folder (sample exports): {settings.landing_dir}")
    print(f"Quarantine: {settings.quarantine_dir}   Airflow home: {airflow_local.airflow_home()}")
    print(f"\nLast week ({week_first} .. {week_last}), per provider:")
    print(format_table(provider_kpis(settings.warehouse_path, week_first, week_last)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pilotage",
        description="Contact-center exports -> validated DuckDB warehouse -> committee KPIs. "
        "Paths: PILOTAGE_DATA_DIR, PILOTAGE_LANDING_DIR, PILOTAGE_WAREHOUSE (see README).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="generate 13 months of sample exports, load them through "
                          "Airflow, print last week's KPIs per provider")
    demo.add_argument("--months", type=int, default=13, help="history to generate (default 13)")
    demo.add_argument("--daily-days", type=int, default=3,
                      help="most recent days loaded as ordinary daily runs (default 3)")
    demo.add_argument("--contacts-per-day", type=int, default=1200,
                      help="average contacts per open day (default 1200)")
    demo.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    demo.add_argument("--today", type=_date, help="pretend today is this date (YYYY-MM-DD)")
    demo.set_defaults(func=cmd_demo)

    gen = sub.add_parser("generate", help="write deterministic sample exports for a date range")
    gen.add_argument("--start", type=_date, required=True, help="first day (YYYY-MM-DD)")
    gen.add_argument("--end", type=_date, required=True, help="last day, inclusive")
    gen.add_argument("--landing", type=Path, help="landing folder (default: PILOTAGE_LANDING_DIR)")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--contacts-per-day", type=int, default=1200)
    gen.set_defaults(func=cmd_generate)

    run = sub.add_parser("run", help="one Airflow run of pilotage_daily over a window of days")
    run.add_argument("--from", dest="date_from", type=_date, required=True, help="first day")
    run.add_argument("--to", dest="date_to", type=_date, help="last day, inclusive (default: --from)")
    run.set_defaults(func=cmd_run)

    kpis = sub.add_parser("kpis", help="print KPIs per provider for a period")
    kpis.add_argument("--from", dest="date_from", type=_date, help="first day (default: last week)")
    kpis.add_argument("--to", dest="date_to", type=_date, help="last day, inclusive")
    kpis.set_defaults(func=cmd_kpis)

    status = sub.add_parser("status", help="what is loaded, missing or quarantined")
    status.add_argument("--limit", type=int, default=20, help="problem lines to show (default 20)")
    status.set_defaults(func=cmd_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "command", None) == "kpis" and bool(args.date_from) != bool(args.date_to):
        raise SystemExit("error: give both --from and --to, or neither")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
