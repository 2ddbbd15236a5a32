"""Validation a chunk of files at a time gives the verdicts and messages of one pass."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import ctr, write_jsonl
from pilotage.ingest import entity_check, pipeline
from pilotage.window import Window

pytestmark = pytest.mark.integration

D1 = date(2026, 10, 5)


def _write_days(settings, blocking: bool) -> None:
    """Three days of contacts: warnings on days 1 and 3 (an unknown initiation method), a
    blocking failure (channel FAX) on day 2 when ``blocking``."""
    for n in range(3):
        day = D1 + timedelta(days=n)
        records = [ctr(f"c{n}{i}", f"{day:%Y-%m-%d}T0{7 + i}:00:00") for i in range(3)]
        if n != 1:
            records[1]["InitiationMethod"] = f"ODD{n}"
            records[2]["InitiationMethod"] = f"ODD{n}"
        elif blocking:
            records[0]["Channel"] = "FAX"
        write_jsonl(settings.landing_dir / "acd" / f"contacts_{day:%Y%m%d}.jsonl", records)


def _decisions(settings, budget: int, monkeypatch) -> list[tuple]:
    monkeypatch.setattr(entity_check, "CHUNK_BYTES", budget)
    manifest = pipeline.land("acd", Window(first=D1, last=D1 + timedelta(days=2),
                                           time_zone=settings.time_zone), settings)
    return [(d["entity"], d["day"], d["action"], d.get("message"), d.get("rows"))
            for d in pipeline.validate("acd", manifest, settings)]


@pytest.mark.parametrize("blocking", [False, True], ids=["warnings-only", "with-a-blocking-file"])
def test_file_by_file_validation_decides_and_words_as_one_pass(settings, monkeypatch, blocking):
    _write_days(settings, blocking)
    one_pass = _decisions(settings, 1 << 40, monkeypatch)
    file_by_file = _decisions(settings, 1, monkeypatch)
    assert file_by_file == one_pass
    contacts = [d for d in one_pass if d[0] == "acd__contacts"]
    assert [d[2] for d in contacts] == ["load", "quarantine" if blocking else "load", "load"]
    if not blocking:  # one pass: the window's added-up count on every file
        assert all("initiation_method_in_set" in d[3] and "on 4 row(s)" in d[3] for d in contacts)
    else:  # each file its own failures
        assert "on 2 row(s)" in contacts[0][3] and "ODD0" in contacts[0][3]
        assert "ODD2" in contacts[2][3] and "ODD0" not in contacts[2][3]
