"""Each shipped vendor mapping round-trips the generator's data written in that vendor's layout."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pilotage.generator import generate
from pilotage.ingest import pipeline
from pilotage.ingest.contracts import entity
from pilotage.ingest.landing import delivery_path
from pilotage.ingest.layout_lookup import load_layout, vendor_layout_path, vendor_layouts
from pilotage.ingest.layout_parser import read_layout_file
from pilotage.ingest.reader import Delivered, map_file, read_file
from pilotage.samples import VENDOR_SAMPLES, write_sample
from pilotage.window import Window

DAYS = (date(2026, 10, 24), date(2026, 10, 25))  # a Saturday and the autumn DST change (25 h)
EXPECTED_DROPS = {
    "classic_acd__tab_call_log": {"phantom record (no split)": 1, "not an inbound ACD call": 1},
    "avaya_cms__agent_split_interval": {"report totals line": 1},
    "salesforce__case_report": {"report footer": 4},
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    landing = tmp_path_factory.mktemp("generated")
    generate(landing, DAYS[0], DAYS[-1], seed=7, contacts_per_day=150)
    return landing


# Layouts written from real exports rather than from generator data: each is tested on its
# fixture file (tests/test_layout_keys.py, tests/test_layout_months.py, tests/test_mappings_cli.py,
# tests/test_queue_intervals.py).
FIXTURE_LAYOUTS = {
    "hosted_pbx__queue_call_log": ("acd__contacts", "calllog_2026-10-06.tsv"),
    "monthly_report__calls": ("acd__contacts", "rapport_appels_2026-10.csv"),
    "monthly_report__satisfaction": ("crm__surveys", "rapport_appels_2026-10.csv"),
    "hosted_pbx__queue_interval_report": ("acd__queue_intervals", "queue_report_2026-10-06.csv"),
    "helpdesk__ticket_export": ("crm__cases", "tickets_2026-10-06.csv"),
}


def test_every_vendor_layout_has_a_sample_writer_or_a_fixture_and_parses():
    assert set(vendor_layouts()) == set(VENDOR_SAMPLES) | set(FIXTURE_LAYOUTS)
    assert not set(VENDOR_SAMPLES) & set(FIXTURE_LAYOUTS)
    for name, path in vendor_layouts().items():
        expected = VENDOR_SAMPLES[name].entity if name in VENDOR_SAMPLES else FIXTURE_LAYOUTS[name][0]
        assert read_layout_file(path).entity.key == expected
    for _, fixture in FIXTURE_LAYOUTS.values():
        assert (Path(__file__).parent / "fixtures" / fixture).exists()


def _canonical(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame[columns].astype(str).sort_values(columns).reset_index(drop=True)


@pytest.mark.parametrize("name", sorted(VENDOR_SAMPLES))
@pytest.mark.parametrize("day", DAYS, ids=str)
def test_vendor_mapping_round_trips_generated_data(name, day, generated, tmp_path):
    sample = VENDOR_SAMPLES[name]
    ent = entity(sample.entity)
    written = write_sample(name, generated, day, tmp_path)
    default_file = delivery_path(generated, ent, day)
    reference = pd.DataFrame(columns=list(ent.columns))
    if default_file.exists() and default_file.stat().st_size:  # no QA evaluation on a Sunday
        reference = read_file(load_layout(ent.key), Delivered(default_file, day, "sha", "default"))
    if sample.only_rows:
        reference = reference.query(sample.only_rows)
    if written.stat().st_size == 0:  # a call log of a day without calls is empty, as switches write it
        assert reference.empty
        return
    mapped = map_file(
        read_layout_file(vendor_layout_path(name)), Delivered(written, day, "sha", written.name)
    )
    columns = [c for c in ent.columns if c not in sample.not_carried + sample.approximated]
    assert len(reference) > 0 or day.weekday() == 6  # the center is closed on Sundays (e-mail only)
    assert mapped.rows["_errors"].isna().all(), mapped.rows["_errors"].dropna().unique()
    pd.testing.assert_frame_equal(_canonical(mapped.rows, columns), _canonical(reference, columns))
    for column in sample.not_carried:  # what the vendor cannot carry is NULL
        assert mapped.rows[column].isna().all(), column
    for column in sample.approximated:  # or a documented stand-in, never missing
        assert mapped.rows[column].notna().all(), column
    expected_drops = EXPECTED_DROPS.get(name, {})
    if len(reference):
        assert mapped.drop_counts == expected_drops
    else:  # an empty day still has its report's totals line
        assert mapped.drop_counts.items() <= expected_drops.items()


@pytest.mark.integration
def test_vendor_files_pass_validation_and_load_when_their_layouts_are_selected(
    generated, settings, monkeypatch
):
    """Through land -> Great Expectations -> load, with PILOTAGE_LAYOUTS naming vendor layouts."""
    chosen = {
        "acd__contacts": "genesys_cloud__conversation_details",
        "acd__agent_intervals": "avaya_cms__agent_split_interval",
        "crm__cases": "zendesk__tickets",
        "wfm__schedules": "nice_iex__schedule_adherence",
    }
    settings = replace(settings, layouts=",".join(f"{k}={v}" for k, v in chosen.items()))
    day = DAYS[1]
    for entity_key, name in chosen.items():
        ent = entity(entity_key)
        out = write_sample(name, generated, day, settings.landing_dir / "tmp")
        target = delivery_path(settings.landing_dir, ent, day)
        target.parent.mkdir(parents=True, exist_ok=True)
        out.replace(target)  # delivered under the contract's file name, in the vendor's layout
    for source in ("acd", "crm", "wfm"):
        manifest = pipeline.land(source, Window.half_open(day, date(2026, 10, 26)), settings)
        decisions = pipeline.validate(source, manifest, settings)
        assert not [d for d in decisions if d["action"] == "quarantine"], decisions
        summary = pipeline.load(source, decisions, settings)
        assert summary["quarantined"] == 0
    loaded = {d["entity"] for d in decisions if d["action"] == "load"}
    assert loaded == {"wfm__schedules"}  # wfm: only schedules were delivered
