"""The production build keeps the seeds when nothing that determines them changed (real dbt on a
small generated warehouse): an unchanged center leaves the seeds and their own tests out and the
marts as they were; a changed center CSV or a dropped seed table loads them again; a failed build
records no fingerprint."""

from __future__ import annotations

import json
import logging
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import query
from pilotage.center import SAMPLE_CENTER
from pilotage.settings import PROJECT_ROOT, Settings
from pilotage.window import Window

pytestmark = pytest.mark.integration

FIRST, LAST = date(2026, 10, 5), date(2026, 10, 6)
THRESHOLD = ("select sum(answered_within_threshold) from marts.mart_production_daily "
             "where queue_name = 'VOICE_BILLING'")


def _settings(data: Path, center: Path | None = None) -> Settings:
    values = {"PILOTAGE_DATA_DIR": str(data), "PILOTAGE_LANDING_SETTLE_SECONDS": "0"}
    if center is not None:
        values["PILOTAGE_CENTER_DIR"] = str(center)
    return Settings.build(values, env={})


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """Two generated days loaded and built once (the seeds loaded, their fingerprint recorded)."""
    from pilotage.generator import generate
    from pilotage.ingest import pipeline
    from pilotage.transform import dbt_build

    data = tmp_path_factory.mktemp("seeds_kept") / "data"
    settings = _settings(data)
    generate(settings.landing_dir, FIRST, LAST, seed=5, contacts_per_day=60)
    for source in ("acd", "crm", "wfm", "qa"):
        manifest = pipeline.land(source, Window(first=FIRST, last=LAST), settings)
        pipeline.load(source, pipeline.validate(source, manifest, settings), settings)
    assert dbt_build(settings).load
    return data


@pytest.fixture
def data(template, tmp_path) -> Path:
    """This test's copy of the built data folder (its published copy left behind)."""
    copy = tmp_path / "data"
    shutil.copytree(template, copy, ignore=shutil.ignore_patterns("parquet*", "published*"))
    return copy


def _center(tmp_path: Path, queues: str) -> Path:
    """A copy of the sample center with its queues.csv edited by ``queues`` (old -> new line)."""
    center = tmp_path / "center"
    shutil.copytree(SAMPLE_CENTER, center)
    path = center / "queues.csv"
    old, new = queues.split(" -> ")
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    return center


def _ran(settings: Settings) -> list[str]:
    results = json.loads((settings.data_dir / "dbt" / "target" / "run_results.json").read_text())["results"]
    return [r["unique_id"] for r in results]


def _seeds_ran(settings: Settings) -> list[str]:
    return sorted(uid.split(".")[-1] for uid in _ran(settings) if uid.startswith("seed."))


def _stored(settings: Settings) -> str | None:
    found = query(settings, "select table_name from information_schema.tables "
                            "where table_schema = 'seeds' and table_name = '_fingerprint'")
    return query(settings, "select fingerprint from seeds._fingerprint")[0][0] if found else None


def _marts(settings: Settings) -> dict[str, list[tuple]]:
    """Every mart's rows, floats to 9 decimals: DuckDB's parallel sums of doubles may differ in
    the last bits from one build to the next (seen on forecast_wape)."""
    tables = [t for (t,) in query(settings, "select table_name from information_schema.tables "
                                            "where table_schema = 'marts' order by 1")]
    return {t: [tuple(round(v, 9) if isinstance(v, float) else v for v in row)
                for row in query(settings, f'select * from marts."{t}" order by all')]
            for t in tables}


ALL_SEEDS = sorted(["kpi_catalogue", "providers", "sites", "queues", "kpi_targets", "contract_pricing",
                    "contract_bonus_malus", "action_plan"])


