"""``pilotage extract``: nothing configured is a no-op; a configured API lands its files."""

from __future__ import annotations

import json

from conftest import ctr
from fakes.vendors import FakeVendorApis, VendorData
from pilotage.cli import main


def test_extract_without_configuration_does_nothing(settings, capsys, monkeypatch):
    for source in ("ACD", "CRM", "WFM", "QA"):
        monkeypatch.delenv(f"AIRFLOW_CONN_PILOTAGE_{source}_API", raising=False)
    monkeypatch.delenv("PILOTAGE_DROP_URL", raising=False)
    assert main(["extract", "--from", "2026-10-05"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["api"]["status"] for line in lines] == ["skipped"] * 4
    assert [line["pickup"]["status"] for line in lines] == ["skipped"] * 4
    assert not settings.landing_dir.exists()


def test_extract_pulls_a_configured_api_into_the_landing_folder(settings, capsys, monkeypatch):
    records = [ctr("c1", "2026-10-05T08:00:00"), ctr("c2", "2026-10-06T08:00:00")]
    with FakeVendorApis(VendorData(ctrs=records)) as fake:
        conn = {"conn_type": "http", "host": fake.url, "password": "static-token",
                "extra": {"vendor": "amazon_connect", "page_size": 1}}
        monkeypatch.setenv("AIRFLOW_CONN_PILOTAGE_ACD_API", json.dumps(conn))
        assert main(["extract", "--from", "2026-10-05", "--to", "2026-10-06", "--source", "acd"]) == 0
    summary = json.loads(capsys.readouterr().out)["api"]
    assert summary["status"] == "extracted" and summary["records"] == 2 and summary["pages"] == 2
    assert sorted(p.name for p in (settings.landing_dir / "acd").iterdir()) == [
        "contacts_20261005.jsonl", "contacts_20261006.jsonl"]
