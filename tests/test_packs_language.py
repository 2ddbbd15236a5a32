"""What a committee preparer reads: refused incomplete periods (exit code 2) and provisional packs,
the benchmark's absence explained, finished French (no code, no English word, no "X s"
placeholder, French number formats, durations as m:ss) and English, in HTML and Excel."""

from __future__ import annotations

import html.parser
import re
import zipfile
from pathlib import Path

import duckdb
import pytest
from packs_fixture import build_fixture_warehouse
from pilotage.cli import main
from pilotage.packs.build import COMMITTEES, build_pack
from pilotage.packs.deliver import write_pack
from pilotage.packs.display import cell_text, duration, text_of
from pilotage.packs.model import Column, Table
from pilotage.settings import PROJECT_ROOT

PERIODS = {"production": "2026-W44", "quality": "2026-10", "calibration": "2026-10",
           "steering": "2026-10", "strategic": "2026-H1"}
# English words a French pack must not show (data the fixture carries in English, such as action
# titles and owners, is not among them)
ENGLISH = ("Service level", "Actual", "Target", "Trend", "Provider", "Feed", "green", "amber", "loaded",
           "missing", "below", "malus of", "bonus of", "days", "answered", "offered", "productivity",
           "workforce", "financial", "Scorecard", "Cover", "Charts", "previous", "against", "moved",
           "within", "Definition", "Abandon", "Handle", "Customer", "Week", "Month")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
PLACEHOLDER = re.compile(r"\b[XY] s\b|\bX %")


