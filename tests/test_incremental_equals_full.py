"""Incremental builds change no number: generated days loaded and built run after run (a first
window, then day by day, each run rebuilding its day plus the late-arrival days) give the same
tables (staging, intermediate, marts), to 1e-9, as one --full-refresh build of the same raw data.
The last day's CRM export re-delivers a case of the first day (outside the last run's window)
with a later closing date, and the last run re-delivers the day before without a late survey of
a first-day case (and builds its day only: the day before is rebuilt as an unbuilt day); the
last day's survey export also re-delivers a first-day answer re-attached to another case:
fct_cases, rebuilt by touched case, must take all three (the answer leaves its old case, whose
dates lie outside the last run's window, and joins the new one). The last day's
QA export re-submits a first-day evaluation on a last-day contact (it leaves the first day), and
the re-delivered day before names another case on one of its contacts (it leaves the old case)."""

from __future__ import annotations

import importlib.util
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

FIRST, FIRST_RUN_LAST, LAST = date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 14)
LATE_SURVEY = "sv-1a7e000000000001"
COMPARE = Path(__file__).resolve().parents[1] / "scripts" / "compare_marts.py"


def _settings(data: Path):
    from pilotage.settings import Settings

    return Settings.build({"PILOTAGE_DATA_DIR": str(data), "PILOTAGE_LANDING_SETTLE_SECONDS": "0"})


def _close_a_first_day_case(settings) -> str:
    """Append to the last day's case export a version of a case of the first day closed on the
    last day (a closed case has no follow-up contact: nothing else of the window touches it);
    returns its case id."""
    crm = settings.landing_dir / "crm"
    header, *rows = (crm / f"cases_{FIRST:%Y%m%d}.csv").read_text().splitlines()
    fields = next(row.split('","') for row in rows if '"Closed","' in row)
    columns = header.split(",")
    fields[columns.index("ClosedDate")] = f"{LAST}T12:00:00.000+0000"
    with (crm / f"cases_{LAST:%Y%m%d}.csv").open("a") as out:
        out.write('","'.join(fields) + "\n")
    return fields[0].strip('"')


def _answer_a_first_day_case_late(settings, day: date) -> str:
    """Append to the day's survey export a CSAT answer for a case whose contacts all lie on the
    first day (a late answer: nothing else of a later window touches the case); returns its id."""
    import duckdb

    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    survey_id, case_id = con.execute(
        "select surveys.survey_id, cases.case_id from staging.stg_crm__surveys as surveys "
        "join marts.fct_cases as cases on surveys.case_number = cases.case_number "
        "where surveys.question = 'CSAT' and cast(cases.first_contact_at as date) = ? "
        "and cast(cases.last_contact_at as date) = ? order by surveys.survey_id limit 1",
        [FIRST, FIRST]).fetchone()
    con.close()
    crm = settings.landing_dir / "crm"
    lines = (crm / f"surveys_{FIRST:%Y%m%d}.csv").read_text().splitlines()
    fields = next(line.split(",") for line in lines if line.startswith(f"{survey_id},")
                  and ",CSAT," in line)
    fields[0], fields[-1] = LATE_SURVEY, f"{day}{fields[-1][10:]}"
    with (crm / f"surveys_{day:%Y%m%d}.csv").open("a") as out:
        out.write(",".join(fields) + "\n")
    return case_id


def _reattach_a_first_day_survey(settings, closed_late: str) -> tuple[str, str]:
    """Append to the last day's survey export a re-delivery of a first-day CSAT answer (same id,
    same answer time: the later export wins) naming another first-day case, the CRM having
    re-attached it; both cases' contacts, creation and surveys lie on the first day only (and
    neither is the case closed late). Returns (the old case id, the new case id)."""
    import duckdb

    quiet = ("select cases.case_id, cases.case_number from marts.fct_cases as cases "
             "join staging.stg_crm__cases as staged on cases.case_id = staged.case_id "
             "where staged.business_date = $1 and cast(cases.first_contact_at as date) = $1 "
             "and cast(cases.last_contact_at as date) = $1 "
             "and coalesce(cases.last_survey_business_date, $1) = $1 and cases.case_id <> $2")
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    survey_id, old_case = con.execute(
        f"with quiet as ({quiet}) select surveys.survey_id, quiet.case_id "
        "from staging.stg_crm__surveys as surveys join quiet "
        "on surveys.case_number = quiet.case_number "
        "where surveys.question = 'CSAT' and surveys.business_date = $1 "
        "order by surveys.survey_id desc limit 1", [FIRST, closed_late]).fetchone()
    new_case, new_number = con.execute(
        f"with quiet as ({quiet}) select quiet.case_id, raw_cases.case_number from quiet "
        "join raw.crm_cases as raw_cases on quiet.case_id = raw_cases.case_id "
        "where quiet.case_id <> $3 order by quiet.case_id limit 1",
        [FIRST, closed_late, old_case]).fetchone()
    con.close()
    crm = settings.landing_dir / "crm"
    lines = (crm / f"surveys_{FIRST:%Y%m%d}.csv").read_text().splitlines()
    fields = next(line.split(",") for line in lines if line.startswith(f"{survey_id},")
                  and ",CSAT," in line)
    fields[2] = new_number
    with (crm / f"surveys_{LAST:%Y%m%d}.csv").open("a") as out:
        out.write(",".join(fields) + "\n")
    return old_case, new_case


