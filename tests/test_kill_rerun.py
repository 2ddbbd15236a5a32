"""A run killed (SIGKILL) at any point, then rerun, publishes what an uninterrupted run does.

Real generator -> land/validate/load -> ``dbt build`` -> publish, in child processes on two small
days (60 contacts a day): day 1 is loaded and published once (module fixture), then the kill test
copies that state, runs day 2 killed at one step after another with ``PILOTAGE_KILL_AT`` (the
child SIGKILLs itself at the named step, see :mod:`pilotage.faults`), reruns day 2 and compares
the published copy and the Parquet export, every mart's rows, with an uninterrupted run's.
The uninterrupted run is watched by two readers of the published copy: one holding its
connection for the whole run, one reconnecting in a loop (as a BI tool refreshing does);
neither gets an error or a half-built mart."""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.integration

DAY1, DAY2 = date(2026, 10, 5), date(2026, 10, 6)

RUN = """
import sys
from datetime import date
from pilotage.ingest import pipeline
from pilotage.settings import Settings
from pilotage.transform import dbt_build
from pilotage.window import Window

settings = Settings.from_env()
day = date.fromisoformat(sys.argv[1])
window = Window(first=day, last=day, time_zone=settings.time_zone)
for source in ("acd", "crm", "wfm", "qa"):
    manifest = pipeline.land(source, window, settings)
    pipeline.load(source, pipeline.validate(source, manifest, settings), settings)
dbt_build(settings, window)
"""

# every mart's (rows, order-independent hash of its rows): equal fingerprints, same content
FINGERPRINT = """
def fingerprint(con):
    tables = [t for (t,) in con.execute("select table_name from information_schema.tables "
                                        "where table_schema = 'marts' order by 1").fetchall()]
    return {t: [int(v) for v in con.execute(
        f'select count(*), coalesce(sum(hash(t)), 0) from marts."{t}" as t').fetchone()]
        for t in tables}
"""

READERS = FINGERPRINT + """
import json, sys
from pathlib import Path
import duckdb

published, stop = sys.argv[1], Path(sys.argv[2])
held = duckdb.connect(published, read_only=True)  # opened before the run, kept all along
print("ready", flush=True)
held_seen, fresh_seen, errors, rounds = [], [], [], 0
while not stop.exists():
    try:
        held_seen.append(fingerprint(held))
        con = duckdb.connect(published, read_only=True)  # a new connection each round
        try:
            fresh_seen.append(fingerprint(con))
        finally:
            con.close()
    except Exception as exc:  # the test asserts there is none
        errors.append(repr(exc))
    rounds += 1
unique = lambda seen: [json.loads(s) for s in sorted({json.dumps(f, sort_keys=True) for f in seen})]
print(json.dumps({"held": unique(held_seen), "fresh": unique(fresh_seen), "errors": errors[:5],
                  "rounds": rounds}), flush=True)
"""

namespace: dict = {}
exec(FINGERPRINT, namespace)
fingerprint = namespace["fingerprint"]


def _run(data: Path, day: date, kill_at: str | None = None, script: str = RUN) -> subprocess.CompletedProcess:
    env = {**os.environ, "PILOTAGE_DATA_DIR": str(data), "PILOTAGE_LANDING_SETTLE_SECONDS": "0"}
    env.pop("PILOTAGE_KILL_AT", None)
    if kill_at:
        env["PILOTAGE_KILL_AT"] = kill_at
    return subprocess.run([sys.executable, "-c", script, day.isoformat()], capture_output=True, text=True,
                          env=env, timeout=900)


def _settings(data: Path):
    from pilotage.settings import Settings

    return Settings.build({"PILOTAGE_DATA_DIR": str(data)})


