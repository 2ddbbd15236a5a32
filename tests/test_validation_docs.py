"""Browsable validation results (issue 14): a quarantined file's Data Docs page shows its failed
expectations and offending rows, `pilotage status` links to it, `status --html` draws every
state as a calendar, and `make docs` puts the dbt docs beside the Data Docs (opened in Chromium).

One small acd warehouse holds each state of a day: loaded, rows rejected, suspect, quarantined,
missing, not delivered."""

from __future__ import annotations

import argparse
import logging
import os
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import ctr, write_jsonl
from pilotage.cli_status import cmd_status
from pilotage.ingest import pipeline, validation_docs
from pilotage.settings import PROJECT_ROOT, Settings
from pilotage.window import Window

pytestmark = pytest.mark.integration

D1 = date(2026, 10, 5)  # a Monday
DAYS = [D1 + timedelta(days=i) for i in range(6)]
EXPECTED = {DAYS[0]: "suspect", DAYS[1]: "quarantined", DAYS[2]: "rejected", DAYS[3]: "missing",
            DAYS[4]: "not_delivered", DAYS[5]: "loaded"}


def _contacts(settings: Settings, day: date, records: list[dict]) -> Path:
    return write_jsonl(settings.landing_dir / "acd" / f"contacts_{day:%Y%m%d}.jsonl", records)


def _run(settings: Settings, first: date, last: date) -> list[dict]:
    decisions = pipeline.validate("acd", pipeline.land("acd", Window(first=first, last=last), settings), settings)
    pipeline.load("acd", decisions, settings)
    return decisions


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("validation-docs")
    rules = root / "rules.yml"
    rules.write_text("acd__contacts:\n"
                     "  connected_to_agent_at_not_before_enqueued_at: {severity: reject_rows, max_rows: 1}\n"
                     "  queue_seconds_in_range: {severity: reject_rows, max_rows: 1}\n")
    keep = {k: v for k, v in os.environ.items() if not k.startswith("PILOTAGE_") or k == "PILOTAGE_HASH_KEY"}
    settings = Settings.build(env={**keep, "PILOTAGE_DATA_DIR": str(root / "data"),
                                   "PILOTAGE_LANDING_SETTLE_SECONDS": "0", "PILOTAGE_RULES": str(rules)})
    day = lambda d, h: f"{d}T{h:02d}:00:00"  # noqa: E731
    _contacts(settings, DAYS[0], [ctr(f"a{i}", day(DAYS[0], 8 + i)) for i in range(4)])
    _contacts(settings, DAYS[1], [ctr("c2", day(DAYS[1], 8)), ctr("c3", day(DAYS[1], 9), channel="FAX"),
                                  ctr("c4", day(DAYS[1], 10), queue="NEW_QUEUE")])
    _contacts(settings, DAYS[2], [ctr("r1", day(DAYS[2], 8)), ctr("r2", day(DAYS[2], 9), wait=-5)])
    _contacts(settings, DAYS[5], [ctr("l1", day(DAYS[5], 8))])
    logger = logging.getLogger("pilotage")  # the validate task's log lines (pilotage.progress)
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        first_run = _run(settings, DAYS[0], DAYS[3])
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    _run(settings, DAYS[5], DAYS[5])
    _contacts(settings, DAYS[0], [])  # an empty re-delivery of a loaded day: suspect
    _run(settings, DAYS[0], DAYS[0])
    return {"settings": settings, "decisions": first_run, "log": records}


