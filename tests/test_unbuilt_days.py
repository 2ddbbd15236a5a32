"""The ledger of raw days loaded but not yet built (raw._unbuilt_days) on a real DuckDB file: a
replaced day is recorded in the load's transaction (not when it rolls back), and a build removes
only the rows it read, not one a later load re-recorded. With real dbt: a build that fails keeps
the day it did not build, and the next build, of a later day only, re-ranks it (staging and marts
equal a full build)."""

from __future__ import annotations

import importlib.util
import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from pilotage.ingest.contracts import ENTITIES
from pilotage.ingest.loader import replace_days
from pilotage.ingest.raw_schema import ensure_raw_schema
from pilotage.settings import Settings
from pilotage.unbuilt_days import clear, pending
from pilotage.window import Window

DAY, NEXT = date(2026, 10, 5), date(2026, 10, 6)
COMPARE = Path(__file__).resolve().parents[1] / "scripts" / "compare_marts.py"


def test_a_replaced_day_is_recorded_and_a_build_clears_only_what_it_read(tmp_path) -> None:
    settings = Settings.build({"PILOTAGE_DATA_DIR": str(tmp_path)}, env={})
    assert pending(settings) == []  # no warehouse yet
    settings.warehouse_path.parent.mkdir(parents=True)
    entity = ENTITIES[0]
    con = duckdb.connect(str(settings.warehouse_path))
    ensure_raw_schema(con)
    con.execute("begin transaction")
    replace_days(con, entity, [], [DAY, NEXT])
    con.execute("rollback")
    assert con.execute("select count(*) from raw._unbuilt_days").fetchone() == (0,)
    con.execute("begin transaction")
    replace_days(con, entity, [], [DAY, NEXT])  # an emptied day changed raw too
    con.execute("commit")
    con.close()
    read = sorted(pending(settings))
    assert read == [(entity.key, DAY, 1), (entity.key, NEXT, 1)]

    con = duckdb.connect(str(settings.warehouse_path))  # a load while the build runs (server)
    replace_days(con, entity, [], [NEXT])
    con.close()
    clear(settings, read)
    assert pending(settings) == [(entity.key, NEXT, 2)]


def _settings(data: Path) -> Settings:
    # the tests' hash key (conftest): the same in both warehouses
    return Settings.build({"PILOTAGE_DATA_DIR": str(data), "PILOTAGE_LANDING_SETTLE_SECONDS": "0"})


def _load(settings: Settings, first: date, last: date, sources=("acd", "crm", "wfm", "qa")) -> None:
    from pilotage.ingest import pipeline

    for source in sources:
        manifest = pipeline.land(source, Window(first=first, last=last), settings)
        pipeline.load(source, pipeline.validate(source, manifest, settings), settings)


def _recase_a_contact(settings: Settings, day: date) -> None:
    """Re-deliver the day's ACD export with an inbound contact naming another case of the day."""
    path = settings.landing_dir / "acd" / f"contacts_{day:%Y%m%d}.jsonl"
    contacts = [json.loads(line) for line in path.read_text().splitlines()]
    inbound = [c for c in contacts if c["InitiationMethod"] == "INBOUND" and c["Attributes"].get("case_number")]
    other = next(c for c in inbound if c["Attributes"]["case_number"] != inbound[0]["Attributes"]["case_number"])
    inbound[0]["Attributes"]["case_number"] = other["Attributes"]["case_number"]
    path.write_text("".join(json.dumps(row) + "\n" for row in contacts))


@pytest.mark.integration
def test_a_failed_build_keeps_its_day_and_a_later_days_build_re_ranks_it(tmp_path) -> None:
    from pilotage.generator import generate
    from pilotage.transform import DbtError, dbt_build

    settings = _settings(tmp_path / "daily")
    generate(settings.landing_dir, DAY, NEXT, seed=5, contacts_per_day=60)
    _load(settings, DAY, DAY)
    dbt_build(settings, Window(first=DAY, last=DAY))
    assert pending(settings) == []

    _recase_a_contact(settings, DAY)  # the day re-delivered; its build fails before any model:
    _load(settings, DAY, DAY, sources=("acd",))  # dbt cannot open the file another holds
    holder = duckdb.connect(str(settings.warehouse_path))
    try:
        with pytest.raises(DbtError):
            dbt_build(settings, Window(first=DAY, last=DAY))
    finally:
        holder.close()
    assert pending(settings) == [("acd__contacts", DAY, 1)]

    _load(settings, NEXT, NEXT)  # the next run loads and builds its own day only
    dbt_build(settings, Window(first=NEXT, last=NEXT))
    assert pending(settings) == []

    full = _settings(tmp_path / "full")
    full.warehouse_path.parent.mkdir(parents=True)
    shutil.copy(settings.warehouse_path, full.warehouse_path)
    dbt_build(full, extra_args=["--full-refresh", "--exclude-resource-type", "test"])
    spec = importlib.util.spec_from_file_location("compare_marts", COMPARE)
    compare = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(compare)
    for schema in ("staging", "marts"):
        assert compare.main([str(full.warehouse_path), str(settings.warehouse_path), "--schema", schema]) == 0
