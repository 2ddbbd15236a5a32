"""The bench's arithmetic and tables (figures are printed by ``make bench``, never asserted)."""

from __future__ import annotations

from datetime import date

from pilotage.bench.airflow_run import RunResult, Step
from pilotage.bench.cli import Measures, goals, runs_table
from pilotage.bench.plan import FULL, QUICK
from pilotage.bench.report import GIB, Goal, fmt, goals_table, ratio, table


def test_formats_and_ratios():
    assert fmt(12.345, "s") == "12.3 s" and fmt(1.049, "x") == "x1.05" and fmt(None, "s") == "n/a"
    assert fmt(1.5, "GiB") == "1.50 GiB"
    assert ratio(3.0, 2.0) == 1.5 and ratio(None, 2.0) is None and ratio(3.0, 0) is None


def test_goals_table_says_met_missed_or_not_measured():
    text = goals_table([Goal("a", 5.0, 10, "s"), Goal("b", 1.2, 1.1, "x"), Goal("c", None, 2, "GiB")])
    lines = text.splitlines()
    assert [c.strip() for c in lines[0].split("|")[1:-1]] == ["goal", "measured", "bound", "met?"]
    assert "| 5.0 s " in lines[2] and lines[2].rstrip().endswith("met          |")
    assert "x1.20" in lines[3] and "MISSED" in lines[3]
    assert "n/a" in lines[4] and "not measured" in lines[4]
    assert len({len(line) for line in lines}) == 1  # columns aligned


def test_table_with_no_rows_has_its_header():
    assert table(["a", "bb"], []).splitlines() == ["| a | bb |", "|---|----|"]


def test_plan_days_follow_each_other_and_volumes_alternate():
    for plan in (QUICK, FULL):
        days = plan.days()
        short, long = days["short"], days["long"]
        assert (short[1] - short[0]).days + 1 == plan.short_days
        chain = [short[1], *days["short_daily"], long[0]]
        assert all((b - a).days == 1 for a, b in zip(chain, chain[1:], strict=False))
        assert (days["long_daily"][0] - short[0]).days == plan.long_days
        weekdays = [d.weekday() for d in (*days["short_daily"], *days["long_daily"])]
        assert max(weekdays) <= 3 and days["short_daily"][0].weekday() == days["long_daily"][0].weekday()
    assert [FULL.volume_of(i, on_long=False) for i in range(4)] == [1_000, 100_000, 1_000, 100_000]
    # the small center: its own history at the low volume, its daily runs on the low runs' days
    small = FULL.days()
    assert (small["small"][1] - small["small"][0]).days + 1 == FULL.small_days
    assert small["small"][1] == small["short"][1] and small["small_daily"] == small["short_daily"][::2]
    assert {FULL.volume_of(i, on_long=False) for i in range(0, 4, 2)} == {FULL.low}
    assert QUICK.days()["small"] is None and QUICK.days()["small_daily"] == []
    assert {QUICK.volume_of(i, on_long=True) for i in range(2)} == {QUICK.low}


def _run(label: str, wall: float, validate: float = 0.0, peak: float = 1.0) -> RunResult:
    day = date(2025, 9, 1)
    return RunResult(label, day, day, wall, int(peak * GIB),
                     [Step("validate_acd", validate, int(peak * GIB)), Step("dbt_build", 2.0, 0),
                      Step("dbt.staging", 0.5, 0), Step("dbt.marts_quality", 0.25, 0),
                      Step("publish_marts", 0.75, 0)])


def test_goals_take_medians_marginal_and_ratios_from_the_runs():
    m = Measures(QUICK, raw_query=2.0, runs=[
        _run("rebuild 2 d x 1,000", 20.0, peak=3.0), _run("daily 1,000 on short", 10.0),
        _run("daily 10,000 on short", 16.0, validate=4.0), _run("history load 25 d x 1,000", 40.0),
        _run("daily 1,000 on long", 11.0)])
    fixed, high, marginal, history, rebuild, year, daily_peak, rebuild_peak = goals(m)
    assert (fixed.measured, high.measured, marginal.measured) == (10.0, 16.0, 6.0)
    assert abs(history.measured - 1.1) < 1e-9 and rebuild.measured == 10.0 and not rebuild.met
    assert year.measured == 40.0 and "26 d x 1,000" in year.what
    assert (daily_peak.measured, rebuild_peak.measured) == (1.0, 3.0)
    assert "| 25 %" in runs_table(m).splitlines()[4]  # validation's share of the 16 s run
    header, *_ = runs_table(m).splitlines()
    cells = [c.strip() for c in runs_table(m).splitlines()[4].split("|")]
    assert "dbt folder tasks s" in header and "publish s" in header
    assert cells[8:10] == ["0.8", "0.8"]  # the two folder tasks summed (0.75), publication


def test_full_mode_takes_the_fixed_cost_from_the_small_center():
    """On the full plan the fixed-cost goal is the low run on the small center; the low run on the
    large short history stays beside it, under the same bound, and the marginal is still taken
    on the large history (100 k - 1 k on the same warehouse)."""
    m = Measures(FULL, raw_query=2.0, runs=[
        _run("rebuild 28 d x 100,000", 200.0), _run("daily 1,000 on short", 80.0),
        _run("daily 100,000 on short", 92.0), _run("daily 1,000 on short", 84.0),
        _run("daily 100,000 on short", 90.0), _run("daily 1,000 on small", 41.0),
        _run("daily 1,000 on small", 45.0)])
    fixed, low_large, high, marginal, *_ = goals(m)
    assert fixed.what == "fixed cost: daily run, 1,000/day, on 28 d x 1,000" and fixed.measured == 43.0
    assert "on 28 d x 100,000" in low_large.what and low_large.measured == 82.0 and low_large.limit == 30
    assert (high.measured, marginal.measured) == (91.0, 9.0)


def test_raw_query_reads_the_configured_center_and_a_generated_day(tmp_path):
    """The bench's raw query runs on generated files with the center's queue list (it once read
    the queues from dbt's seeds folder after they had moved to the center folder)."""
    from pilotage.bench.cli import queues_file
    from pilotage.bench.rawquery import raw_kpis
    from pilotage.generator import generate
    from pilotage.settings import Settings

    settings = Settings.build({"PILOTAGE_DATA_DIR": str(tmp_path / "data")})
    assert queues_file(settings).is_file()
    generate(settings.landing_dir, date(2025, 9, 1), date(2025, 9, 1), seed=1, contacts_per_day=200)
    files = [settings.landing_dir / "acd" / "contacts_20250901.jsonl"]
    seconds, rows = raw_kpis(files, queues_file(settings))
    assert seconds >= 0
    assert sum(row[2] for row in rows) > 0
    assert all(row[3] <= row[2] and row[5] <= row[3] for row in rows)  # answered, within SL
