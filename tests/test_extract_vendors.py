"""Each vendor extractor against its loopback fake serving generated data, with injected faults:
every run ends with the complete, de-duplicated dataset in the landing folder, or a clear failure."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from fakes.vendors import FakeVendorApis, VendorData, expire_job
from pilotage.extract.config import ApiConfig
from pilotage.extract.http import ExtractError
from pilotage.extract.runner import extract
from pilotage.extract.state import RunState
from pilotage.generator import generate
from pilotage.ingest.layout_lookup import layout_of, load_layout
from pilotage.ingest.reader import Delivered, read_file
from pilotage.samples import defaults
from pilotage.window import Window

FIRST, LAST = date(2026, 10, 5), date(2026, 10, 8)  # generated days (Mon..Thu)
START, END = date(2026, 10, 6), date(2026, 10, 8)  # the extracted window [Tue, Thu)
WINDOW_DAYS = (date(2026, 10, 6), date(2026, 10, 7))
LAYOUTS = {
    "genesys_cloud": "acd__contacts=genesys_cloud__conversation_details",
    "zendesk": "crm__cases=zendesk__tickets",
    "qa": "qa__evaluations=amazon_connect__evaluations,"
    "qa__evaluation_answers=amazon_connect__evaluation_answers",
}


class Crash(Exception):
    """Stands for the worker dying mid-run."""


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    landing = tmp_path_factory.mktemp("generated")
    generate(landing, FIRST, LAST, seed=7, contacts_per_day=120)
    return landing


@pytest.fixture(scope="module")
def vendor_data(generated) -> VendorData:
    return VendorData.from_landing(
        generated, [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
    )


@pytest.fixture
def fake(vendor_data):
    with FakeVendorApis(vendor_data, job_pending_polls=2) as server:
        yield server


def _config(fake, vendor: str, **overrides) -> ApiConfig:
    values = {
        "conn_id": "pilotage_test_api",
        "base_url": fake.url,
        "vendor": vendor,
        "token": None,
        "client_id": "pilotage-client",
        "client_secret": "s3cret-value",
        "token_url": "/oauth/token",
        "page_size": 40,
        "read_timeout": 0.3,
        "max_attempts": 5,
        "backoff_seconds": 0.01,
        "backoff_max_seconds": 0.05,
        "poll_seconds": 0.01,
    }
    values.update(overrides)
    return ApiConfig(**values)


def _latest_ctrs(generated) -> dict[str, dict]:
    latest: dict[str, dict] = {}
    for day in WINDOW_DAYS:
        for rec in defaults.contacts(generated, day):
            seen = latest.get(rec["ContactId"])
            if seen is None or rec["LastUpdateTimestamp"] >= seen["LastUpdateTimestamp"]:
                latest[rec["ContactId"]] = rec
    return latest


def _landed(settings, entity_key: str, name: str) -> list:
    """Canonical rows of every landed file of the window, through the layout the pipeline uses."""
    frames = []
    for day in WINDOW_DAYS:
        path = settings.landing_dir / entity_key.split("__")[0] / name.format(yyyymmdd=day.strftime("%Y%m%d"))
        if path.exists():
            frame = read_file(layout_of(entity_key, settings), Delivered(path, day, "sha", path.name))
            assert frame["_errors"].isna().all()
            frames.append(frame)
    return frames


def test_genesys_jobs_survive_every_fault_and_land_the_complete_deduplicated_days(
    fake, generated, settings, monkeypatch
):
    settings = replace(settings, layouts=LAYOUTS["genesys_cloud"])
    results = "/results"
    fake.overlap = 3  # every page repeats the first 3 records of the next one
    for n, (kind, extra) in enumerate(
        (
            ("500", {}),
            ("429", {"retry_after": 0}),
            ("drop", {}),
            ("truncate", {}),
            ("slow", {"delay": 0.6}),
            ("expire_token", {}),
        )
    ):
        fake.add_fault(kind, path=results, skip=2 * n, **extra)  # a fault, then a success, and so on
    fake.add_fault("503", path="/jobs/")  # a job status poll
    summary = extract(
        "acd", START, END, settings, config=_config(fake, "genesys_cloud"), sleep=lambda s: None
    )
    expected = _latest_ctrs(generated)
    frames = _landed(settings, "acd__contacts", "contacts_{yyyymmdd}.jsonl")
    ids = [i for f in frames for i in f["contact_id"]]
    assert len(ids) == len(set(ids)) == len(expected) and set(ids) == set(expected)
    assert summary["duplicates_dropped"] >= 3 * (summary["pages"] - 1)
    assert summary["http"]["token_refreshes"] == 2 and summary["http"]["retries"] >= 7
    assert {r.get("fault") for r in fake.requests} >= {"500", "429", "drop", "truncate", "slow", "503"}
    # the landed rows are what the generator wrote (talk time as a check on the segment sums)
    talk = {r["ContactId"]: (r["Agent"] or {}).get("AgentInteractionDuration") for r in expected.values()}
    for frame in frames:
        for cid, seconds in zip(frame["contact_id"], frame["talk_seconds"], strict=True):
            assert (None if pd.isna(seconds) else seconds) == talk[cid]


def test_connect_search_resumes_after_a_crash_with_no_page_twice_and_none_missing(fake, generated, settings):
    cfg = _config(
        fake,
        "amazon_connect",
        token="static-token",
        token_url=None,
        client_id=None,
        client_secret=None,
        page_size=25,
    )

    def crash_after_third(page_number: int) -> None:
        if page_number == 3:
            raise Crash("worker killed")

    with pytest.raises(Crash):
        extract("acd", START, END, settings, config=cfg, on_page=crash_after_third)
    first_run = len(fake.requests_to("/contacts/search"))
    saved = json.loads(next((settings.data_dir / "extract").rglob("state.json")).read_text())
    assert len(saved["pages"]) == 3 and not saved["done"]
    summary = extract("acd", START, END, settings, config=cfg)
    calls = fake.requests_to("/contacts/search")
    assert summary["resumed"] and first_run == 3
    assert len(calls) == summary["pages"]  # each page fetched exactly once over both runs
    expected = _latest_ctrs(generated)
    landed = [
        json.loads(line)
        for day in WINDOW_DAYS
        for line in (settings.landing_dir / "acd" / f"contacts_{day:%Y%m%d}.jsonl").read_text().splitlines()
    ]
    assert sorted(r["ContactId"] for r in landed) == sorted(expected)
    assert all(r == expected[r["ContactId"]] for r in landed)  # latest version of each contact


def test_a_crash_between_archiving_and_checkpointing_refetches_only_that_page(
    fake, generated, settings, monkeypatch
):
    cfg = _config(fake, "amazon_connect", page_size=25)
    real = RunState.accept_page
    calls = {"n": 0}

    def dying_accept(self, raw_path, *, part, cursor):
        calls["n"] += 1
        if calls["n"] == 2:
            raise Crash("died after archiving page 2")
        return real(self, raw_path, part=part, cursor=cursor)

    monkeypatch.setattr(RunState, "accept_page", dying_accept)
    with pytest.raises(Crash):
        extract("acd", START, END, settings, config=cfg)
    summary = extract("acd", START, END, settings, config=cfg)
    assert len(fake.requests_to("/contacts/search")) == summary["pages"] + 1  # page 2 twice, on the wire
    raw = list((settings.data_dir / "extract").rglob("raw/0*__contacts-p2*"))
    assert len(raw) == 2  # both bodies archived as received
    ids = [
        json.loads(line)["ContactId"]
        for day in WINDOW_DAYS
        for line in (settings.landing_dir / "acd" / f"contacts_{day:%Y%m%d}.jsonl").read_text().splitlines()
    ]
    assert len(ids) == len(set(ids)) == len(_latest_ctrs(generated))


def test_persistent_outage_fails_clearly_and_the_next_attempt_resumes(fake, generated, settings):
    cfg = _config(fake, "amazon_connect", page_size=25, max_attempts=3)
    fake.add_fault("503", path="/contacts/search", skip=2, count=3)
    with pytest.raises(ExtractError, match=r"POST /contacts/search failed after 3 attempt\(s\): HTTP 503"):
        extract("acd", START, END, settings, config=cfg, sleep=lambda s: None)
    summary = extract("acd", START, END, settings, config=cfg)  # the task's retry
    assert summary["resumed"] and summary["records"] == len(_latest_ctrs(generated))
    assert len([r for r in fake.requests_to("/contacts/search") if r["status"] == 200]) == summary["pages"]


def test_expired_export_job_is_started_again_without_duplicates(fake, generated, settings, monkeypatch):
    settings = replace(settings, layouts=LAYOUTS["genesys_cloud"])
    cfg = _config(fake, "genesys_cloud")

    def expire_once(page_number: int) -> None:
        if page_number == 2 and "job-1" in fake._jobs and not fake._jobs["job-1"].get("expired"):
            expire_job(fake, "job-1")
            raise Crash("worker killed while the job expires")

    with pytest.raises(Crash):
        extract("acd", START, END, settings, config=cfg, on_page=expire_once)
    summary = extract("acd", START, END, settings, config=cfg)
    assert "job-2" in fake._jobs
    ids = [
        i for f in _landed(settings, "acd__contacts", "contacts_{yyyymmdd}.jsonl") for i in f["contact_id"]
    ]
    assert len(ids) == len(set(ids)) == len(_latest_ctrs(generated)) == summary["records"]


def test_zendesk_cursor_export_with_duplicates_and_faults(fake, generated, settings, monkeypatch):
    settings = replace(settings, layouts=LAYOUTS["zendesk"])
    fake.overlap = 2
    fake.add_fault("truncate", path="/incremental/", skip=1)
    fake.add_fault("500", path="/incremental/", skip=2)
    summary = extract(
        "crm", START, END, settings, config=_config(fake, "zendesk", page_size=30), sleep=lambda s: None
    )
    expected = {c["Id"] for day in WINDOW_DAYS for c in defaults.cases(generated, day)}
    frames = _landed(settings, "crm__cases", "cases_{yyyymmdd}.csv")
    ids = [i for f in frames for i in f["case_id"]]
    assert len(ids) == len(set(ids)) and set(ids) == expected
    assert summary["duplicates_dropped"] > 0 and summary["outside_window"] > 0
    window_start = int(Window.half_open(START, END).start_utc.timestamp())  # incremental from the run's window
    assert fake.requests_to("/incremental/")[0]["query"]["start_time"] == str(window_start)


def test_iex_exporters_land_the_vendor_files_and_archive_adherence(fake, generated, settings):
    fake.add_fault("truncate", path="/agent-schedule-detail")
    fake.add_fault("drop", path="/ct-active-forecast")
    summary = extract("wfm", START, END, settings, config=_config(fake, "nice_iex"), sleep=lambda s: None)
    for day in WINDOW_DAYS:
        for name, ext in (("schedules", "txt"), ("forecasts", "txt"), ("roster", "csv")):
            landed = settings.landing_dir / "wfm" / f"{name}_{day:%Y%m%d}.{ext}"
            assert landed.read_bytes() == (generated / "wfm" / landed.name).read_bytes()
    assert summary["http"]["retries"] == 2
    assert len(list((settings.data_dir / "extract").rglob("raw/*adherence*"))) == 2  # archived, not landed


def test_qa_evaluation_listing_lands_the_window_by_submit_day(fake, vendor_data, settings, monkeypatch):
    settings = replace(settings, layouts=LAYOUTS["qa"])
    fake.add_fault("429", retry_after=0)
    extract("qa", START, END, settings, config=_config(fake, "amazon_connect", page_size=3))
    expected = {
        e["evaluationId"]
        for e in vendor_data.evaluations
        if date(2026, 10, 6)
        <= defaults.local(defaults.parse_utc(e["metadata"]["evaluationSubmitTimestamp"])).date()
        < END
    }
    ids = [
        i
        for f in _landed(settings, "qa__evaluations", "evaluations_{yyyymmdd}.jsonl")
        for i in f["evaluation_id"]
    ]
    assert expected and len(ids) == len(set(ids)) and set(ids) == expected
    answers = _landed(settings, "qa__evaluation_answers", "evaluations_{yyyymmdd}.jsonl")
    assert set(i for f in answers for i in f["evaluation_id"]) == expected


def test_a_finished_window_is_not_fetched_again_and_its_files_stay_the_same(fake, settings):
    cfg = _config(fake, "amazon_connect")
    first = extract("acd", START, END, settings, config=cfg)
    stamps = {p: p.stat().st_mtime_ns for p in (settings.landing_dir / "acd").iterdir()}
    calls = len(fake.requests)
    again = extract("acd", START, END, settings, config=cfg)
    assert len(fake.requests) == calls and again["files_written"] == [] and again["files_unchanged"] == 2
    assert {p: p.stat().st_mtime_ns for p in (settings.landing_dir / "acd").iterdir()} == stamps
    refreshed = extract("acd", START, END, settings, config=cfg, refresh=True)
    assert refreshed["run"] != first["run"] and refreshed["files_written"] == []


def test_a_vendor_whose_files_need_another_layout_fails_before_any_call(fake, settings, monkeypatch):
    settings = replace(settings, layouts="")
    with pytest.raises(
        ExtractError,
        match="acd__contacts files need layout genesys_cloud__conversation_details.*selects .the default.",
    ):
        extract("acd", START, END, settings, config=_config(fake, "genesys_cloud"))
    with pytest.raises(ExtractError, match="extra vendor 'hubspot' is not an API"):
        extract("crm", START, END, settings, config=_config(fake, "hubspot"))
    assert fake.requests == []


def test_salesforce_soql_pages_land_the_default_case_export(fake, generated, settings, monkeypatch):
    settings = replace(settings, layouts="")
    fake.sf_batch = 20  # Salesforce decides the batch size
    fake.add_fault("500", path="/query/")
    fake.add_fault("expire_token", path="/query/", skip=2)
    summary = extract("crm", START, END, settings, config=_config(fake, "salesforce"), sleep=lambda s: None)
    assert summary["pages"] > 2 and summary["duplicates_dropped"] == 0
    query = fake.requests_to("/query")[0]["query"]["q"]
    assert "CreatedDate >= 2026-10-05T22:00:00Z AND CreatedDate < 2026-10-07T22:00:00Z" in query
    for day in WINDOW_DAYS:  # the landed file reads as the generator's own file does
        name = f"cases_{day:%Y%m%d}.csv"
        landed = read_file(
            load_layout("crm__cases"), Delivered(settings.landing_dir / "crm" / name, day, "s", name)
        )
        original = read_file(load_layout("crm__cases"), Delivered(generated / "crm" / name, day, "s", name))
        columns = [c for c in original.columns if not c.startswith("_")]
        pd.testing.assert_frame_equal(
            landed[columns].sort_values("case_id").reset_index(drop=True),
            original[columns].sort_values("case_id").reset_index(drop=True),
        )
