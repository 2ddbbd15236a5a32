"""Vendor samples: the generator's default-layout files re-expressed in vendor layouts.

One module per vendor, named like its layouts' prefix (``layouts/vendors/<vendor>__<export>.yml``):
``amazon_connect``, ``genesys_cloud``, ``classic_acd``, ``avaya_cms``, ``zendesk``, ``salesforce``,
``nice_iex``; ``defaults`` reads the default-layout files they start from.

Each entry of :data:`VENDOR_SAMPLES` names a shipped vendor layout (``layouts/vendors/<name>.yml``),
the canonical entity it fills, a writer ``(landing_dir, day, out_path) -> records written`` that
reads the day's default-layout files and writes that vendor's layout, and what the vendor cannot
carry (contract columns it leaves NULL or fills differently, rows it does not hold). They feed
the fake vendor APIs (``tests/fakes/vendors/``), the mapping round-trip tests and
``pilotage mapping sample``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pilotage.samples import (
    amazon_connect,
    avaya_cms,
    classic_acd,
    defaults,
    genesys_cloud,
    nice_iex,
    salesforce,
    zendesk,
)


@dataclass(frozen=True)
class VendorSample:
    layout: str  # vendor layout name
    entity: str  # canonical entity key
    write: Callable[[Path, date, Path], int]
    file_name: str  # suggested file name, {yyyymmdd} filled in
    not_carried: tuple[str, ...] = ()  # contract columns the vendor layout leaves NULL
    approximated: tuple[str, ...] = ()  # contract columns it fills with a stand-in value
    only_rows: str | None = None  # pandas query selecting the default rows the vendor holds


def _connect_ctr(landing: Path, day: date, out: Path) -> int:
    return amazon_connect.write_connect_ctr_stream(defaults.contacts(landing, day), out)


def _genesys(landing: Path, day: date, out: Path) -> int:
    return genesys_cloud.write_genesys_conversations(defaults.contacts(landing, day), out)


def _tab_log(landing: Path, day: date, out: Path) -> int:
    return classic_acd.write_tab_call_log(defaults.contacts(landing, day), out)


def _cms(landing: Path, day: date, out: Path) -> int:
    return avaya_cms.write_cms_agent_split_interval(
        defaults.agent_intervals(landing, day), out, report_day=day.isoformat()
    )


def _zendesk(landing: Path, day: date, out: Path) -> int:
    return zendesk.write_zendesk_export(defaults.cases(landing, day), out)


def _sf_report(landing: Path, day: date, out: Path) -> int:
    return salesforce.write_salesforce_case_report(defaults.cases(landing, day), out)


def _iex(landing: Path, day: date, out: Path) -> int:
    return nice_iex.write_iex_schedule_adherence(
        defaults.schedules(landing, day), defaults.roster(landing, day), out
    )


def _connect_eval(landing: Path, day: date, out: Path) -> int:
    return amazon_connect.write_connect_evaluations(defaults.evaluations(landing, day), out)


VENDOR_SAMPLES: dict[str, VendorSample] = {
    s.layout: s
    for s in (
        VendorSample(
            "amazon_connect__contact_records", "acd__contacts", _connect_ctr, "contacts_{yyyymmdd}.json"
        ),
        VendorSample(
            "genesys_cloud__conversation_details",
            "acd__contacts",
            _genesys,
            "conversations_{yyyymmdd}.json",
            not_carried=("initial_contact_id",),
            approximated=("last_updated_at", "initiation_method"),
        ),
        VendorSample(
            "classic_acd__tab_call_log",
            "acd__contacts",
            _tab_log,
            "calllog_{yyyymmdd}.tsv",
            not_carried=(
                "initial_contact_id",
                "dequeued_at",
                "acw_started_at",
                "acw_ended_at",
                "disconnect_reason",
                "hold_count",
            ),
            approximated=("last_updated_at",),
            only_rows="channel == 'VOICE'",
        ),
        VendorSample(
            "avaya_cms__agent_split_interval", "acd__agent_intervals", _cms, "hagent_{yyyymmdd}.csv"
        ),
        VendorSample("zendesk__tickets", "crm__cases", _zendesk, "tickets_{yyyymmdd}.json"),
        VendorSample("salesforce__case_report", "crm__cases", _sf_report, "case_report_{yyyymmdd}.csv"),
        VendorSample(
            "nice_iex__schedule_adherence", "wfm__schedules", _iex, "schedule_adherence_{yyyymmdd}.txt"
        ),
        VendorSample(
            "amazon_connect__evaluations",
            "qa__evaluations",
            _connect_eval,
            "evaluations_{yyyymmdd}.json",
            not_carried=("calibration_session_id", "calibration_role"),
        ),
        VendorSample(
            "amazon_connect__evaluation_answers",
            "qa__evaluation_answers",
            _connect_eval,
            "evaluations_{yyyymmdd}.json",
        ),
    )
}


def write_sample(layout: str, landing_dir: Path, day: date, out_dir: Path) -> Path:
    """Write the vendor sample of ``day`` into ``out_dir``; returns its path."""
    sample = VENDOR_SAMPLES[layout]
    out = Path(out_dir) / sample.file_name.format(yyyymmdd=day.strftime("%Y%m%d"))
    sample.write(Path(landing_dir), day, out)
    return out