def test_an_unchanged_center_keeps_the_seeds_and_the_marts_and_the_seeds_task_says_so(data, caplog) -> None:
    """The DAG's path: dbt_groups.build runs no seed and no test whose parents are all seeds (a
    model's relationships test to a seed still runs), the marts are unchanged, the seeds group is
    green saying why it has no node, and its retry loads the seeds as before."""
    from pilotage.dbt_groups import SEEDS, Group, build, build_order, check, rebuild

    settings = _settings(data)
    recorded, marts = _stored(settings), _marts(settings)
    assert recorded is not None
    groups = build_order(PROJECT_ROOT / "dbt_project")
    window = Window(first=FIRST, last=LAST)
    with caplog.at_level(logging.INFO, logger="pilotage"):
        summary = build(settings, window, groups)
    ran = set(_ran(settings))
    manifest = json.loads((settings.data_dir / "dbt" / "target" / "manifest.json").read_text())
    tests = {uid: {p.split(".")[0] for p in node["depends_on"]["nodes"]}
             for uid, node in manifest["nodes"].items() if node["resource_type"] == "test"}
    assert _seeds_ran(settings) == []
    assert not {uid for uid, parents in tests.items() if parents == {"seed"}} & ran
    assert {uid for uid, parents in tests.items() if parents == {"seed", "model"}} <= ran  # e.g. to ref('queues')
    # a window build leaves out only the tests its marts repeat (transform.WINDOW_FLAGS)
    repeated = {uid for uid, node in manifest["nodes"].items()
                if "repeated_in_marts" in node["config"].get("tags", [])}
    assert repeated and not repeated & ran
    assert {uid for uid, parents in tests.items() if "seed" not in parents} - repeated <= ran
    assert _marts(settings) == marts
    assert _stored(settings) == recorded
    assert "seeds kept: unchanged since the build of " in caplog.text

    entry = summary["groups"][SEEDS]
    assert entry["passed"] == 0 and not entry["failed"] and not entry["skipped"]
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="pilotage"):
        result = check(Group(SEEDS), summary, try_number=1)
    assert result is not None and result["kept"].startswith("unchanged since") and not result["rebuilt"]
    assert "dbt group seeds: 0 node(s) passed in dbt_build; seeds unchanged, kept: unchanged" in caplog.text

    assert rebuild(settings, window, Group(SEEDS), summary) == {"rebuilt": True}  # a retried seeds task
    assert _seeds_ran(settings) == ALL_SEEDS
    assert _stored(settings) == recorded  # loaded from the same files: still true


def test_a_changed_threshold_in_the_center_loads_the_seeds_and_the_marts_follow(data, tmp_path) -> None:
    from pilotage.transform import dbt_build

    before = query(_settings(data), THRESHOLD)[0][0]
    recorded = _stored(_settings(data))
    center = _center(tmp_path, "VOICE_BILLING,VOICE,PRV_A,LYS,20, -> VOICE_BILLING,VOICE,PRV_A,LYS,5,")
    settings = _settings(data, center)
    seeds = dbt_build(settings, Window(first=FIRST, last=LAST))
    assert seeds.load and "changed" in seeds.reason
    assert _seeds_ran(settings) == ALL_SEEDS
    assert query(settings, "select sl_threshold_seconds from seeds.queues where queue_name = 'VOICE_BILLING'") == [(5,)]
    within = query(settings, "select count(*) from marts.fct_contacts where queue_name = 'VOICE_BILLING' "
                             "and is_answered and queue_seconds <= 5")[0][0]
    assert query(settings, THRESHOLD)[0][0] == within != before
    assert _stored(settings) not in (None, recorded)
    assert not dbt_build(settings, Window(first=LAST, last=LAST)).load  # and kept from then on
    assert _seeds_ran(settings) == []


def test_a_dropped_seed_table_is_loaded_again(data) -> None:
    from pilotage.transform import dbt_build

    settings = _settings(data)
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        con.execute("drop table seeds.sites")
    finally:
        con.close()
    seeds = dbt_build(settings, Window(first=LAST, last=LAST))
    assert seeds.load and seeds.reason == "missing table(s) seeds.sites"
    assert _seeds_ran(settings) == ALL_SEEDS
    assert query(settings, "select count(*) from seeds.sites")[0][0] > 0


def test_a_failed_build_records_no_fingerprint_and_the_next_build_loads_the_seeds(data, tmp_path) -> None:
    """A queue listed twice fails the seed's unique test: no fingerprint is left, so going back to
    the center recorded before loads the seeds again instead of keeping the broken ones."""
    from pilotage.transform import DbtError, dbt_build

    recorded = _stored(_settings(data))
    line = "VOICE_TECH,VOICE,PRV_A,OPO,20,5,0.80\n"
    broken = _settings(data, _center(tmp_path, f"{line} -> {line}{line}"))
    with pytest.raises(DbtError) as failed:
        dbt_build(broken, Window(first=LAST, last=LAST))
    assert failed.value.seeds is not None and failed.value.seeds.load
    assert "unique_queues_queue_name" in str(failed.value)
    assert _stored(broken) is None

    settings = _settings(data)  # the sample center again: the fingerprint recorded before
    seeds = dbt_build(settings, Window(first=LAST, last=LAST))
    assert seeds.load and seeds.reason == "no fingerprint recorded in this warehouse"
    assert _seeds_ran(settings) == ALL_SEEDS
    assert query(settings, "select count(*) from seeds.queues where queue_name = 'VOICE_TECH'") == [(1,)]
    assert _stored(settings) == recorded
