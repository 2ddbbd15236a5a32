"""File drops: only complete files are picked up; a re-delivery is recognized by its content hash."""

from __future__ import annotations

import json
from datetime import date

import fsspec
import pytest
from pilotage.extract.filedrop import DropError, drop_config, pickup
from pilotage.ingest import pipeline
from pilotage.settings import Settings
from pilotage.window import Window

D1, D2 = date(2026, 10, 5), date(2026, 10, 6)


def _cfg(url: str, **env):
    values = {"PILOTAGE_DROP_URL": url, "PILOTAGE_DROP_SETTLE_SECONDS": "0.01", **env}
    return drop_config(values)


def _status(result) -> dict[str, str]:
    return {f["name"]: f["status"] for f in result["files"] if f["status"] != "absent"}


def test_no_drop_configured_is_a_no_op(settings):
    assert drop_config({}) is None
    assert pickup("acd", D1, D2, settings, config=None)["status"] == "skipped"


def test_local_drop_folder_files_reach_the_landing_folder_and_land(settings, tmp_path):
    drop = tmp_path / "share"
    (drop / "acd").mkdir(parents=True)
    (drop / "acd" / "contacts_20261005.jsonl").write_text('{"ContactId": "c1"}\n')
    (drop / "acd" / "unrelated.txt").write_text("x")
    result = pickup("acd", D1, D2, settings, config=_cfg(drop.as_uri()))
    assert _status(result) == {"contacts_20261005.jsonl": "picked"}
    landed = settings.landing_dir / "acd" / "contacts_20261005.jsonl"
    assert landed.read_text() == '{"ContactId": "c1"}\n'
    manifest = pipeline.land("acd", Window.half_open(D1, D2), settings)
    assert {m["entity"]: m["status"] for m in manifest} == {
        "acd__contacts": "delivered",
        "acd__agent_intervals": "missing",
    }


def test_a_file_still_being_written_is_left_for_the_next_run(settings, tmp_path):
    drop = tmp_path / "share"
    (drop / "crm").mkdir(parents=True)
    growing = drop / "crm" / "cases_20261005.csv"
    growing.write_text("Id,CaseNumber\n")

    def writer_still_busy(_seconds: float) -> None:
        with open(growing, "a") as handle:
            handle.write("5001,0001\n")

    cfg = _cfg(drop.as_uri())
    result = pickup("crm", D1, D2, settings, config=cfg, sleep=writer_still_busy)
    assert _status(result) == {"cases_20261005.csv": "incomplete"}
    assert not (settings.landing_dir / "crm" / "cases_20261005.csv").exists()
    result = pickup("crm", D1, D2, settings, config=cfg, sleep=lambda s: None)
    assert _status(result) == {"cases_20261005.csv": "picked"}
    assert (settings.landing_dir / "crm" / "cases_20261005.csv").read_text() == "Id,CaseNumber\n5001,0001\n"


def test_marker_mode_waits_for_the_marker_file(settings, tmp_path):
    drop = tmp_path / "share"
    (drop / "wfm").mkdir(parents=True)
    (drop / "wfm" / "schedules_20261005.txt").write_text("AGENT_ID|DATE\n")
    cfg = _cfg(drop.as_uri(), PILOTAGE_DROP_COMPLETE="marker", PILOTAGE_DROP_MARKER_SUFFIX=".ok")
    assert _status(pickup("wfm", D1, D2, settings, config=cfg)) == {"schedules_20261005.txt": "incomplete"}
    (drop / "wfm" / "schedules_20261005.txt.ok").write_text("")
    assert _status(pickup("wfm", D1, D2, settings, config=cfg)) == {"schedules_20261005.txt": "picked"}