def test_quarantined_file_page_shows_failed_expectations_and_offending_rows(warehouse) -> None:
    settings = warehouse["settings"]
    (bad,) = [d for d in warehouse["decisions"] if d["action"] == "quarantine"]
    page = validation_docs.page_path(settings, "acd__contacts", DAYS[1].isoformat(), "contacts_20261006.jsonl")
    assert bad["docs"] == str(page) and page.exists()
    text = page.read_text(encoding="utf-8")
    assert "quarantined" in text and "channel_in_set" in text and "queue_name_known" in text
    rows = re.search(r"channel is one of.*?</div>", text, re.S).group(0)
    assert "<td>c3</td>" in rows and "<td class=\"bad\">FAX</td>" in rows and "<td>c2</td>" not in rows
    # the rows kept out by a reject_rows rule have a page too, the clean day none
    page_of = lambda day, name: validation_docs.page_path(settings, "acd__contacts", day.isoformat(), name)  # noqa: E731
    assert page_of(DAYS[2], "contacts_20261007.jsonl").exists()
    assert not page_of(DAYS[5], "contacts_20261010.jsonl").exists()
    index = (validation_docs.docs_dir(settings) / "index.html").read_text(encoding="utf-8")
    assert "acd/2026-10-06/contacts_20261006.jsonl.acd__contacts.html" in index
    # the validate task's log links the Data Docs and the page
    assert any(line.startswith("validation results (Data Docs): file://") for line in warehouse["log"])
    assert any(page.as_uri() in line for line in warehouse["log"])


def test_status_links_each_quarantined_file_to_its_page(warehouse, capsys) -> None:
    settings = warehouse["settings"]
    assert cmd_status(argparse.Namespace(limit=20, html=None), settings) == 0
    out = capsys.readouterr().out
    page = validation_docs.page_path(settings, "acd__contacts", "2026-10-06", "contacts_20261006.jsonl")
    assert f"validation results: {page}" in out
    assert f"Validation results (Data Docs): {validation_docs.docs_dir(settings) / 'index.html'}" in out


def test_status_html_is_a_calendar_of_every_state_linking_quarantined_files(warehouse, tmp_path) -> None:
    settings = warehouse["settings"]
    out = tmp_path / "report" / "status.html"
    assert cmd_status(argparse.Namespace(limit=20, html=out), settings) == 0
    text = out.read_text(encoding="utf-8")
    contacts = text[text.index("<h2>acd__contacts</h2>"):text.index("</section>", text.index("<h2>acd__contacts</h2>"))]
    states = dict(re.findall(r'data-day="([\d-]+)" data-state="(\w+)"', contacts))
    assert states == {d.isoformat(): s for d, s in EXPECTED.items()}
    links = re.findall(r'data-day="2026-10-06" data-state="quarantined"><a href="([^"]+)"', contacts)
    assert len(links) == 1 and (out.parent / links[0]).resolve() == validation_docs.page_path(
        settings, "acd__contacts", "2026-10-06", "contacts_20261006.jsonl").resolve()
    assert "http://" not in text and "https://" not in text and "<script" not in text  # self-contained


@pytest.fixture(scope="module")
def chromium():
    from pilotage.packs.pdf import ChromiumMissing, chromium_path, run_chromium

    try:
        chromium_path()
    except ChromiumMissing:
        subprocess.run(["bash", str(PROJECT_ROOT / "scripts" / "ensure_chromium.sh")], check=True, timeout=900)
        try:
            chromium_path()
        except ChromiumMissing:
            pytest.skip("Chromium missing (run scripts/ensure_chromium.sh as root)")

    def visible_text(path: Path, *extra: str) -> str:
        dom = run_chromium("--virtual-time-budget=10000", *extra, "--dump-dom", path.resolve().as_uri()).stdout
        dom = re.sub(r"(?s)<(script|style)\b[^>]*>.*?</\1>", " ", dom)
        return " ".join(re.sub(r"<[^>]+>", " ", dom).split())

    return visible_text


def test_make_docs_builds_dbt_docs_and_data_docs_opened_in_chromium(warehouse, chromium) -> None:
    from pilotage import docs_site

    settings = warehouse["settings"]
    built = docs_site.build(settings, compile_sql=False)  # `make docs` compiles; parsing suffices here
    assert built["index"].exists()
    dbt_text = chromium(built["dbt"])
    assert "fct_contacts" in dbt_text and "mart_steering_monthly" in dbt_text  # the rendered model tree
    index_text = chromium(built["validation"])
    assert "contacts_20261006.jsonl" in index_text
    page = validation_docs.page_path(settings, "acd__contacts", "2026-10-06", "contacts_20261006.jsonl")
    page_text = chromium(page)
    assert "Status: quarantined" in page_text
    assert "channel is one of" in page_text and "FAX" in page_text and "c3" in page_text
