"""``pilotage``: generate sample exports, run the pipeline through Airflow, read the KPIs.

``main`` builds the process's :class:`~pilotage.settings.Settings` once and hands it to the
sub-command. Longer than 350 lines: the argument parser and one short handler per sub-command,
each a thin call into the package; they read best side by side (the warehouse status and
accept commands live in ``cli_status``).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from pilotage import heartbeat
from pilotage.cli_status import cmd_accept, cmd_status
from pilotage.process_exit import exit_without_teardown
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
        heartbeat.touch(message)


def _months_before(day: date, months: int) -> date:
    """The same day of the month ``months`` earlier (clamped to the 28th)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month0 + 1, min(day.day, 28))


def cmd_generate(args: argparse.Namespace, settings: Settings) -> int:
    from pilotage.generator import generate

    landing = args.landing or settings.landing_dir
    summary = generate(landing, args.start, args.end, seed=args.seed,
                       contacts_per_day=args.contacts_per_day, progress=Progress())
    print(f"wrote {summary} into {landing}")
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from pilotage import airflow_local

    progress = Progress()
    first, last = args.date_from, args.date_to or args.date_from
    if last < first:
        raise SystemExit("error: --to is before --from")
    progress(f"preparing the Airflow metadata DB in {settings.airflow_home}")
    airflow_local.ensure_metadata_db(settings)
    progress(f"Airflow run of pilotage_daily for {first}..{last}")
    try:
        airflow_local.run_window(settings, first, last)
    except RuntimeError as exc:  # a failed or empty run: say why, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 1
    progress("done")
    return 0


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    from pilotage.center import CenterError, write_starter

    try:
        written = write_starter(args.folder.expanduser().resolve())
    except CenterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} files into {written[0].parent}: edit center.yml and the CSVs, "
          f"then: export PILOTAGE_CENTER_DIR={written[0].parent}")
    return 0


def cmd_kpis(args: argparse.Namespace, settings: Settings) -> int:
    from pilotage.reporting import format_table, last_complete_week, published_provider_kpis

    first, last = (args.date_from, args.date_to) if args.date_from else last_complete_week(date.today())
    try:
        path, rows = published_provider_kpis(settings, first, last, warn=_warn)
    except RuntimeError as exc:  # nothing published and a run writing: say so, do not wait
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"KPIs per provider, {first} .. {last} ({path})")
    print(format_table(rows))
    return 0


def _warn(message: str) -> None:
    print(f"note: {message}", file=sys.stderr)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from pilotage import airflow_local
    from pilotage.generator import generate
    from pilotage.reporting import format_table, last_complete_week, published_provider_kpis

    progress = Progress()
    today = args.today or date.today()
    last = today - timedelta(days=1)
    first = _months_before(last, args.months) + timedelta(days=1)
    daily_from = last - timedelta(days=args.daily_days - 1)
    progress(f"1/4 generating sample exports {first}..{last} (seed {args.seed}, "
             f"~{args.contacts_per_day} contacts/day) into {settings.landing_dir}")
    generate(settings.landing_dir, first, last, seed=args.seed,
             contacts_per_day=args.contacts_per_day, progress=progress)
    from pilotage import hash_key

    _key, key_source = hash_key.resolve(settings)  # generated (0600) when none is set
    progress(f"customer hash key (HMAC of customer ids and case numbers): {key_source}")
    progress(f"2/4 preparing the Airflow metadata DB in {settings.airflow_home}")
    airflow_local.ensure_metadata_db(settings)
    dag = airflow_local.load_dag(settings)
    progress(f"3/4 Airflow run loading the history {first}..{daily_from - timedelta(days=1)} in one pass")
    airflow_local.run_window(settings, first, daily_from - timedelta(days=1), dag=dag)
    for offset in range(args.daily_days):
        day = daily_from + timedelta(days=offset)
        progress(f"4/4 daily Airflow run for {day}")
        airflow_local.run_window(settings, day, day, dag=dag)
    week_first, week_last = last_complete_week(today)
    progress("done")
    print(f"\nWarehouse: {settings.warehouse_path} (published for readers: {settings.published_path},"
          f" Parquet: {settings.published_parquet_dir})")
    print(f"Landing folder (sample exports): {settings.landing_dir}")
    print(f"Quarantine: {settings.quarantine_dir}   Airflow home: {settings.airflow_home}")
    print(f"Customer hash key: {key_source}")
    print(f"\nLast week ({week_first} .. {week_last}), per provider:")
    print(format_table(published_provider_kpis(settings, week_first, week_last, warn=_warn)[1]))
    from pilotage.packs.deliver import write_demo_packs

    print("\nCommittee packs (one per committee, sample data):")
    for path in write_demo_packs(settings, today):
        print(f"  {path}")
    return 0


