"""``python -m pilotage.generator``: write deterministic sample exports for a date range."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from pilotage.generator import center, generate


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    queues = ", ".join(f"{q.name} ({q.site_id})" for q in center.QUEUES)
    parser = argparse.ArgumentParser(
        prog="python -m pilotage.generator",
        description=(
            "Write realistic, deterministic sample exports of a two-provider contact center "
            f"({queues}) for every local day (Europe/Paris) of a date range: ACD contact records "
            "and agent intervals, CRM cases and surveys, WFM forecasts, schedules and roster, QA "
            "evaluations, in the layouts of docs/source-layouts.md, under LANDING/<source>/. "
            "The same seed gives byte-identical files for a day whatever range is requested."),
        epilog=("example: python -m pilotage.generator --landing data/landing --start 2026-01-01 "
                "--end 2026-01-31 --seed 42 --contacts-per-day 1200"),
    )
    parser.add_argument("--landing", type=Path, required=True, help="landing folder to write into")
    parser.add_argument("--start", type=_date, required=True, help="first day, YYYY-MM-DD")
    parser.add_argument("--end", type=_date, help="last day, inclusive, YYYY-MM-DD (default: --start)")
    parser.add_argument("--seed", type=_positive, default=42, help="random seed (default 42)")
    parser.add_argument("--contacts-per-day", type=_positive, default=1200,
                        help="average contacts per open day, Monday-Saturday (default 1200)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    end = args.end or args.start
    started = time.monotonic()

    def progress(message: str) -> None:
        print(f"[{time.monotonic() - started:7.1f}s] {message}", flush=True)

    try:
        summary = generate(args.landing, args.start, end, seed=args.seed,
                           contacts_per_day=args.contacts_per_day,
                           progress=None if args.quiet else progress)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {summary} into {args.landing}")
    for entity, rows in summary.rows.items():
        print(f"  {entity:22} {rows:>10,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
