"""Symbolic links and paths leaving the landing folder are refused, never read."""

from __future__ import annotations

import os
from datetime import date

import pytest
from conftest import ctr, query, write_jsonl
from pilotage import cli
from pilotage.ingest import landing, pipeline
from pilotage.window import Window

D1, D2, D3 = date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7)
SECRET = "root:x:0:0:SECRET-FIRST-LINE:/root:/bin/bash"


def _files_containing(folder, text: str) -> list[str]:
    found = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            if not os.path.islink(path) and text.encode() in open(path, "rb").read():
                found.append(path)
    return found


def test_refusal_names_file_links_folder_links_and_escapes(tmp_path) -> None:
    landing_dir, outside = tmp_path / "landing", tmp_path / "outside"
    (landing_dir / "acd").mkdir(parents=True)
    outside.mkdir()
    (outside / "f.jsonl").write_text("x\n")
    (landing_dir / "acd" / "real.jsonl").write_text("x\n")
    (landing_dir / "acd" / "link.jsonl").symlink_to(outside / "f.jsonl")
    (landing_dir / "crm").symlink_to(outside)
    assert landing.refusal(landing_dir / "acd" / "real.jsonl", landing_dir) is None
    assert landing.refusal(landing_dir / "acd" / "absent.jsonl", landing_dir) is None
    assert "symbolic link" in landing.refusal(landing_dir / "acd" / "link.jsonl", landing_dir)
    assert "symbolic link" in landing.refusal(landing_dir / "crm" / "f.jsonl", landing_dir)
    assert "outside" in landing.refusal(landing_dir / "acd" / ".." / ".." / "outside" / "f.jsonl",
                                        landing_dir)


@pytest.mark.integration
def test_a_link_in_the_landing_folder_is_refused_recorded_and_never_read(settings, tmp_path, capsys):
    secret = tmp_path / "passwd"
    secret.write_text(SECRET + "\n")
    acd = settings.landing_dir / "acd"
    write_jsonl(acd / f"contacts_{D1:%Y%m%d}.jsonl", [ctr("c1", "2026-10-05T08:00:00")])
    acd.joinpath(f"contacts_{D2:%Y%m%d}.jsonl").symlink_to(secret)
    # a link to a valid export outside the folder is refused too: links are not followed at all
    valid_outside = write_jsonl(tmp_path / "elsewhere.jsonl", [ctr("c3", "2026-10-07T08:00:00")])
    acd.joinpath(f"contacts_{D3:%Y%m%d}.jsonl").symlink_to(valid_outside)

    manifest = pipeline.land("acd", Window.half_open(D1, date(2026, 10, 8)), settings)
    decisions = pipeline.validate("acd", manifest, settings)
    summary = pipeline.load("acd", decisions, settings)

    assert summary["refused"] == 2 and summary["loaded_days"] == 1
    assert query(settings, "select contact_id from raw.acd_contacts") == [("c1",)]
    log = {(e, d): (s, m) for e, d, s, m in query(
        settings, "select entity, business_date, status, message from raw._load_log")}
    for day in (D2, D3):
        status, message = log[("acd__contacts", day)]
        assert status == "quarantined"
        assert "symbolic link" in message and f"contacts_{day:%Y%m%d}.jsonl" in message
        assert SECRET not in message
    # the target was never copied anywhere the pipeline writes
    assert _files_containing(settings.data_dir, "SECRET-FIRST-LINE") == []
    assert not list(settings.archive_dir.glob("acd/2026/10/06/*"))
    assert not (settings.quarantine_dir / "acd" / "2026-10-06" / f"contacts_{D2:%Y%m%d}.jsonl").exists()
    reason = settings.quarantine_dir / "acd" / "2026-10-06" / f"contacts_{D2:%Y%m%d}.jsonl.acd__contacts.reason.txt"
    assert "symbolic link" in reason.read_text()

    capsys.readouterr()
    assert cli.main(["status"]) == 0
    out = capsys.readouterr().out
    assert "SECRET" not in out
    assert f"{D2} acd__contacts quarantined: contacts_{D2:%Y%m%d}.jsonl" in out and "symbolic link" in out