def cmd_pack(args: argparse.Namespace, settings: Settings) -> int:
    """Write committee packs (see ``pilotage pack --help``)."""
    from pilotage.packs.build import COMMITTEES, incomplete_period_message, period_for
    from pilotage.packs.deliver import (
        FORMATS,
        PackRequest,
        latest_period,
        packs_dir,
        read_packs,
        warehouse_facts,
        write_pack,
    )

    if not settings.warehouse_url and not settings.published_path.exists():
        raise SystemExit(f"error: no published copy of the marts at {settings.published_path} (run "
                         "`pilotage demo` or `pilotage run` first, or set PILOTAGE_PUBLISHED)")
    through, providers = warehouse_facts(settings)
    if args.list:
        print(f"published marts {settings.published_path}: last business day processed {through}")
        print(f"providers: {', '.join(providers) or '-'}")
        for key, c in COMMITTEES.items():
            latest = latest_period(key, through).label if through else "-"
            print(f"  {key:12} per {c.grain:9} ({c.cadence}); latest complete period: {latest}")
        return 0
    if not args.committee:
        raise SystemExit("error: --committee is required (or --list)")
    committees = tuple(COMMITTEES) if args.committee == "all" else (args.committee,)
    if args.period and len(committees) > 1:
        raise SystemExit("error: --period needs a single --committee (periods differ per committee)")
    if through is None and not args.period:
        raise SystemExit("error: the warehouse has no loaded day yet; give --period")
    wanted = args.provider or providers
    unknown = sorted(set(wanted) - set(providers))
    if unknown:
        raise SystemExit(f"error: unknown provider(s) {', '.join(unknown)}; known: {', '.join(providers)}")
    formats = FORMATS if not args.format else tuple(dict.fromkeys(
        f for name in args.format for f in (FORMATS if name == "all" else (name,))))
    langs = ("fr", "en") if args.lang == "all" else (args.lang,)
    out = args.out or packs_dir(settings)
    from pilotage.progress import Progress

    try:
        requests = [PackRequest(key, args.period or latest_period(key, through).label, provider,
                                args.audience)
                    for key in committees for provider in wanted]
        if not args.allow_partial:
            for key, label in dict.fromkeys((r.committee, r.period) for r in requests):
                problem = incomplete_period_message(key, period_for(key, label), through)
                if problem:
                    print(f"error: {problem}", file=sys.stderr)
                    return 2
        steps = Progress("packs", 2 * len(requests), "steps (read, then written)",
                         emit=lambda line: print(line, file=sys.stderr))
        packs = read_packs(settings, requests, lambda r: steps.advance(detail=f"read {r.committee} {r.provider_id}"))
    except (ValueError, LookupError) as exc:
        raise SystemExit(f"error: {exc}") from None
    from pilotage.packs.pdf import ChromiumMissing

    for pack in packs:
        try:
            paths = write_pack(pack, out, formats, langs)
        except ChromiumMissing as exc:
            raise SystemExit(f"error: {exc}") from None
        for path in paths:
            print(path)
        steps.advance(detail=f"wrote {pack.committee} {pack.provider_id}")
    return 0


def cmd_mapping_list(args: argparse.Namespace, settings: Settings) -> int:
    from pilotage.ingest.layout_lookup import vendor_layouts
    from pilotage.ingest.layout_parser import read_layout_file

    print(f"{'vendor layout':40} {'entity':24} format")
    for name, path in sorted(vendor_layouts(settings.layouts_dir).items()):
        layout = read_layout_file(path)
        print(f"{name:40} {layout.entity.key:24} {layout.format}")
    return 0