def _resubmit_a_first_day_evaluation(settings) -> str:
    """Append to the last day's QA export a later submission of a first-day evaluation (not a
    calibration), re-attached to an answered contact of the last day and its agent; returns its
    id."""
    landing = settings.landing_dir
    first = (landing / "qa" / f"evaluations_{FIRST:%Y%m%d}.jsonl").read_text().splitlines()
    evaluation = next(json.loads(line) for line in first
                      if json.loads(line)["metadata"]["calibrationSessionId"] is None)
    contacts = (landing / "acd" / f"contacts_{LAST:%Y%m%d}.jsonl").read_text().splitlines()
    contact = next(json.loads(line) for line in contacts if json.loads(line)["Agent"]
                   and json.loads(line)["Queue"])
    evaluation["metadata"].update(contactId=contact["ContactId"],
                                  agentId=contact["Agent"]["Username"],
                                  evaluationSubmitTimestamp=f"{LAST}T12:00:00Z")
    with (landing / "qa" / f"evaluations_{LAST:%Y%m%d}.jsonl").open("a") as out:
        out.write(json.dumps(evaluation) + "\n")
    return evaluation["evaluationId"]


def _recase_a_contact(settings, day: date, *avoided: str) -> tuple[str, str, str]:
    """Re-deliver the day's ACD export with an inbound contact naming another case of the day (the
    agent fixed the case number; a contact stays in its initiation day's file: the contract
    quarantines a later day's file carrying it); neither case is one of `avoided`. Returns (the
    contact id, its old case id, its new case id)."""
    import duckdb

    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    numbers = dict(con.execute(
        "select case_number, case_id from raw.crm_cases where case_id not in "
        f"({', '.join('?' * len(avoided))})", list(avoided)).fetchall())
    con.close()
    path = settings.landing_dir / "acd" / f"contacts_{day:%Y%m%d}.jsonl"
    contacts = [json.loads(line) for line in path.read_text().splitlines()]
    recased = [contact for contact in contacts if contact["InitiationMethod"] == "INBOUND"
               and contact["Queue"] and contact["Attributes"]["case_number"] in numbers]
    contact, other = recased[0], next(
        other for other in recased
        if other["Attributes"]["case_number"] != recased[0]["Attributes"]["case_number"])
    old, new = contact["Attributes"]["case_number"], other["Attributes"]["case_number"]
    contact["Attributes"]["case_number"] = new
    path.write_text("".join(json.dumps(row) + "\n" for row in contacts))
    return contact["ContactId"], numbers[old], numbers[new]


def _redeliver_without_the_late_survey(settings, day: date) -> None:
    """Re-deliver the day's survey export without the late answer (the CRM withdrew it)."""
    path = settings.landing_dir / "crm" / f"surveys_{day:%Y%m%d}.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith(f"{LATE_SURVEY},")))