def _published(data: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(_settings(data).published_path), read_only=True)
    try:
        tables = [t for (t,) in con.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'marts' order by 1").fetchall()]
        return {t: con.execute(f'select * from marts."{t}" order by all').fetchall() for t in tables}
    finally:
        con.close()


def _parquet(data: Path) -> dict[str, list[tuple]]:
    """Every mart's rows read back from the Parquet export (partition column dropped)."""
    folder = _settings(data).published_parquet_dir
    con = duckdb.connect()
    try:
        return {mart.name: con.execute(
            f"select * exclude (year_month) from read_parquet('{mart}/**/*.parquet', "
            "hive_partitioning = true, union_by_name = true) order by all").fetchall()
            if any(p.is_dir() for p in mart.iterdir()) else
            con.execute(f"select * from read_parquet('{mart}/*.parquet') order by all").fetchall()
            for mart in sorted(folder.iterdir())}
    finally:
        con.close()


def _same(a, b) -> bool:
    """Equal values; floats to 1e-9 (DuckDB's parallel sums may order additions differently)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _differences(got: dict[str, list[tuple]], expected: dict[str, list[tuple]]) -> dict[str, list]:
    """Per mart, the first rows that differ (empty when every mart holds the same rows)."""
    out = {}
    for table in sorted(set(got) | set(expected)):
        rows, want = got.get(table, []), expected.get(table, [])
        pairs = [(r, w) for r, w in zip(rows, want, strict=False)
                 if len(r) != len(w) or not all(_same(a, b) for a, b in zip(r, w, strict=True))]
        if pairs or len(rows) != len(want):
            out[table] = [len(rows), len(want), *pairs[:3]]
    return out


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


@pytest.fixture(scope="module")
def day1(tmp_path_factory) -> Path:
    """Both days generated; day 1 loaded, built and published."""
    from pilotage.generator import generate

    data = tmp_path_factory.mktemp("kill") / "base"
    generate(_settings(data).landing_dir, DAY1, DAY2, seed=9, contacts_per_day=60)
    done = _run(data, DAY1)
    assert done.returncode == 0, done.stderr[-3000:]
    return data


@pytest.fixture(scope="module")
def reference(day1, tmp_path_factory) -> dict:
    """Day 2 run uninterrupted from the day-1 state, with the two readers attached all along."""
    data = _copy(day1, tmp_path_factory.mktemp("kill") / "reference")
    published = _settings(data).published_path
    con = duckdb.connect(str(published), read_only=True)
    try:
        before = fingerprint(con)
    finally:
        con.close()
    stop = data.parent / "stop"
    readers = subprocess.Popen([sys.executable, "-c", READERS, str(published), str(stop)],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert readers.stdout.readline().strip() == "ready"
        done = _run(data, DAY2)
    finally:
        stop.touch()
        report = json.loads(readers.stdout.readline())
        readers.wait(timeout=120)
    con = duckdb.connect(str(published), read_only=True)
    try:
        after = fingerprint(con)
    finally:
        con.close()
    return {"run": done, "readers": report, "before": before, "after": after,
            "published": _published(data), "parquet": _parquet(data)}


def test_readers_of_the_published_copy_during_a_whole_run_see_whole_snapshots_only(reference) -> None:
    """The run succeeds; the held connection sees the day-1 marts all along, the reconnecting
    reader only the day-1 or the day-2 marts, each whole; neither gets an error."""
    run, report = reference["run"], reference["readers"]
    assert run.returncode == 0, run.stderr[-3000:]
    assert reference["after"] != reference["before"]
    assert report["errors"] == [] and report["rounds"] > 0
    assert report["held"] == [reference["before"]]
    assert report["fresh"] and all(seen in (reference["before"], reference["after"]) for seen in report["fresh"])


PUBLISH = """
from pilotage.publish import publish
from pilotage.settings import Settings
from pilotage.warehouse import writer_lock

settings = Settings.from_env()
with writer_lock(settings.warehouse_path, settings.lock_timeout_seconds):
    publish(settings)
"""

# One window killed again and again, each kill at a later step, then rerun to the end: a
# pipeline run for the first two kills, the publication alone for the last three (``dbt build``
# is the expensive step, and publication's code is the same whoever calls it).
KILLS = [
    (RUN, "load#2"),  # inside the second entity's raw transaction, the first one committed
    (RUN, "dbt_model#10"),  # dbt building: this process dies, the orphaned dbt runs on
    (PUBLISH, "publish_parquet#3"),  # exporting the new Parquet version
    (PUBLISH, "publish_copy#3"),  # copying the marts into the new published file
    (PUBLISH, "publish_swap"),  # both written in full, not yet renamed
]


def test_a_run_killed_at_each_step_then_rerun_publishes_what_an_uninterrupted_run_does(day1, reference,
                                                                                        tmp_path) -> None:
    data = _copy(day1, tmp_path / "data")
    settings = _settings(data)
    published_before = settings.published_path.read_bytes()
    parquet_before = settings.published_parquet_dir.resolve()
    for script, kill_at in KILLS:
        killed = _run(data, DAY2, kill_at=kill_at, script=script)
        assert killed.returncode == -signal.SIGKILL, (kill_at, killed.stderr[-3000:])
        # killed before the renames: readers still get the day-1 publication, DuckDB and Parquet alike
        assert settings.published_path.read_bytes() == published_before, kill_at
        assert settings.published_parquet_dir.resolve() == parquet_before, kill_at

    rerun = _run(data, DAY2)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert _differences(_published(data), reference["published"]) == {}
    assert _differences(_parquet(data), reference["parquet"]) == {}
    folder = settings.published_path.parent
    assert [p.name for p in folder.iterdir() if ".tmp" in p.name or ".link-" in p.name] == []
    versions = list(folder.glob(f".{settings.published_parquet_dir.name}.2*"))
    assert len(versions) == 2  # the current export and the previous one, nothing left by the kills
