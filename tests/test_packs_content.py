"""Packs on a fixture warehouse shaped like the committee marts' interface: the fixed structure
of each committee's pack, numbers equal to the marts, provider isolation, no customer data,
agent detail only for supervisors, formula injection neutralized, byte-identical re-pulls."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from pathlib import Path

import duckdb
import pytest
from packs_fixture import build_fixture_warehouse
from pilotage.packs.build import COMMITTEES, build_pack
from pilotage.packs.deliver import write_pack

PERIODS = {"production": "2026-W44", "quality": "2026-10", "calibration": "2026-10",
           "steering": "2026-10", "strategic": "2026-H1"}
SHEETS_EN = {  # the fixed sheet structure of each committee's workbook (committee audience)
    "production": ["Cover", "Executive summary", "Charts", "Scorecard", "Daily", "Intervals", "Action plan"],
    "quality": ["Cover", "Executive summary", "Charts", "Scorecard", "QA by section and criterion", "Trend",
                "Action plan"],
    "calibration": ["Cover", "Executive summary", "Charts", "Scorecard", "Evaluator spread", "Trend"],
    "steering": ["Cover", "Executive summary", "Charts", "Scorecard", "Bonus-malus", "Trend",
                 "Anonymous benchmark", "Action plan"],
    "strategic": ["Cover", "Executive summary", "Charts", "Scorecard", "Quarters", "Targets met", "Trend",
                  "Volume forecast", "Anonymous benchmark", "Action plan"],
}
SUPERVISOR_SHEETS = {"production": ["Agents"], "quality": ["Agents"]}
# everything that names or identifies another provider in the fixture
OTHER_PROVIDERS = ("PRV_B", "PRV_C", "Bravo", "Cerise", "RBA", "Rabat", "DKR", "Dakar", "VOICE_SALES",
                   "VOICE_CARE", "b.rba.", "c.dkr.", "qa.bravo", "qa.cerise", "qa.client.02", "T_RBA",
                   "T_DKR", "AP-003", "AP-004", "b.agent", "c.agent")
AGENTS_OF_A = ("a.lys.0001", "a.opo.0002", "a.agent.9999")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    return build_fixture_warehouse(tmp_path_factory.mktemp("packs") / "fixture.duckdb")


@pytest.fixture(scope="module")
def con(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def written(con, tmp_path_factory) -> dict[tuple[str, str], list[Path]]:
    """Every committee's pack for PRV_A, in both languages, every format (and supervisors')."""
    out = tmp_path_factory.mktemp("out")
    result = {}
    for committee, period in PERIODS.items():
        audiences = ["committee"] + (["supervisors"] if COMMITTEES[committee].supervisor_tables else [])
        for audience in audiences:
            pack = build_pack(con, committee, period, "PRV_A", audience=audience)
            result[(committee, audience)] = write_pack(pack, out, langs=("fr", "en"))
    return result


# -- reading the outputs back -----------------------------------------------------------------------

def xlsx_sheets(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())


def xlsx_text(path: Path) -> str:
    """All XML of the workbook (cells, shared strings, charts, tables) as one text."""
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def xlsx_numbers(path: Path, sheet_index: int) -> list[float]:
    with zipfile.ZipFile(path) as z:
        xml = z.read(f"xl/worksheets/sheet{sheet_index}.xml").decode()
    return [float(v) for v in re.findall(r'<c r="[A-Z]+\d+"(?: s="\d+")?><v>([^<]+)</v></c>', xml)]


def read_csv(folder: Path, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((folder / f"{name}.csv").read_text(encoding="utf-8"))))


def outputs(paths: list[Path], suffix: str) -> list[Path]:
    return [p for p in paths if p.suffix == suffix]


def csv_folder(paths: list[Path]) -> Path:
    return next(p for p in paths if p.name == "csv")


# -- structure --------------------------------------------------------------------------------------

@pytest.mark.parametrize("committee", list(PERIODS))
def test_each_committee_has_its_fixed_structure(committee, written):
    paths = written[(committee, "committee")]
    assert sorted(p.name for p in paths) == sorted(
        [f"{committee}_{PERIODS[committee]}_PRV_A_{lang}.{ext}" for lang in ("fr", "en")
         for ext in ("xlsx", "html")] + ["csv"])
    en = next(p for p in paths if p.name.endswith("_en.xlsx"))
    assert xlsx_sheets(en) == SHEETS_EN[committee]
    fr = next(p for p in paths if p.name.endswith("_fr.xlsx"))
    assert xlsx_sheets(fr)[0] == "Couverture" and len(xlsx_sheets(fr)) == len(SHEETS_EN[committee])
    tables = {t.key for t in build_pack_cached(committee).tables}
    assert {p.stem for p in csv_folder(paths).iterdir()} == tables | {"cover", "freshness", "data_issues"}
    text = xlsx_text(en)
    assert text.count("<c:chart ") or "<c:chartSpace" in text  # native charts
    assert "conditionalFormatting" in text                      # RAG colouring
    assert "<tableColumns" in text                              # formatted Excel tables
    if committee in SUPERVISOR_SHEETS:
        sup = next(p for p in written[(committee, "supervisors")] if p.name.endswith("_en.xlsx"))
        assert xlsx_sheets(sup) == SHEETS_EN[committee] + SUPERVISOR_SHEETS[committee]
        assert sup.parent.name == "supervisors"


_CACHE: dict = {}


def build_pack_cached(committee: str):
    return _CACHE[committee]


@pytest.fixture(scope="module", autouse=True)
def _packs(con):
    for committee, period in PERIODS.items():
        _CACHE[committee] = build_pack(con, committee, period, "PRV_A")


def test_production_charts_cover_service_level_and_volumes(written):
    en = next(p for p in written[("production", "committee")] if p.name.endswith("_en.xlsx"))
    text = xlsx_text(en)
    # one service-level and one volume chart per queue of the provider (2 queues)
    assert text.count("Service level by day vs target") == 2
    assert text.count("Offered volumes vs forecast") == 2
    html = next(p for p in written[("production", "committee")] if p.name.endswith("_en.html")).read_text()
    assert html.count("<svg") == 4 and "@page" in html


# -- numbers ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("committee", list(PERIODS))
def test_scorecard_numbers_equal_the_mart(committee, con, written):
    mart = COMMITTEES[committee].mart
    expected = con.execute(
        f"select kpi_id, actual, target_value, rag_status from {mart} "
        "where provider_id = 'PRV_A' and period_label = ? "
        + ("and period_grain = 'half_year' " if committee == "strategic" else "")
        + ("and agent_id is null and breakdown_type = 'total' " if committee == "quality" else ""),
        [PERIODS[committee]]).fetchall()
    rows = read_csv(csv_folder(written[(committee, "committee")]), "scorecard")
    got = [(r["kpi_id"], float(r["actual"]), float(r["target_value"]) if r["target_value"] else None,
            r["rag_status"]) for r in rows]
    assert len(got) == len(expected) > 0
    for g, e in zip(sorted(got, key=str), sorted(expected, key=str), strict=True):
        assert g[0] == e[0] and g[3] == e[3]
        assert g[1] == pytest.approx(e[1], abs=1e-6)
        assert (g[2] is None and e[2] is None) or g[2] == pytest.approx(e[2], abs=1e-6)
    # the workbook holds the same actual values, unrounded
    en = next(p for p in written[(committee, "committee")] if p.name.endswith("_en.xlsx"))
    numbers = xlsx_numbers(en, 4)  # sheet 4 = scorecard
    for kpi, actual, *_ in expected:
        # durations are stored as a fraction of a day, so that Excel shows them as m:ss
        stored = actual / 86400 if kpi.endswith("_seconds") else actual
        assert any(abs(n - stored) < 1e-12 for n in numbers), actual


def test_daily_numbers_equal_the_production_daily_mart(con, written):
    rows = read_csv(csv_folder(written[("production", "committee")]), "daily")
    expected = con.execute(
        "select queue_name, business_date, offered, service_level from marts.mart_production_daily "
        "where provider_id = 'PRV_A' and business_date between '2026-10-26' and '2026-11-01' "
        "order by queue_name, business_date").fetchall()
    assert len(rows) == len(expected) == 14
    for r, (queue, day, offered, sl) in zip(rows, expected, strict=True):
        assert r["queue_name"].lstrip("'") == queue and r["business_date"] == day.isoformat()
        assert int(r["offered"]) == offered and float(r["service_level"]) == pytest.approx(sl, abs=1e-6)


@pytest.mark.parametrize(("committee", "mart", "period_start"), [
    ("production", "marts.mart_production_agents_weekly", "2026-10-26"),
    ("quality", "marts.mart_quality_agents_monthly", "2026-10-01"),
])
def test_agent_tables_equal_the_agent_marts(committee, mart, period_start, con, written):
    rows = read_csv(csv_folder(written[(committee, "supervisors")]), "agents")
    names = list(rows[0])
    expected = con.execute(f"select {', '.join(names)} from {mart} where provider_id = 'PRV_A' "
                           "and period_start = ? order by agent_id", [period_start]).fetchall()
    assert len(rows) == len(expected) == 2
    for row, values in zip(rows, expected, strict=True):
        for name, value in zip(names, values, strict=True):
            if isinstance(value, str):
                assert row[name] == value
            else:
                assert float(row[name]) == pytest.approx(value, abs=1e-6), name


def test_cover_freshness_equals_the_load_status_mart(con, written):
    rows = read_csv(csv_folder(written[("quality", "committee")]), "freshness")
    expected = con.execute(
        "select feed_id, count(case when load_status = 'loaded' then 1 end), "
        "count(case when load_status = 'missing' then 1 end), "
        "count(case when load_status = 'quarantined' then 1 end) from marts.mart_pipeline_load_status "
        "where business_date between '2026-10-01' and '2026-10-31' group by 1 order by 1").fetchall()
    assert [(r["entity"], int(r["days_loaded"]), int(r["days_missing"]), int(r["days_quarantined"]))
            for r in rows] == expected
    assert {r["days_not_processed"] for r in rows} == {"0"}


def test_trend_recombines_components_never_averages_rates(con, written):
    rows = read_csv(csv_folder(written[("quality", "committee")]), "trend")
    october = next(r for r in rows if r["period"] == "2026-10" and r["kpi_id"] == "critical_error_rate")
    # the provider has two sites and no provider-total row: the site rows (team 'ALL') are pooled,
    # never summed with their teams' rows, never averaged
    (expected,) = con.execute(
        "select sum(numerator) / sum(denominator) from marts.mart_quality_monthly where provider_id = "
        "'PRV_A' and period_label = '2026-10' and kpi_id = 'critical_error_rate' and team_id = 'ALL' "
        "and breakdown_type = 'total' and agent_id is null").fetchone()
    assert float(october["actual"]) == pytest.approx(expected, abs=1e-6)
    # the steering mart has provider totals (site 'ALL'): the trend takes them as they are
    steering = read_csv(csv_folder(written[("steering", "committee")]), "trend")
    sl = next(r for r in steering if r["period"] == "2026-10" and r["kpi_id"] == "service_level")
    (total,) = con.execute("select actual from marts.mart_steering_monthly where provider_id = 'PRV_A' "
                           "and period_label = '2026-10' and kpi_id = 'service_level' "
                           "and site_id = 'ALL'").fetchone()
    assert float(sl["actual"]) == pytest.approx(total, abs=1e-6)


def test_cover_states_freshness_definitions_and_flags_bad_days(written):
    folder = csv_folder(written[("quality", "committee")])
    cover = {r["key"]: r["value"] for r in read_csv(folder, "cover")}
    assert cover["data_as_of"] == "2026-10-31" and cover["days_expected"] == "31"
    assert cover["days_included"] == "29"  # one missing, one quarantined day
    assert cover["service_level_variant"] == "genesys_excl_short"
    assert cover["sources"] == "acd;crm;qa;wfm" and len(cover["fingerprint"]) == 64
    issues = read_csv(folder, "data_issues")
    assert [(r["business_date"], r["entity"], r["status"]) for r in issues] == [
        ("2026-10-14", "crm__surveys", "missing"), ("2026-10-20", "acd__contacts", "quarantined")]
    assert issues[1]["message"].startswith("'-rule")  # text from the log is neutralized too
    html = next(p for p in written[("quality", "committee")] if p.name.endswith("_fr.html")).read_text()
    assert "Données arrêtées au" in html and "2026-10-20" in html and "quarantaine" in html


# -- confidentiality ----------------------------------------------------------------------------------

def _all_text(paths: list[Path]) -> str:
    parts = []
    for p in paths:
        if p.is_dir():
            parts += [f.read_text(encoding="utf-8") for f in sorted(p.iterdir())]
        elif p.suffix == ".xlsx":
            parts.append(xlsx_text(p))
        else:
            parts.append(p.read_text(encoding="utf-8"))
    return "\n".join(parts)


@pytest.mark.parametrize("key", [(c, "committee") for c in PERIODS]
                         + [(c, "supervisors") for c in SUPERVISOR_SHEETS])
def test_a_providers_pack_holds_nothing_of_another_provider(key, written):
    text = _all_text(written[key])
    leaks = [token for token in OTHER_PROVIDERS if token in text]
    assert leaks == [], f"{key} pack of PRV_A mentions {leaks}"
    assert "jane.doe@example.com" not in text and "customer" not in text.lower()


def test_benchmark_is_the_anonymous_mart_with_three_providers(con, written):
    rows = read_csv(csv_folder(written[("steering", "committee")]), "benchmark")
    assert rows and set(rows[0]) == {"kpi_id", "unit", "providers", "benchmark_mean", "benchmark_median"}
    assert all(r["providers"] == "3" for r in rows)
    expected = con.execute(
        "select kpi_id, providers, benchmark_mean, benchmark_median from marts.mart_kpi_benchmark "
        "where committee = 'steering' and period_start = '2026-10-01' and providers >= 3 "
        "order by kpi_id").fetchall()
    assert [(r["kpi_id"], int(r["providers"])) for r in rows] == [(k, n) for k, n, *_ in expected]
    for r, (_k, _n, mean, median) in zip(rows, expected, strict=True):
        assert float(r["benchmark_mean"]) == pytest.approx(mean, abs=1e-6)
        assert float(r["benchmark_median"]) == pytest.approx(median, abs=1e-6)
    # a row of the mart with fewer than 3 providers (the fixture breaks the mart's rule) is not shown
    assert "occupancy" not in {r["kpi_id"] for r in rows}
    strategic = read_csv(csv_folder(written[("strategic", "committee")]), "benchmark")
    assert {r["kpi_id"] for r in strategic} == {"service_level", "qa_score", "csat", "cost_per_contact"}


def test_agent_detail_only_in_supervisors_packs(written):
    for committee in PERIODS:
        text = _all_text(written[(committee, "committee")])
        assert not [a for a in AGENTS_OF_A if a in text], committee
    production = _all_text(written[("production", "supervisors")])
    assert "a.lys.0001" in production and "a.opo.0002" in production
    assert "a.lys.0001" in _all_text(written[("quality", "supervisors")])


# -- safety and determinism ------------------------------------------------------------------------------

def test_formula_injection_is_neutralized_everywhere(written):
    paths = written[("production", "committee")]
    daily = (csv_folder(paths) / "daily.csv").read_text()
    assert "'=HYPERLINK" in daily and not re.search(r'(^|,)"?=HYPERLINK', daily, re.M)
    plan = (csv_folder(paths) / "action_plan.csv").read_text()
    assert "'=cmd|" in plan
    for xlsx in outputs(paths, ".xlsx"):
        with zipfile.ZipFile(xlsx) as z:
            strings = z.read("xl/sharedStrings.xml").decode()
            sheets = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
        texts = re.findall(r"<t(?: [^>]*)?>([^<]*)</t>", strings)
        assert not [t for t in texts if t[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert "'=HYPERLINK" in strings.replace("&quot;", '"')
        assert "<f>" not in sheets  # no cell holds a formula (RAG colours are conditional formats)


def test_pulling_the_same_period_twice_gives_identical_files(con, tmp_path):
    def pull(folder: Path) -> dict[str, str]:
        pack = build_pack(con, "steering", "2026-10", "PRV_A")
        write_pack(pack, folder, langs=("fr", "en"))
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    first, second = pull(tmp_path / "one"), pull(tmp_path / "two")
    assert first == second and len(first) > 8


def test_unknown_inputs_are_refused(con):
    with pytest.raises(ValueError, match="unknown provider"):
        build_pack(con, "steering", "2026-10", "PRV_Z")
    with pytest.raises(ValueError, match="form"):
        build_pack(con, "steering", "2026-W44", "PRV_A")
    with pytest.raises(ValueError, match="agent-level"):
        build_pack(con, "steering", "2026-10", "PRV_A", audience="supervisors")
    with pytest.raises(ValueError, match="unknown committee"):
        build_pack(con, "board", "2026-10", "PRV_A")


def test_structure_holds_when_marts_are_missing(warehouse, tmp_path):
    """Before (or without) a committee mart, the pack keeps its sheets, empty, with a note."""
    import shutil

    copy = tmp_path / "no_marts.duckdb"
    shutil.copy(warehouse, copy)
    con = duckdb.connect(str(copy))
    for committee in COMMITTEES.values():
        con.execute(f"drop table {committee.mart}")
    for committee, period in PERIODS.items():
        pack = build_pack(con, committee, period, "PRV_A")
        paths = write_pack(pack, tmp_path / "out", ("xlsx",), ("en",))
        assert xlsx_sheets(paths[0]) == SHEETS_EN[committee]
        assert pack.table("scorecard").rows == [] and pack.table("scorecard").note == "note_mart_missing"
    con.close()


def test_cover_counts_suspect_days_and_shows_the_gates_warnings(tmp_path):
    """A suspect delivery (held back by the shrink gate) and loaded days carrying the volume and
    time-zone offset warnings, as ``mart_pipeline_load_status`` holds them: the freshness table
    counts the suspect day, the issues list shows all three, in French and English words."""
    path = build_fixture_warehouse(tmp_path / "gates.duckdb")
    con = duckdb.connect(str(path))
    try:
        con.execute("update marts.mart_pipeline_load_status set load_status = 'suspect', message = "
                    "'schedules_20261022.csv is empty the 155 row(s) loaded for that day (below 50%)' "
                    "where feed_id = 'wfm__schedules' and business_date = '2026-10-22'")
        con.execute("update marts.mart_pipeline_load_status set message = 'volume: 1500 row(s) is 10x "
                    "the median (150) of the same weekday over the last 28 days (usual range 0.33x..3x)' "
                    "where feed_id = 'acd__contacts' and business_date = '2026-10-08'")
        con.execute("update marts.mart_pipeline_load_status set message = 'a rule warning; offsets: "
                    "cases_20261009.csv has 12 timestamp(s) whose UTC offset is not the center''s' "
                    "where feed_id = 'crm__cases' and business_date = '2026-10-09'")
        con.execute("update marts.mart_pipeline_load_status set message = 'a rule warning only' "
                    "where feed_id = 'crm__cases' and business_date = '2026-10-10'")
        pack = build_pack(con, "quality", "2026-10", "PRV_A")
    finally:
        con.close()
    paths = write_pack(pack, tmp_path / "out", formats=("csv", "html"), langs=("fr", "en"))
    folder = csv_folder(paths)
    freshness = {r["entity"]: r for r in read_csv(folder, "freshness")}
    assert freshness["wfm__schedules"]["days_suspect"] == "1"
    assert freshness["wfm__schedules"]["days_loaded"] == "30"
    assert {r["days_suspect"] for e, r in freshness.items() if e != "wfm__schedules"} == {"0"}
    issues = [(r["business_date"], r["entity"], r["status"]) for r in read_csv(folder, "data_issues")]
    assert issues == [("2026-10-08", "acd__contacts", "loaded_with_warning"),
                      ("2026-10-09", "crm__cases", "loaded_with_warning"),
                      ("2026-10-14", "crm__surveys", "missing"), ("2026-10-20", "acd__contacts", "quarantined"),
                      ("2026-10-22", "wfm__schedules", "suspect")]
    html = {lang: next(p for p in paths if p.name.endswith(f"_{lang}.html")).read_text() for lang in ("fr", "en")}
    assert "Jours suspects" in html["fr"] and "livraison retenue" in html["fr"]
    assert "chargé avec avertissement" in html["fr"] and "volume: 1500 row(s)" in html["fr"]
    assert "Days suspect" in html["en"] and "delivery held back" in html["en"]
    assert "loaded with a warning" in html["en"] and "offsets: cases_20261009.csv" in html["en"]