def _load(settings, first: date, last: date) -> None:
    from pilotage.ingest import pipeline
    from pilotage.window import Window

    for source in ("acd", "crm", "wfm", "qa"):
        manifest = pipeline.land(source, Window(first=first, last=last), settings)
        pipeline.load(source, pipeline.validate(source, manifest, settings), settings)


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory) -> tuple[Path, Path, str]:
    """(built run after run, built once with --full-refresh, the case closed late, the case whose
    late survey was withdrawn, the old and new cases of the re-attached survey, the re-submitted
    evaluation, the re-cased contact with its old and new case) from the same raw tables."""
    from pilotage.generator import generate
    from pilotage.transform import dbt_build
    from pilotage.window import Window

    root = tmp_path_factory.mktemp("incremental")
    daily = _settings(root / "daily")
    generate(daily.landing_dir, FIRST, LAST, seed=5, contacts_per_day=150)
    # the first run loads 8 days; the next one a day, and leaves the first day out of its window
    # (LATE_ARRIVAL_DAYS before the day), so that day stays as the first run built it
    _load(daily, FIRST, FIRST_RUN_LAST)
    dbt_build(daily, Window(first=FIRST, last=FIRST_RUN_LAST))
    day = FIRST_RUN_LAST
    while day < LAST:
        day += timedelta(days=1)
        closed_late = _close_a_first_day_case(daily) if day == LAST else None
        reattached = _reattach_a_first_day_survey(daily, closed_late) if day == LAST else None
        if day == LAST:
            resubmitted = _resubmit_a_first_day_evaluation(daily)
            recased = _recase_a_contact(daily, day - timedelta(days=1), closed_late, *reattached)
        if day == LAST - timedelta(days=1):
            surveyed_late = _answer_a_first_day_case_late(daily, day)
        if day == LAST:  # the run re-delivers the day before, without the late survey
            _redeliver_without_the_late_survey(daily, day - timedelta(days=1))
        # the last run loads the re-delivered day before and its day but builds its day only:
        # the day before, loaded and not built, is one of its own days (raw._unbuilt_days)
        _load(daily, day - timedelta(days=1) if day == LAST else day, day)
        dbt_build(daily, Window(first=day, last=day))
    full = _settings(root / "full")
    full.warehouse_path.parent.mkdir(parents=True)
    shutil.copy(daily.warehouse_path, full.warehouse_path)
    dbt_build(full, extra_args=["--full-refresh", "--exclude-resource-type", "test"])
    return (daily.warehouse_path, full.warehouse_path, closed_late, surveyed_late, reattached,
            resubmitted, recased)


