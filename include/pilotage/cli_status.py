"""``pilotage status`` and ``pilotage accept``: what the warehouse holds per feed and day, and the
operator's confirmation of a suspect delivery.

``status`` never waits for a writer and never makes one fail: on DuckDB it reads the working
warehouse's load log only while it holds the free writer lock (see ``warehouse.idle_writer``);
while a run writes, it reads the published copy's ``mart_pipeline_load_status`` and says so. On
the server warehouse (Postgres) readers never block writers: it reads the load log at once, with
no file lock. Both backends answer the same portable queries (:mod:`pilotage.backend`)."""

from __future__ import annotations

import argparse
import sys

from pilotage.settings import Settings


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    """The load log of the working warehouse when no writer runs; while one does, the load
    status of the published copy (as of the last publication), without waiting. On the server
    warehouse, always the load log (a reader takes no lock there)."""
    from pilotage.warehouse import idle_writer

    if settings.warehouse_url:
        return _print_load_log(args, settings)
    with idle_writer(settings.warehouse_path) as holder:
        if holder is None:
            return _print_load_log(args, settings)
    if getattr(args, "html", None):
        print(f"error: a run is writing the warehouse ({holder}); the status page reads its load "
              "log: retry when the run ends", file=sys.stderr)
        return 1
    return _print_published_status(args, settings, holder)


def _print_published_status(args: argparse.Namespace, settings: Settings, holder: str) -> int:
    from pilotage.warehouse import connect

    print(f"note: a run is writing the warehouse ({holder}); load status as of the last "
          f"publication, read from {settings.published_path}", file=sys.stderr)
    if not settings.published_path.exists():
        print("error: nothing published yet; retry when the run ends", file=sys.stderr)
        return 1
    con = connect(settings.published_path, read_only=True)
    try:
        rows, problems = _summary(con, "marts.mart_pipeline_load_status", "feed_id", "load_status",
                                  args.limit)
    finally:
        con.close()
    _print_lines(rows, problems, settings)
    return 0


def _summary(con, table: str, entity: str, status: str, limit: int,
             collate: str = "") -> tuple[list[tuple], list[tuple]]:
    """(per entity and status: days, first, last; the most recent days neither loaded nor
    "not delivered", with message and file) from the working load log or the published mart.
    ``collate``: what makes the server order text as DuckDB does (:func:`_collate`)."""
    rows = con.execute(f"select {entity}, {status}, count(*), min(business_date), max(business_date) "
                       f"from {table} group by 1, 2 order by {entity}{collate}, {status}{collate}").fetchall()
    problems = con.execute(
        f"select business_date, {entity}, {status}, message, source_file from {table} "
        f"where {status} not in ('loaded', 'not_delivered') "
        f"order by business_date desc, {entity}{collate} limit ?", [limit]).fetchall()
    return rows, problems


def _collate(settings: Settings) -> str:
    """Postgres orders text by the database's locale; byte order ("C") is DuckDB's."""
    return ' collate "C"' if settings.warehouse_url else ""


def _print_lines(rows: list[tuple], problems: list[tuple], settings: Settings | None = None) -> None:
    """The per-feed summary, then the most recent days not loaded (with the validation page of a
    quarantined file when ``settings`` is given and the problems name their files)."""
    from pilotage.ingest import validation_docs

    print(f"{'entity':28} {'status':12} {'days':>5}  first       last")
    for entity_key, status, n, lo, hi in rows:
        print(f"{entity_key:28} {status:12} {n:5d}  {lo}  {hi}")
    if problems:
        print("\nMost recent days not loaded:")
        for day, entity_key, status, message, *name in problems:
            print(f"  {day} {entity_key} {status}: {message}")
            file_name = name[0] if name else None
            if settings is None or status != "quarantined" or not file_name:
                continue
            page = validation_docs.page_path(settings, entity_key, str(day), file_name)
            if page.exists():
                print(f"      validation results: {page}")