def cmd_mapping_check(args: argparse.Namespace, settings: Settings) -> int:
    """The pipeline on one file, loading nothing: mapping, rejected rows, validation, KPIs."""
    from pilotage.ingest.layout_spec import LayoutError
    from pilotage.ingest.mapping_check import check_file, resolve_layout
    from pilotage.ingest.rules import RulesError

    try:
        layout = resolve_layout(args.layout, settings)
        return check_file(layout, args.file, args.day, settings, args.rows, sys.stdout)
    except (LayoutError, RulesError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def cmd_mapping_rules(args: argparse.Namespace, settings: Settings) -> int:
    """The validation rules of a layout's entity with this center's severities."""
    from pilotage.ingest.layout_spec import LayoutError
    from pilotage.ingest.mapping_check import resolve_layout
    from pilotage.ingest.rules import RulesError, read_rules
    from pilotage.ingest.validation import suite_document

    try:
        layout = resolve_layout(args.layout, settings)
        rules = read_rules(settings.rules_file)
        doc = suite_document(settings.expectations_dir, layout.entity.key, layout, rules)
    except (LayoutError, RulesError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{'rule id':50} {'severity':12} rule")
    for expectation in doc["expectations"]:
        meta = expectation.get("meta", {})
        setting = rules.get(layout.entity.key, {}).get(meta.get("id"))
        severity = meta.get("severity", "blocking") + (f" ({setting.threshold()})" if setting and
                                                      setting.severity == "reject_rows" else "")
        print(f"{meta.get('id', expectation['type']):50} {severity:12} {meta.get('rule', '')}")
    return 0


def cmd_mapping_sample(args: argparse.Namespace, settings: Settings) -> int:
    """Write a vendor-layout sample file of one generated day."""
    import tempfile

    from pilotage.samples import VENDOR_SAMPLES, write_sample

    if args.layout not in VENDOR_SAMPLES:
        raise SystemExit(f"error: no sample writer for {args.layout!r}; known: {sorted(VENDOR_SAMPLES)}")
    landing = args.landing
    if landing is None:
        from pilotage.generator import generate

        landing = Path(tempfile.mkdtemp(prefix="pilotage-sample-"))
        generate(landing, args.day, args.day, seed=args.seed, contacts_per_day=args.contacts_per_day)
    out = write_sample(args.layout, landing, args.day, args.out)
    print(f"wrote {out} ({VENDOR_SAMPLES[args.layout].entity} in layout {args.layout})")
    return 0


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    """File-drop pickup, then API extraction, for each source over a window of days."""
    import json
    import logging

    from pilotage import airflow_local
    from pilotage.extract.filedrop import pickup
    from pilotage.extract.runner import extract

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    airflow_local.configure(settings)
    from pilotage.dag_defaults import with_airflow_connections  # imports airflow: after configure

    settings = with_airflow_connections(settings)
    last = args.date_to or args.date_from
    end = last + timedelta(days=1)
    for source in args.source or ("acd", "crm", "wfm", "qa"):
        dropped = pickup(source, args.date_from, end, settings)
        fetched = extract(source, args.date_from, end, settings, refresh=args.refresh)
        print(json.dumps({"pickup": {k: v for k, v in dropped.items() if k != "files"},
                          "api": {k: v for k, v in fetched.items() if k != "files_written"}}, default=str))
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
    demo.set_defaults(func=cmd_demo, fast_exit=True)

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
    run.set_defaults(func=cmd_run, fast_exit=True)

    init = sub.add_parser("init", help="write a commented center configuration (time zone, "
                          "sites, queues, providers, pricing...) into a new folder")
    init.add_argument("folder", type=Path, help="the folder to create (PILOTAGE_CENTER_DIR)")
    init.set_defaults(func=cmd_init)

    kpis = sub.add_parser("kpis", help="print KPIs per provider for a period")
    kpis.add_argument("--from", dest="date_from", type=_date, help="first day (default: last week)")
    kpis.add_argument("--to", dest="date_to", type=_date, help="last day, inclusive")
    kpis.set_defaults(func=cmd_kpis)

    pack = sub.add_parser(
        "pack", help="write a committee's standardized pack (Excel, CSV, HTML) per provider",
        description="Write the standardized pack of a committee for a period and provider(s): an "
        "Excel workbook (cover, charts, one formatted table per sheet), one CSV per table and an "
        "HTML report that prints to PDF. Periods: production 2026-W46, quality / calibration / "
        "steering 2026-10, strategic 2026-H1. Output: <out>/<provider>/<committee>/<period>/.",
        epilog="example: pilotage pack --committee steering --period 2026-10 --provider PRV_A "
        "--format xlsx --lang en")
    pack.add_argument("--committee", choices=["production", "quality", "calibration", "steering",
                                              "strategic", "all"],
                      help="which committee's pack ('all': each one, latest complete period)")
    pack.add_argument("--period", help="period label (default: latest period complete in the warehouse)")
    pack.add_argument("--provider", action="append", metavar="ID",
                      help="provider id, repeatable (default: every provider, one pack each)")
    pack.add_argument("--format", action="append", choices=["xlsx", "csv", "html", "pdf", "all"],
                      help="output format, repeatable (default and 'all': xlsx, csv, html; pdf is the "
                      "HTML printed by headless Chromium, A4 landscape)")
    pack.add_argument("--lang", choices=["fr", "en", "all"], default="fr",
                      help="label language of the Excel and HTML outputs (default fr)")
    pack.add_argument("--audience", choices=["committee", "supervisors"], default="committee",
                      help="'supervisors' adds agent-level detail (production and quality packs only)")
    pack.add_argument("--out", type=Path,
                      help="output folder (default: PILOTAGE_PACKS_DIR, else <data>/packs)")
    pack.add_argument("--allow-partial", action="store_true",
                      help="write a pack for a period not complete yet, marked provisional on every "
                      "page and sheet (without it such a period is refused, exit code 2)")
    pack.add_argument("--list", action="store_true",
                      help="list committees, providers and the latest complete periods, then exit")
    pack.set_defaults(func=cmd_pack)

    status = sub.add_parser("status", help="what is loaded, missing, quarantined or suspect")
    status.add_argument("--limit", type=int, default=20, help="problem lines to show (default 20)")
    status.add_argument("--html", type=Path, metavar="FILE", help="write a calendar page per entity and day")
    status.set_defaults(func=cmd_status)

    acc = sub.add_parser("accept", help="confirm a suspect delivery (one that empties or shrinks a "
                         "loaded day): the next run covering the day loads it")
    acc.add_argument("entity", help="entity key, e.g. acd__contacts (see `pilotage status`)")
    acc.add_argument("day", type=_date, help="business day (YYYY-MM-DD)")
    acc.set_defaults(func=cmd_accept)

    mapping = sub.add_parser("mapping", help="vendor layout mappings: list them, check one against a "
                             "sample file, write a sample file")
    msub = mapping.add_subparsers(dest="mapping_command", required=True)
    mlist = msub.add_parser("list", help="the shipped vendor layouts")
    mlist.set_defaults(func=cmd_mapping_list)
    check = msub.add_parser("check", help="the pipeline on one file, loading nothing: first rows, every "
                            "rejected row and why, the validation verdict, the file's KPIs")
    check.add_argument("layout", help="vendor layout name, entity key, or path to a YAML mapping")
    check.add_argument("file", type=Path, help="a file in that layout")
    check.add_argument("--rows", type=int, default=5, help="mapped rows to show (default 5)")
    check.add_argument("--day", type=_date, default=date(2026, 1, 1),
                       help="business day to stamp on the rows (default 2026-01-01)")
    check.set_defaults(func=cmd_mapping_check)
    mrules = msub.add_parser("rules", help="the validation rules of a layout's entity, with their ids "
                             "and this center's severities (PILOTAGE_RULES)")
    mrules.add_argument("layout", help="vendor layout name, entity key, or path to a YAML mapping")
    mrules.set_defaults(func=cmd_mapping_rules)
    sample = msub.add_parser("sample", help="write one generated day in a vendor layout")
    sample.add_argument("layout", help="vendor layout name (see 'mapping list')")
    sample.add_argument("--day", type=_date, required=True, help="the day (YYYY-MM-DD)")
    sample.add_argument("--out", type=Path, default=Path("."), help="output folder (default .)")
    sample.add_argument("--landing", type=Path,
                        help="default-layout files to start from (default: generate the day)")
    sample.add_argument("--seed", type=int, default=42)
    sample.add_argument("--contacts-per-day", type=int, default=300)
    sample.set_defaults(func=cmd_mapping_sample)

    ext = sub.add_parser("extract", help="pick up file drops and pull the vendor APIs for a window "
                         "(connections pilotage_<source>_api, PILOTAGE_DROP_URL)")
    ext.add_argument("--from", dest="date_from", type=_date, required=True, help="first day")
    ext.add_argument("--to", dest="date_to", type=_date, help="last day, inclusive (default: --from)")
    ext.add_argument("--source", action="append", choices=("acd", "crm", "wfm", "qa"),
                     help="only this source (repeatable)")
    ext.add_argument("--refresh", action="store_true", help="start a new API run even if one finished")
    ext.set_defaults(func=cmd_extract)
    return parser


def main(argv: list[str] | None = None) -> int:
    """The ``pilotage`` command; ``argv=None`` is the console script itself: a command that
    loaded Airflow (``fast_exit``) then ends with :func:`exit_without_teardown`."""
    args = build_parser().parse_args(argv)
    if getattr(args, "command", None) == "kpis" and bool(args.date_from) != bool(args.date_to):
        raise SystemExit("error: give both --from and --to, or neither")
    if not getattr(args, "fast_exit", False):  # a short command
        return args.func(args, Settings.from_env())
    with heartbeat.Heartbeat():  # an Airflow run: the terminal never stays silent for long
        code = args.func(args, Settings.from_env())
    if argv is None:
        exit_without_teardown(code)
    return code


if __name__ == "__main__":
    sys.exit(main())