@pytest.fixture(scope="module")
def compare():
    spec = importlib.util.spec_from_file_location("compare_marts", COMPARE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


@pytest.mark.parametrize("schema", ["marts", "intermediate", "staging"])
def test_run_after_run_equals_one_full_build(warehouses, compare, schema: str, capsys) -> None:
    daily, full, *_cases = warehouses
    assert compare([str(full), str(daily), "--schema", schema]) == 0, capsys.readouterr().out


def test_the_sample_spans_the_windows(warehouses) -> None:
    """Non-vacuous: every day has contacts, and the first day lies outside the last run's window."""
    import duckdb
    from pilotage.transform import LATE_ARRIVAL_DAYS

    con = duckdb.connect(str(warehouses[0]), read_only=True)
    days = con.execute("select count(distinct business_date), min(business_date) "
                       "from marts.fct_contacts").fetchone()
    cases = con.execute("select count(*) from staging.stg_crm__cases").fetchone()[0]
    con.close()
    assert days == ((LAST - FIRST).days + 1, FIRST) and cases > 0
    assert FIRST < LAST - timedelta(days=LATE_ARRIVAL_DAYS)


def test_a_case_closed_after_the_window_is_rebuilt(warehouses) -> None:
    """The case opened on the first day and re-closed by the last day's export has the new
    closing date in the run after run fct_cases (rebuilt by key, its creation day and contacts
    outside the window)."""
    import duckdb

    con = duckdb.connect(str(warehouses[0]), read_only=True)
    row = con.execute("select business_date, cast(closed_at as date), is_closed "
                      "from marts.fct_cases where case_id = ?", [warehouses[2]]).fetchone()
    con.close()
    assert row == (FIRST, LAST, True)


def test_a_survey_withdrawn_by_a_redelivery_leaves_its_case(warehouses) -> None:
    """The first-day case answered late on the day before the last, then withdrawn by the last
    run's re-delivery of that day, has the survey figures of the full build (its contacts and
    creation outside the last run's window)."""
    import duckdb

    figures = []
    for warehouse in warehouses[:2]:
        con = duckdb.connect(str(warehouse), read_only=True)
        figures.append(con.execute("select business_date, csat_responses, csat_score_sum "
                                   "from marts.fct_cases where case_id = ?",
                                   [warehouses[3]]).fetchone())
        con.close()
    assert figures[0] == figures[1] and figures[0][0] == FIRST


def test_a_survey_reattached_to_another_case_leaves_the_old_one(warehouses) -> None:
    """The first-day answer re-delivered by the last day's export with another first-day case
    number: both cases (creation, contacts and surveys on the first day, outside the last run's
    window) have the survey figures of the full build, and the answer moved."""
    import duckdb

    figures = []
    for warehouse in warehouses[:2]:
        con = duckdb.connect(str(warehouse), read_only=True)
        figures.append(con.execute(
            "select case_id, business_date, csat_responses, csat_score_sum, "
            "first_survey_business_date, last_survey_business_date "
            "from marts.fct_cases where case_id in (?, ?) order by case_id != ?",
            [*warehouses[4], warehouses[4][0]]).fetchall())
        con.close()
    assert figures[0] == figures[1]
    old, new = figures[1]
    assert old[1] == new[1] == FIRST and new[5] == LAST and old[5] in (None, FIRST)


def test_an_evaluation_resubmitted_on_a_later_day_leaves_the_first_day(warehouses) -> None:
    """The first-day evaluation re-submitted by the last day's export lies on the last day only,
    with its criteria, as in the full build (its first day outside the last run's window)."""
    import duckdb

    figures = []
    for warehouse in warehouses[:2]:
        con = duckdb.connect(str(warehouse), read_only=True)
        figures.append([con.execute(
            f"select business_date, count(*) from marts.{table} where evaluation_id = ? "
            "group by business_date order by business_date", [warehouses[5]]).fetchall()
            for table in ("fct_evaluations", "fct_evaluation_criteria")])
        con.close()
    assert figures[0] == figures[1]
    assert figures[1][0] == [(LAST, 1)] and figures[1][1][0][0] == LAST


def test_a_contact_recased_by_a_redelivery_leaves_its_old_case(warehouses) -> None:
    """The contact of the day before the last re-delivered by the last run with another case
    number: its old and new cases have the contacts of the full build, the contact its new case."""
    import duckdb

    contact, old, new = warehouses[6]
    figures = []
    for warehouse in warehouses[:2]:
        con = duckdb.connect(str(warehouse), read_only=True)
        figures.append((
            con.execute("select business_date, case_number from marts.fct_contacts "
                        "where contact_id = ?", [contact]).fetchall(),
            con.execute("select case_id, case_number, contacts_count, first_contact_at, "
                        "last_contact_at from marts.fct_cases where case_id in (?, ?) "
                        "order by case_id != ?", [old, new, old]).fetchall()))
        con.close()
    assert figures[0] == figures[1]
    (day, number), = figures[1][0]
    assert day == LAST - timedelta(days=1) and number == figures[1][1][1][1] != figures[1][1][0][1]


def test_the_daily_runs_were_window_runs_that_kept_the_partial_parse(warehouses) -> None:
    """The last run compiled its window (its own days: its day and the day before, loaded by it
    but left out of its window and so recorded as unbuilt; and the late-arrival days before
    them) into the marts and only its own days into staging (raw changed there only), left no
    unbuilt day, no run re-parsed the project because its window changed (the window is not
    in --vars), and the tests tagged repeated_in_marts ran on fct_contacts only."""
    import duckdb
    from pilotage.transform import LATE_ARRIVAL_DAYS

    dbt_dir = warehouses[0].parents[1] / "dbt"
    own_first = LAST - timedelta(days=1)
    late_first = f"cast('{own_first - timedelta(days=LATE_ARRIVAL_DAYS)}' as date)"
    compiled = next((dbt_dir / "target" / "compiled").rglob("fct_contacts.sql")).read_text()
    assert late_first in compiled
    staged = next((dbt_dir / "target" / "compiled").rglob("stg_acd__contacts.sql")).read_text()
    assert f"between cast('{own_first}' as date)" in staged and late_first not in staged
    log = (dbt_dir / "logs" / "dbt.log").read_text()
    assert "partial parsing because config vars" not in log
    # dbt's file log keeps a line per node, not the debug events (each statement's SQL)
    assert " PASS unique_fct_contacts_contact_id " in log and "[debug]" not in log
    # the tests repeated in the marts ran on fct_contacts, not on the view it reads
    ran = {r["unique_id"].split(".")[2] for r in
           json.loads((dbt_dir / "target" / "run_results.json").read_text())["results"]}
    assert "unique_fct_contacts_contact_id" in ran and "unique_int_contacts_enriched_contact_id" not in ran
    con = duckdb.connect(str(warehouses[0]), read_only=True)
    assert con.execute("select count(*) from raw._unbuilt_days").fetchone() == (0,)
    con.close()


def test_a_warehouse_built_before_the_survey_span_is_rebuilt_once_and_equals_the_full_build(
        warehouses, compare, tmp_path, capsys) -> None:
    """An existing fct_cases without the survey-span columns (built by an earlier version) does
    not fail the next window run (the touched-cases rule reads those columns): that run rebuilds
    every case once, which fills them, and the marts equal the full build."""
    import duckdb
    from pilotage.transform import dbt_build
    from pilotage.window import Window

    daily, full, *_cases = warehouses
    shutil.copytree(daily.parents[1], tmp_path / "daily")
    upgraded = _settings(tmp_path / "daily")
    con = duckdb.connect(str(upgraded.warehouse_path))
    for column in ("first_survey_business_date", "last_survey_business_date"):
        con.execute(f"alter table marts.fct_cases drop column {column}")
    con.close()
    dbt_build(upgraded, Window(first=LAST, last=LAST))
    assert compare([str(full), str(upgraded.warehouse_path), "--schema", "marts"]) == 0, \
        capsys.readouterr().out