def _print_load_log(args: argparse.Namespace, settings: Settings) -> int:
    from pilotage.backend import working_reader

    if getattr(args, "html", None):
        from pilotage.status_html import write

        print(f"status page: {write(settings, args.html)}")
        return 0

    collate = _collate(settings)
    con = working_reader(settings)
    try:
        rows, problems = _summary(con, "raw._load_log", "entity", "status", args.limit, collate)
        rejected = con.execute(
            "select business_date, entity, rules, count(*) from raw._rejected_rows group by 1, 2, 3 "
            f"order by business_date desc, entity{collate}, rules{collate} limit ?", [args.limit]).fetchall() \
            if con.execute("select count(*) from information_schema.tables where table_schema = 'raw' "
                           "and table_name = '_rejected_rows'").fetchone()[0] else []
    finally:
        con.close()
    _print_lines(rows, problems, settings)
    center = settings.center()
    absent = [e for e in _known(rows) if not center.is_delivered(e)]
    if absent:
        print(f"\nNot delivered by this center ({settings.center_dir / 'center.yml'}, delivers: "
              f"{', '.join(center.delivered())}): {', '.join(absent)}; the KPIs needing them are "
              f"flagged in marts.dim_kpi (unavailable_reason)")
    if rejected:
        print("\nRows rejected by a reject_rows rule (raw._rejected_rows), most recent days:")
        for day, entity_key, rules, n in rejected:
            print(f"  {day} {entity_key} {n} row(s): {rules}")
    _print_gates(settings, args.limit)
    from pilotage.ingest import validation_docs

    docs = validation_docs.docs_dir(settings) / "index.html"
    if docs.exists():
        print(f"\nValidation results (Data Docs): {docs}")
    return 0


def _known(rows: list[tuple]) -> list[str]:
    """Every entity the pipeline knows, and any other the load log names, sorted."""
    from pilotage.center import all_entities

    return sorted(set(all_entities()) | {r[0] for r in rows})


def _print_gates(settings: Settings, limit: int) -> None:
    """Suspect deliveries (and how to accept them) and loaded days with gate warnings."""
    from pilotage.backend import working_reader

    collate = _collate(settings)
    con = working_reader(settings)
    try:
        suspect = con.execute("select business_date, entity, message from raw._load_log where "
                              f"status = 'suspect' order by business_date desc, entity{collate}").fetchall()
        warned = con.execute(
            "select business_date, entity, message from raw._load_log where status = 'loaded' and "
            "(message like '%volume: %' or message like '%offsets: %') "
            f"order by business_date desc, entity{collate} limit ?", [limit]).fetchall()
    finally:
        con.close()
    if suspect:
        print("\nSuspect deliveries held back (the day keeps its loaded rows):")
        for day, entity_key, message in suspect:
            print(f"  {day} {entity_key}: {message}")
            print(f"      accept: pilotage accept {entity_key} {day}   (or DAG run conf "
                  f'{{"accept": ["{entity_key}:{day}"]}}), then re-run {day}')
    if warned:
        print("\nLoaded days with volume or time-zone offset warnings:")
        for day, entity_key, message in warned:
            print(f"  {day} {entity_key}: {message}")


def cmd_accept(args: argparse.Namespace, settings: Settings) -> int:
    """Confirm a suspect delivery: the next run covering that day loads it. Writes the raw layer
    as a load does (:func:`pilotage.backend.raw_writer`: DuckDB under its writer lock)."""
    from datetime import UTC, datetime

    from pilotage.backend import raw_writer
    from pilotage.ingest.gates import accept

    with raw_writer(settings) as (con, _module):
        try:
            name = accept(con, args.entity, args.day, datetime.now(UTC))
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    print(f"accepted {name} for {args.entity} {args.day}; it loads on the next run covering that "
          f"day: pilotage run --from {args.day}")
    return 0