def test_redelivery_is_recognized_by_content_hash_and_replaces_its_day(settings):
    fs = fsspec.filesystem("memory")
    root = "/pilotage-test-redelivery"
    fs.pipe(f"{root}/acd/contacts_20261005.jsonl", b'{"ContactId": "c1"}\n')
    cfg = _cfg(f"memory://{root}")
    assert _status(pickup("acd", D1, D2, settings, config=cfg)) == {"contacts_20261005.jsonl": "picked"}
    first = pipeline.land("acd", Window.half_open(D1, D2), settings)[0]
    assert _status(pickup("acd", D1, D2, settings, config=cfg)) == {"contacts_20261005.jsonl": "unchanged"}
    fs.pipe(f"{root}/acd/contacts_20261005.jsonl", b'{"ContactId": "c1"}\n')  # same bytes uploaded again
    assert _status(pickup("acd", D1, D2, settings, config=cfg)) == {"contacts_20261005.jsonl": "unchanged"}
    fs.pipe(f"{root}/acd/contacts_20261005.jsonl", b'{"ContactId": "c1"}\n{"ContactId": "c2"}\n')
    result = pickup("acd", D1, D2, settings, config=cfg)
    assert _status(result) == {"contacts_20261005.jsonl": "replaced"}
    second = pipeline.land("acd", Window.half_open(D1, D2), settings)[0]
    assert second["sha256"] != first["sha256"] and second["sha256"] == result["files"][0]["sha256"]
    assert len(list((settings.archive_dir / "acd").rglob("*contacts_20261005.jsonl"))) == 2
    ledger = json.loads((settings.data_dir / "pickup" / "ledger.json").read_text())
    assert ledger[f"memory://{root}/acd/contacts_20261005.jsonl"]["sha256"] == second["sha256"]
    fs.rm(root, recursive=True)


def test_vendor_file_names_are_configured_not_coded(settings):
    fs = fsspec.filesystem("memory")
    root = "/pilotage-test-names"
    fs.pipe(f"{root}/acd/hagent_20261006.csv", b"row_date,starttime\n")
    cfg = _cfg(f"memory://{root}", PILOTAGE_DROP_NAMES='{"acd__agent_intervals": "hagent_{yyyymmdd}.csv"}')
    result = pickup("acd", D1, date(2026, 10, 7), settings, config=cfg)
    assert _status(result) == {"hagent_20261006.csv": "picked"}
    assert (settings.landing_dir / "acd" / "agent_intervals_20261006.csv").exists()
    fs.rm(root, recursive=True)


def test_qa_file_shared_by_two_entities_is_picked_once(settings):
    fs = fsspec.filesystem("memory")
    root = "/pilotage-test-qa"
    fs.pipe(f"{root}/qa/evaluations_20261005.jsonl", b'{"evaluationId": "e1"}\n')
    result = pickup("qa", D1, D2, settings, config=_cfg(f"memory://{root}"))
    assert [f["status"] for f in result["files"]] == ["picked"]
    fs.rm(root, recursive=True)


@pytest.mark.parametrize(
    ("env", "key"),
    [
        ({"PILOTAGE_DROP_OPTIONS": "{not json"}, "PILOTAGE_DROP_OPTIONS"),
        ({"PILOTAGE_DROP_OPTIONS": "[1]"}, "PILOTAGE_DROP_OPTIONS"),
        ({"PILOTAGE_DROP_COMPLETE": "eventually"}, "PILOTAGE_DROP_COMPLETE"),
        ({"PILOTAGE_DROP_SETTLE_SECONDS": "soon"}, "PILOTAGE_DROP_SETTLE_SECONDS"),
        ({"PILOTAGE_DROP_NAMES": '{"acd__contacts": "ctr.json"}'}, "PILOTAGE_DROP_NAMES"),
    ],
)
def test_bad_drop_settings_name_the_setting(env, key):
    with pytest.raises(DropError, match=key):
        drop_config({"PILOTAGE_DROP_URL": "file:///tmp/x", **env})


def test_unknown_protocol_fails_naming_the_setting(settings):
    with pytest.raises(DropError, match="PILOTAGE_DROP_URL"):
        pickup("acd", D1, D2, settings, config=_cfg("nosuchproto://bucket/x"))


def test_credentials_come_from_the_airflow_connection(monkeypatch):
    monkeypatch.setenv(
        "AIRFLOW_CONN_PILOTAGE_DROP",
        json.dumps(
            {
                "conn_type": "sftp",
                "host": "files.vendor.test",
                "login": "pilotage",
                "password": "pw-123456",
                "port": 2222,
                "extra": {"known_hosts": "/etc/ssh/known_hosts"},
            }
        ),
    )
    from pilotage.dag_defaults import with_airflow_connections  # imports airflow: not at collection

    without_drop = with_airflow_connections(Settings.build(env={}))
    assert dict(without_drop.connections) == {}  # no drop configured: the Connection is not read
    settings = with_airflow_connections(Settings.build(env={"PILOTAGE_DROP_URL": "sftp://files.vendor.test/outbound"}))
    assert "pw-123456" not in repr(settings)
    cfg = drop_config(settings.drop, settings.connections["pilotage_drop"])
    assert cfg.storage_options == {
        "username": "pilotage",
        "password": "pw-123456",
        "port": 2222,
        "known_hosts": "/etc/ssh/known_hosts",
    }
    assert "pw-123456" not in repr(cfg)