class VisibleText(html.parser.HTMLParser):
    """Text a reader sees: outside <style>, and not in elements marked lang="en" (file names and
    the pipeline's reasons, quoted as written)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "style" or ("lang", "en") in attrs and tag != "html":
            self.skip.append(tag)
        elif self.skip and tag == self.skip[-1]:
            self.skip.append(tag)

    def handle_endtag(self, tag):
        if self.skip and tag == self.skip[-1]:
            self.skip.pop()

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible(text: str) -> str:
    parser = VisibleText()
    parser.feed(text)
    return " ".join(parser.parts)


def with_real_catalogue(path: Path) -> None:
    """Replace the fixture's made-up KPI labels by the project's catalogue seed (as dim_kpi holds it)."""
    con = duckdb.connect(str(path))
    try:
        con.execute("delete from marts.dim_kpi")
        con.execute("insert into marts.dim_kpi by name select kpi_id, label_en, label_fr, family, unit, "
                    "cast(is_higher_better as boolean) as is_higher_better, default_variant, variant_var "
                    "from read_csv(?, header=true, all_varchar=true)",
                    [str(PROJECT_ROOT / "dbt_project" / "seeds" / "kpi_catalogue.csv")])
    finally:
        con.close()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    path = build_fixture_warehouse(tmp_path_factory.mktemp("lang") / "fixture.duckdb")
    with_real_catalogue(path)
    return path


@pytest.fixture(scope="module")
def packs(warehouse, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("lang-packs")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        built = {k: build_pack(con, k, p, "PRV_A") for k, p in PERIODS.items()}
    finally:
        con.close()
    return {k: (pack, write_pack(pack, out, ("xlsx", "html"), ("fr", "en"))) for k, pack in built.items()}


def html_of(paths: list[Path], lang: str) -> str:
    return next(p for p in paths if p.name.endswith(f"_{lang}.html")).read_text(encoding="utf-8")


@pytest.fixture
def fixture_env(tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch) -> Path:
    warehouse = build_fixture_warehouse(tmp_path / "wh" / "fixture.duckdb")
    monkeypatch.setenv("PILOTAGE_PUBLISHED", str(warehouse))  # packs read the published copy only
    monkeypatch.setenv("PILOTAGE_PACKS_DIR", str(tmp_path / "packs"))
    return tmp_path / "packs"


# -- 1. errors a preparer understands ------------------------------------------------------------

@pytest.mark.parametrize("period", ["2027-01", "2026-11"])
def test_an_incomplete_period_is_refused_naming_the_last_complete_one(fixture_env, capsys, period):
    # fixture data runs to 2026-11-29: November is not over, January 2027 has not started
    code = main(["pack", "--committee", "steering", "--period", period, "--provider", "PRV_A"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"steering period {period} is not complete" in err and "2026-11-29" in err
    assert "last complete steering period is 2026-10" in err and "--allow-partial" in err
    assert "Traceback" not in err
    assert not (fixture_env / "PRV_A" / "steering" / period).exists()


def test_allow_partial_marks_every_page_and_sheet_provisional(fixture_env, capsys):
    assert main(["pack", "--committee", "steering", "--period", "2026-11", "--provider", "PRV_A",
                 "--allow-partial", "--format", "xlsx", "--format", "html", "--lang", "all"]) == 0
    folder = fixture_env / "PRV_A" / "steering" / "2026-11"
    for lang, word in (("fr", "PROVISOIRE"), ("en", "PROVISIONAL")):
        page = (folder / f"steering_2026-11_PRV_A_{lang}.html").read_text(encoding="utf-8")
        assert f'@top-center {{ content: "{word}"' in page          # every printed page
        assert page.count('class="provisional"') == 2                 # cover and executive page
        with zipfile.ZipFile(folder / f"steering_2026-11_PRV_A_{lang}.xlsx") as z:
            sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
            strings = z.read("xl/sharedStrings.xml").decode()
            for name in sheets:
                xml = z.read(name).decode()
                assert "<oddHeader>" in xml and word in xml, name  # printed header of every sheet
            assert strings.count(word) >= len(sheets)             # and in each sheet's title
    # a complete period is not provisional
    assert main(["pack", "--committee", "steering", "--period", "2026-10", "--provider", "PRV_A",
                 "--format", "html"]) == 0
    page = (fixture_env / "PRV_A" / "steering" / "2026-10" / "steering_2026-10_PRV_A_fr.html").read_text()
    assert "PROVISOIRE" not in page


def test_benchmark_absence_is_explained_with_two_providers(tmp_path):
    path = build_fixture_warehouse(tmp_path / "two.duckdb")
    con = duckdb.connect(str(path))
    # with two providers the benchmark mart publishes no row (its >= 3 providers rule)
    con.execute("delete from marts.mart_steering_monthly where provider_id = 'PRV_C'")
    con.execute("delete from marts.mart_kpi_benchmark")
    pack = build_pack(con, "steering", "2026-10", "PRV_A")
    con.close()
    paths = write_pack(pack, tmp_path / "out", ("html",), ("fr", "en"))
    assert "moins de 3 prestataires ont des données" in visible(html_of(paths, "fr"))
    assert "fewer than 3 providers have data" in visible(html_of(paths, "en"))


# -- 2. finished language --------------------------------------------------------------------------

@pytest.mark.parametrize("committee", list(PERIODS))
def test_french_pack_shows_no_code_no_english_no_placeholder(committee, packs):
    _pack, paths = packs[committee]
    text = visible(html_of(paths, "fr"))
    codes = sorted(set(SNAKE.findall(text)))
    assert codes == [], codes
    english = [w for w in ENGLISH if re.search(rf"\b{re.escape(w)}\b", text)]
    assert english == [], english
    assert not PLACEHOLDER.search(text)
    assert not PLACEHOLDER.search(visible(html_of(paths, "en")))


def test_service_level_label_has_the_queues_real_thresholds(packs):
    _pack, paths = packs["steering"]
    # PRV_A's queues answer within 20 s (voice) and 60 s (chat) in the fixture
    assert "taux de réponse en 20\u00a0s ou 60\u00a0s selon la file" in visible(html_of(paths, "fr"))
    assert "answered within 20\u00a0s or 60\u00a0s by queue" in visible(html_of(paths, "en"))


def test_french_numbers_and_durations_in_tables(packs):
    pack, paths = packs["steering"]
    text = visible(html_of(paths, "fr"))
    score = pack.table("scorecard")
    aht = next(r for r in score.rows if r[score.index("kpi_id")] == "aht_seconds")
    assert duration(aht[score.index("actual")]) in text                 # m:ss, e.g. 6:58
    assert re.search(r"\b\d{1,3},\d\u00a0%", text)                       # 83,0 %
    assert not re.search(r"\b\d+\.\d\u00a0%", text)                      # never 83.0 % in French
    assert re.search(r"\d\u202f\d{3}", visible(html_of(packs["strategic"][1], "fr")))  # 19 268


def test_definitions_feeds_families_and_tiers_are_words():
    assert text_of("acd__agent_intervals", "text", "fr") == "ACD — activité des conseillers par intervalle"
    assert text_of("quality", "text", "fr") == "qualité"
    table = Table("bonus_malus", [Column("kpi_id", "kpi"), Column("unit"), Column("definition_variant"),
                                  Column("band_min", "value"), Column("band_max", "value"),
                                  Column("band_description"), Column("adjustment_pct", "num")],
                  [("csat", "ratio", "top_2_box", None, 0.75, "Satisfaction below 75 %: malus of 1 %", -1.0),
                   ("repeat_rate", "ratio", "7 days", 0.8, 0.85, "x", 0.0)])
    assert cell_text(table, table.rows[0], 5, "fr") == "csat sous 75\u00a0% : malus de 1\u00a0% de la facture"
    assert cell_text(table, table.rows[0], 5, "en") == "csat below 75\u00a0%: malus of 1\u00a0% of the invoice"
    assert cell_text(table, table.rows[1], 5, "fr").endswith("de 80\u00a0% à moins de 85\u00a0% : niveau contractuel")
    assert cell_text(table, table.rows[0], 2, "fr") == "part des notes 4 et 5 sur 5 (top 2)"
    assert cell_text(table, table.rows[1], 2, "fr") == "nouveau contact dans les 7 jours"
    assert cell_text(table, table.rows[1], 2, "en") == "new contact within 7 days"


def test_french_workbook_number_formats(packs):
    _pack, paths = packs["steering"]
    fr = next(p for p in paths if p.name.endswith("_fr.xlsx"))
    with zipfile.ZipFile(fr) as z:
        styles = z.read("xl/styles.xml").decode()
        workbook = z.read("xl/workbook.xml").decode()
    assert 'formatCode="0.0\\ %"' in styles        # 83,0 % in a French Excel
    assert 'formatCode="[m]:ss"' in styles         # AHT as m:ss
    assert "Plan d&apos;actions" in workbook or "Plan d'actions" in workbook


@pytest.mark.parametrize("committee", list(COMMITTEES))
def test_every_committee_has_an_executive_page(committee, packs):
    pack, paths = packs[committee]
    assert pack.executive is not None and pack.executive.tiles
    for lang in ("fr", "en"):
        page = html_of(paths, lang)
        assert page.count('class="tile ') == len(pack.executive.tiles) <= 6
        assert 'id="executive"' in page and "<li>" in page
