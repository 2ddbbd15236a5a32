"""Packs from the command line and from Airflow: `--help` everywhere, `pilotage pack`, the
asset-triggered pack DAGs (parse, shape, trigger, and a real run on a fixture warehouse)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from packs_fixture import build_fixture_warehouse
from pilotage import airflow_local
from pilotage.cli import build_parser, main
from pilotage.settings import PROJECT_ROOT, Settings

PACK_DAGS = {"pilotage_packs_weekly": ("production",),
             "pilotage_packs_monthly": ("quality", "calibration", "steering"),
             "pilotage_packs_semiannual": ("strategic",)}


@pytest.fixture
def fixture_env(tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fixture warehouse as the published copy (PILOTAGE_PUBLISHED) and an empty packs folder."""
    warehouse = build_fixture_warehouse(tmp_path / "wh" / "fixture.duckdb")
    monkeypatch.setenv("PILOTAGE_PUBLISHED", str(warehouse))  # packs read the published copy only
    monkeypatch.setenv("PILOTAGE_PACKS_DIR", str(tmp_path / "packs"))
    return tmp_path / "packs"


def test_every_command_has_help(capsys):
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert "pack" in commands
    for name in [None, *commands]:
        with pytest.raises(SystemExit) as exit_info:
            main(([name] if name else []) + ["--help"])
        assert exit_info.value.code == 0, name
    assert "--committee" in capsys.readouterr().out


def test_pack_command_writes_the_asked_pack(fixture_env, capsys):
    main(["pack", "--committee", "steering", "--period", "2026-10", "--provider", "PRV_A",
          "--format", "xlsx", "--lang", "en"])
    printed = capsys.readouterr().out.split()
    assert printed == [str(fixture_env / "PRV_A" / "steering" / "2026-10" / "steering_2026-10_PRV_A_en.xlsx")]
    assert Path(printed[0]).stat().st_size > 5000


def test_pack_command_defaults_and_errors(fixture_env, capsys, tmp_path):
    out = tmp_path / "elsewhere"
    main(["pack", "--committee", "all", "--provider", "PRV_B", "--format", "csv", "--out", str(out)])
    captured = capsys.readouterr()
    printed = captured.out.split()
    # progress on stderr: the first step and the last one at least (throttled in between)
    assert "packs: 1/10 steps (read, then written)" in captured.err
    assert "packs: 10/10 steps (read, then written)" in captured.err
    # the latest complete period of each committee (fixture data runs to Sunday 2026-11-29)
    assert [Path(p).relative_to(out).parts[:3] for p in printed] == [
        ("PRV_B", "production", "2026-W48"), ("PRV_B", "quality", "2026-10"),
        ("PRV_B", "calibration", "2026-10"), ("PRV_B", "steering", "2026-10"),
        ("PRV_B", "strategic", "2026-H1")]
    for argv, message in [
        (["--committee", "steering", "--period", "2026-W44"], "not of the form"),
        (["--committee", "steering", "--provider", "PRV_Z"], "unknown provider"),
        (["--committee", "steering", "--audience", "supervisors"], "agent-level"),
        (["--committee", "all", "--period", "2026-10"], "single --committee"),
    ]:
        with pytest.raises(SystemExit, match=message):
            main(["pack", *argv])
    main(["pack", "--list"])
    assert "latest complete period: 2026-10" in capsys.readouterr().out


# -- DAGs -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dagbag():
    airflow_local.configure(Settings.from_env())
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(PROJECT_ROOT / "dags"))


def test_pack_dags_are_triggered_by_the_marts_asset(dagbag):
    assert dagbag.import_errors == {}
    outlets = dagbag.dags["pilotage_daily"].get_task("publish_marts").outlets
    marts = next(a for a in outlets if a.name == "pilotage_marts")
    for dag_id in PACK_DAGS:
        dag = dagbag.dags[dag_id]
        condition = dag.timetable.asset_condition
        assert [a.uri for a in condition.objects] == [marts.uri], dag_id  # no cron, no sensor
        assert {"plan", "write"} == {t.task_id for t in dag.tasks}
        assert dag.get_task("write").pool == "default_pool"  # reads the published copy only
        assert dag.get_task("plan").downstream_task_ids == {"write"}
        cadence = dag_id.rsplit("_", 1)[1]
        assert [o.uri for o in dag.get_task("write").outlets] == [f"pilotage://packs/{cadence}"]


def test_pack_dag_file_parses_fast_without_heavy_imports():
    code = (
        "import sys, time, runpy\n"
        "t = time.perf_counter()\n"
        f"runpy.run_path({str(PROJECT_ROOT / 'dags' / 'pilotage_packs.py')!r})\n"
        "elapsed = time.perf_counter() - t\n"
        "heavy = [m for m in ('pandas', 'duckdb', 'numpy', 'matplotlib', 'xlsxwriter',"
        " 'pilotage.packs.build') if m in sys.modules]\n"
        "print(elapsed, heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", "import airflow.sdk\n" + code], capture_output=True,
                         text=True, check=True)
    elapsed, heavy = out.stdout.strip().split(" ", 1)
    assert heavy == "[]" and float(elapsed) < 2.0


@pytest.mark.integration
def test_weekly_pack_dag_writes_due_packs_once(tmp_path, monkeypatch):
    """A real Airflow run: every provider's production pack for the latest complete week, both
    audiences; a second run finds nothing due (packs already handed out are not replaced)."""
    warehouse = build_fixture_warehouse(tmp_path / "wh" / "fixture.duckdb")
    monkeypatch.setenv("PILOTAGE_PUBLISHED", str(warehouse))  # packs read the published copy only
    monkeypatch.setenv("PILOTAGE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PILOTAGE_PACKS_DIR", str(tmp_path / "packs"))
    settings = Settings.from_env()
    airflow_local.ensure_metadata_db(settings)
    dag = airflow_local.load_dag(settings, "pilotage_packs_weekly")
    run = dag.test(run_conf={"langs": ["en"]})
    assert str(run.state).endswith("success")
    written = sorted(str(p.relative_to(tmp_path / "packs")) for p in (tmp_path / "packs").rglob("*.xlsx"))
    assert written == [f"{prv}/production/2026-W48/{sub}production_2026-W48_{prv}{suffix}_en.xlsx"
                       for prv in ("PRV_A", "PRV_B", "PRV_C")
                       for sub, suffix in (("", ""), ("supervisors/", "_supervisors"))]
    again = dag.test(run_conf={"langs": ["en"]})
    mapped = [ti for ti in again.get_task_instances() if ti.task_id == "write"]
    assert str(again.state).endswith("success") and all(str(ti.state).endswith("skipped") for ti in mapped)
