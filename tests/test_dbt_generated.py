"""Generated data through the real pipeline (generator -> land/validate/load -> transform.dbt_build)
around both DST changes of 2026 (Europe/Paris): every interval of the 23 h and 25 h days, the same
bits when a window is rebuilt, and customer ids / case numbers keyed with the secret hash key."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import TEST_HASH_KEY, customer_key
from test_dbt_build import read_rows, run_dbt

pytestmark = pytest.mark.integration

WEEKENDS = [(date(2026, 3, 28), date(2026, 3, 30)), (date(2026, 10, 24), date(2026, 10, 26))]
SPRING, AUTUMN = date(2026, 3, 29), date(2026, 10, 25)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from pilotage.generator import generate
    from pilotage.ingest import pipeline
    from pilotage.settings import Settings
    from pilotage.transform import dbt_build
    from pilotage.window import Window

    root = tmp_path_factory.mktemp("generated")
    previous = os.environ.get("PILOTAGE_DATA_DIR")
    os.environ["PILOTAGE_DATA_DIR"] = str(root / "data")
    try:
        settings = Settings.from_env()
        for first, last in WEEKENDS:
            generate(settings.landing_dir, first, last, seed=9, contacts_per_day=300)
            for source in ("acd", "crm", "wfm", "qa"):
                manifest = pipeline.land(source, Window(first=first, last=last), settings)
                pipeline.load(source, pipeline.validate(source, manifest, settings), settings)
        dbt_build(settings)
        yield settings
    finally:
        if previous is None:
            os.environ.pop("PILOTAGE_DATA_DIR", None)
        else:
            os.environ["PILOTAGE_DATA_DIR"] = previous


# -- DST days ----------------------------------------------------------------------------------

@pytest.mark.parametrize("day, hours", [(SPRING, 23), (AUTUMN, 25)])
def test_dst_days_have_every_interval_and_the_day_totals(built, day: date, hours: int) -> None:
    wh = built.warehouse_path
    # EMAIL_GENERAL is forecast round the clock: one row per 30 minutes of the day
    (intervals, instants, locals_) = read_rows(wh, f"""
        select count(*), count(distinct interval_start_at), count(distinct interval_start_local)
        from marts.fct_queue_intervals where queue_name = 'EMAIL_GENERAL' and business_date = '{day}'""")[0]
    assert intervals == instants == 2 * hours
    # autumn: 02:00 and 02:30 are shown twice (CEST then CET); spring: 02:00-03:00 does not exist
    assert locals_ == (48 if hours == 25 else 46)
    marts = read_rows(wh, f"""
        select count(*) from marts.mart_production_intervals
        where queue_name = 'EMAIL_GENERAL' and business_date = '{day}'""")[0][0]
    assert marts == 2 * hours
    # the day's intervals hold every contact of the day (by local queue-entry time) ...
    offered = read_rows(wh, f"""
        select coalesce(sum(offered), 0) from marts.fct_queue_intervals where business_date = '{day}'""")
    contacts = read_rows(wh, f"""
        select count(*) from marts.fct_contacts
        where is_offered and cast(interval_start_local as date) = '{day}'""")
    assert offered == contacts and contacts[0][0] > 0
    # ... and every forecast period delivered for it
    (forecast, delivered) = read_rows(wh, f"""
        select (select sum(forecast_contacts) from marts.fct_queue_intervals where business_date = '{day}'),
               (select sum(forecast_contacts) from raw.wfm_forecasts
                where cast(interval_start_local as date) = '{day}')""")[0]
    assert forecast == pytest.approx(delivered, abs=1e-9)


# -- a rebuilt window gives the same bits ------------------------------------------------------

def test_rebuilding_a_window_gives_identical_forecast_accuracy(built, tmp_path: Path) -> None:
    warehouse = tmp_path / "pilotage.duckdb"
    shutil.copy(built.warehouse_path, warehouse)
    sql = "select * from marts.fct_forecast_accuracy_daily order by queue_name, business_date"
    before = read_rows(warehouse, sql)
    # the same rows stored in another physical order: DuckDB's threads may hand them over in any
    # order, this makes a different order certain
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("create temp table copied as select * from marts.fct_queue_intervals")
        con.execute("delete from marts.fct_queue_intervals")
        con.execute("insert into marts.fct_queue_intervals select * from copied "
                    "order by interval_start_at desc, queue_name desc")
    finally:
        con.close()
    window = json.dumps({"date_from": "2026-10-24", "date_to": "2026-10-26"})
    run_dbt(tmp_path, warehouse, "run", "--select", "fct_forecast_accuracy_daily", "--vars", window)
    after = read_rows(warehouse, sql)
    assert len(after) == len(before) > 0
    assert after == before  # exactly: no tolerance


# -- keyed hash of customer ids and case numbers -----------------------------------------------

def _unkeyed_digests(value: str) -> set[str]:
    data = value.encode()
    digests = {getattr(hashlib, name)(data).hexdigest() for name in ("md5", "sha1", "sha256", "sha512")}
    return digests | {d.upper() for d in digests}


def test_customer_ids_and_case_numbers_are_keyed_hashes(built) -> None:
    wh = built.warehouse_path
    pairs = read_rows(wh, """
        select raw.customer_id, staged.customer_key, raw.case_number, staged.case_number
        from raw.acd_contacts as raw
        join staging.stg_acd__contacts as staged
            on raw.contact_id = staged.contact_id and raw._source_file = staged.source_file
            and raw._row_number = staged.source_row_number""")
    pairs += read_rows(wh, """
        select raw.customer_id, staged.customer_key, raw.case_number, staged.case_number
        from raw.crm_cases as raw
        join staging.stg_crm__cases as staged
            on raw.case_id = staged.case_id and raw._source_file = staged.source_file
            and raw._row_number = staged.source_row_number""")
    with_ids = [p for p in pairs if p[0] and p[2]]
    assert len(with_ids) > 100
    for customer, key, case, case_key in with_ids:
        assert key == customer_key(customer) and case_key == customer_key(case)
        assert key not in _unkeyed_digests(customer) and case_key not in _unkeyed_digests(case)
    staged = {key for _, key, _, _ in pairs} | {key for _, _, _, key in pairs}
    marts = {key for (key,) in read_rows(wh, "select distinct customer_key from marts.fct_contacts")}
    assert marts and marts <= staged


def test_the_key_is_in_no_dbt_file_and_not_in_the_warehouse(built) -> None:
    needle = TEST_HASH_KEY.encode()
    dbt_folder = built.data_dir / "dbt"
    files = [p for p in dbt_folder.rglob("*") if p.is_file()]
    assert any(p.suffix == ".sql" for p in files) and any("log" in p.name for p in files)
    assert [p for p in files if needle in p.read_bytes()] == []
    assert needle not in built.warehouse_path.read_bytes()


def test_another_key_gives_other_customer_keys(built, tmp_path: Path, monkeypatch) -> None:
    warehouse = tmp_path / "pilotage.duckdb"
    shutil.copy(built.warehouse_path, warehouse)
    sql = "select contact_id, customer_key from staging.stg_acd__contacts where customer_key is not null"
    before = dict(read_rows(warehouse, sql))
    monkeypatch.setenv("PILOTAGE_HASH_KEY", "another-key")
    run_dbt(tmp_path, warehouse, "run", "--select", "stg_acd__contacts")
    after = dict(read_rows(warehouse, sql))
    assert before.keys() == after.keys() and before
    raw = dict(read_rows(warehouse, "select contact_id, customer_id from staging.stg_acd__contacts "
                                    "join raw.acd_contacts using (contact_id)"))
    for contact_id, key in after.items():
        assert key != before[contact_id]
        expected = hmac.new(b"another-key", raw[contact_id].encode(), hashlib.sha256).hexdigest()
        assert key == expected
