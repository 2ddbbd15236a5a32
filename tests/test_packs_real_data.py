"""Packs on real generated data: generator -> ingest (land, validate, load) -> dbt build -> packs.
Numbers equal the marts, provider A's pack holds nothing of provider B, and no customer personal
data (phone numbers, e-mail addresses, customer ids, agents' names) reaches any pack."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import query

pytestmark = pytest.mark.integration

FIRST, LAST = date(2026, 10, 26), date(2026, 11, 1)  # ISO week 2026-W44, Monday..Sunday


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    from pilotage.generator import generate
    from pilotage.ingest import pipeline
    from pilotage.packs.build import COMMITTEES, build_pack
    from pilotage.packs.deliver import write_pack
    from pilotage.settings import Settings
    from pilotage.transform import dbt_build
    from pilotage.window import Window

    root = tmp_path_factory.mktemp("packs-real")
    previous = os.environ.get("PILOTAGE_DATA_DIR")
    os.environ["PILOTAGE_DATA_DIR"] = str(root / "data")
    try:
        settings = Settings.from_env()
        generate(settings.landing_dir, FIRST, LAST, seed=5, contacts_per_day=400)
        for source in ("acd", "crm", "wfm", "qa"):
            manifest = pipeline.land(source, Window(first=FIRST, last=LAST), settings)
            pipeline.load(source, pipeline.validate(source, manifest, settings), settings)
        dbt_build(settings)
        periods = {"production": "2026-W44", "quality": "2026-10", "calibration": "2026-10",
                   "steering": "2026-10", "strategic": "2026-H2"}
        con = duckdb.connect(str(settings.warehouse_path), read_only=True)
        written = {}
        try:
            for key, period in periods.items():
                audiences = ["committee"] + (["supervisors"] if COMMITTEES[key].supervisor_tables
                                             else [])
                for audience in audiences:
                    pack = build_pack(con, key, period, "PRV_A", audience=audience)
                    written[(key, audience)] = (pack, write_pack(pack, root / "packs", langs=("fr",)))
        finally:
            con.close()
        yield settings, written
    finally:
        if previous is None:
            os.environ.pop("PILOTAGE_DATA_DIR", None)
        else:
            os.environ["PILOTAGE_DATA_DIR"] = previous


def _text(paths: list[Path]) -> str:
    parts = []
    for p in paths:
        if p.is_dir():
            parts += [f.read_text(encoding="utf-8") for f in sorted(p.iterdir())]
        elif p.suffix == ".xlsx":
            with zipfile.ZipFile(p) as z:
                parts += [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")]
        else:
            parts.append(p.read_text(encoding="utf-8"))
    return "\n".join(parts)


def test_daily_numbers_equal_the_mart(real):
    settings, written = real
    _, paths = written[("production", "committee")]
    folder = next(p for p in paths if p.name == "csv")
    rows = list(csv.DictReader(io.StringIO((folder / "daily.csv").read_text())))
    expected = query(settings, "select queue_name, business_date, offered, answered, service_level "
                      "from marts.mart_production_daily where provider_id = 'PRV_A' "
                      "and business_date between ? and ? order by queue_name, business_date",
                      [FIRST, LAST])
    assert len(rows) == len(expected) > 0
    for row, (queue, day, offered, answered, sl) in zip(rows, expected, strict=True):
        assert (row["queue_name"], row["business_date"]) == (queue, day.isoformat())
        assert (int(row["offered"]), int(row["answered"])) == (offered, answered)
        if sl is None:
            assert row["service_level"] == ""
        else:
            assert float(row["service_level"]) == pytest.approx(sl, abs=1e-6)


@pytest.mark.parametrize(("committee", "period", "scope", "extra"), [
    ("production", "2026-W44", ("site_id", "queue_name"), ""),
    ("quality", "2026-10", ("site_id", "team_id"), "and breakdown_type = 'total'"),
    ("calibration", "2026-10", ("evaluator_id",), ""),
    ("steering", "2026-10", ("site_id",), ""),
    ("strategic", "2026-H2", (), "and period_grain = 'half_year'"),
])
def test_scorecards_equal_the_committee_marts(real, committee, period, scope, extra):
    from pilotage.packs.build import COMMITTEES

    settings, written = real
    _, paths = written[(committee, "committee")]
    folder = next(p for p in paths if p.name == "csv")
    rows = list(csv.DictReader(io.StringIO((folder / "scorecard.csv").read_text())))
    cols = ", ".join((*scope, "kpi_id"))
    expected = query(settings, f"select {cols}, actual, rag_status from {COMMITTEES[committee].mart} "
                      f"where provider_id = 'PRV_A' and period_label = ? {extra}", [period])
    assert len(rows) == len(expected)
    assert expected or committee == "calibration"  # no calibration session in a one-week sample
    got = {tuple(r[c] for c in (*scope, "kpi_id")): (r["actual"], r["rag_status"]) for r in rows}
    for *key, actual, rag in expected:
        value, status = got[tuple(key)]
        assert status == (rag or "")
        assert (value == "" and actual is None) or float(value) == pytest.approx(actual, abs=1e-6)


def _values(settings, sql: str) -> set:
    return {v for (v,) in query(settings, sql) if v is not None}


def test_provider_a_packs_hold_nothing_of_provider_b_and_no_personal_data(real):
    settings, written = real
    other = {"PRV_B"}
    for sql in ("select provider_name from seeds.providers where provider_id <> 'PRV_A'",
                "select site_id from seeds.sites where provider_id <> 'PRV_A'",
                "select site_name from seeds.sites where provider_id <> 'PRV_A'",
                "select queue_name from seeds.queues where provider_id <> 'PRV_A'",
                "select distinct agent_id from marts.dim_agent where provider_id <> 'PRV_A'"):
        other |= _values(settings, sql)
    personal = set()
    for table, column in (("acd_contacts", "customer_address"), ("crm_cases", "supplied_email"),
                          ("crm_cases", "supplied_phone"), ("crm_cases", "customer_id")):
        personal |= _values(settings, f"select distinct {column} from raw.{table} limit 300")
    personal = {str(p) for p in personal if len(str(p)) >= 6}
    names = _values(settings, "select distinct last_name from raw.wfm_roster")
    assert other and personal and names
    for key, (_, paths) in written.items():
        text = _text(paths)
        assert not [t for t in other if t in text], key
        assert not [p for p in personal if p in text], key
        assert not [n for n in names if f">{n}<" in text or f",{n}," in text], key  # agents' names


AGENTS_FROM_FACTS = {  # what the packs computed from the facts before the agent marts existed
    "production": """select agent_id, min(site_id), min(team_id),
                            count(case when staffed_seconds > 0 then 1 end), sum(contacts_handled),
                            sum(handle_seconds) / nullif(sum(contacts_handled), 0), sum(staffed_seconds),
                            sum(adherent_seconds) / nullif(sum(scheduled_open_seconds), 0),
                            sum(unplanned_absence_seconds)
                     from marts.fct_agent_days where provider_id = 'PRV_A'
                          and business_date between '2026-10-26' and '2026-11-01'
                     group by agent_id order by agent_id""",
    "quality": """select agent_id, min(site_id), min(team_id), count(*), avg(score_percentage),
                         count(case when has_critical_error then 1 end)
                  from marts.fct_evaluations where provider_id = 'PRV_A'
                       and business_date between '2026-10-01' and '2026-10-31'
                       and agent_id is not null and not coalesce(is_calibration, false)
                  group by agent_id order by agent_id""",
}


@pytest.mark.parametrize("committee", list(AGENTS_FROM_FACTS))
def test_agent_marts_give_the_numbers_the_facts_gave(real, committee):
    settings, written = real
    pack, _ = written[(committee, "supervisors")]
    expected = query(settings, AGENTS_FROM_FACTS[committee])
    rows = pack.table("agents").rows
    assert len(rows) == len(expected) > 0
    for got, want in zip(rows, expected, strict=True):
        assert got[:3] == tuple(want[:3])
        for g, w in zip(got[3:], want[3:], strict=True):
            assert (g is None and w is None) or g == pytest.approx(float(w), abs=1e-9)


def test_cover_counts_equal_the_load_log(real):
    settings, written = real
    pack, _ = written[("production", "committee")]
    expected = query(settings, "select entity, count(case when status = 'loaded' then 1 end), "
                     "count(case when status <> 'loaded' then 1 end) from raw._load_log "
                     "where business_date between ? and ? group by 1 order by 1", [FIRST, LAST])
    got = [(r[0], r[2], r[3] + r[4]) for r in pack.cover.freshness.rows]
    assert got == [tuple(e) for e in expected] and len(got) >= 4
    assert pack.cover.data_as_of == LAST
