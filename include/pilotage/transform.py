"""Run the dbt project against the warehouse (``dbt build`` for a window of business days)."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from pilotage import hash_key, seed_state, unbuilt_days
from pilotage.center import dbt_vars, stage_seeds
from pilotage.faults import checkpoint
from pilotage.progress import Progress
from pilotage.publish import publish
from pilotage.settings import Settings, subprocess_env
from pilotage.warehouse import writer_lock
from pilotage.window import Window

log = logging.getLogger("pilotage.transform")

# Surveys and evaluations about a contact can arrive a few days after it: a run rebuilds the
# marts for its own days plus this many days before them.
LATE_ARRIVAL_DAYS = 7


# dbt's summary names each failing node: "Failure in test <name> (<path>)", "Error in model ..."
FAILURE_LINE = re.compile(r"\b(Failure|Error) in (test|model|unit_test|seed|snapshot) ")
# dbt's result line of a node: "12 of 460 OK created sql table model ..." (progress reporting)
NODE_DONE = re.compile(r"\b(\d+) of (\d+) (OK|PASS|WARN|ERROR|FAIL|SKIP)\b")
MODEL_BUILT = re.compile(r"\bOK created sql \w+ model ")


class DbtError(RuntimeError):
    """dbt exited non-zero; the message carries its summary lines, ``seeds`` whether the build
    loaded the seeds."""

    def __init__(self, message: str, seeds: seed_state.Plan | None = None) -> None:
        super().__init__(message)
        self.seeds = seeds


# dbt's own log file (<data>/dbt/logs/dbt.log) keeps info events unless the environment says otherwise
DBT_FILE_LOG_LEVEL = "info"


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


# The production build leaves out dbt's unit tests: they test the SQL, not the day's data, and run
# in `make test` (tests/test_dbt_*); the data tests still run.
PRODUCTION_FLAGS = ("--exclude-resource-type", "unit_test")
# A window build also leaves out the data tests tagged repeated_in_marts: each repeats, on an
# intermediate view, a test that the mart built from that view runs on the same rows (a failure
# still fails the build, at the mart, before anything is published); a full build runs both.
WINDOW_FLAGS = ("--exclude", "tag:repeated_in_marts")


def dbt_build_command(settings: Settings, extra_args: list[str] | None = None) -> list[str]:
    """The production ``dbt build`` command line: the center's vars (local_time_zone,
    site_time_zones, delivered_entities: the same every run, so dbt's partial parse is kept), unit
    tests left out (:data:`PRODUCTION_FLAGS`), then ``extra_args`` (e.g. ``--select``). The
    window goes in the environment: :func:`window_env`."""
    project = settings.dbt_project_dir
    variables = dbt_vars(settings.center(), settings.time_zone)
    return [dbt_executable(), "build", "--project-dir", str(project), "--profiles-dir", str(project),
            "--vars", json.dumps(variables, sort_keys=True), *PRODUCTION_FLAGS, *(extra_args or [])]


def window_env(window: Window | None, late_days: int = LATE_ARRIVAL_DAYS) -> dict[str, str]:
    """Env vars of the build's business-date window (read by the dbt macro business_date_bounds):
    the window moved back by ``late_days``, and the first day whose raw the run's loads can have
    changed, the window's own first day (macro raw_changed_bounds: the staging tables re-rank
    only the keys of those days; :func:`dbt_build` passes a window starting at the earliest day
    loaded but not yet built, :mod:`pilotage.unbuilt_days`); empty values (every date) without a
    window."""
    if window is None:
        return {"PILOTAGE_DBT_DATE_FROM": "", "PILOTAGE_DBT_DATE_TO": "", "PILOTAGE_DBT_CHANGED_FROM": ""}
    return {"PILOTAGE_DBT_DATE_FROM": (window.first - timedelta(days=late_days)).isoformat(),
            "PILOTAGE_DBT_DATE_TO": window.last.isoformat(),
            "PILOTAGE_DBT_CHANGED_FROM": window.first.isoformat()}


def window_flags(own: Window | None) -> tuple[str, ...]:
    """dbt flags of a build of ``own`` days: :data:`WINDOW_FLAGS` for a window, none for a full
    build (every date)."""
    return WINDOW_FLAGS if own is not None else ()


def center_seeds_dir(settings: Settings) -> Path:
    """Where the center's CSVs are staged as dbt seeds (outside the project)."""
    return settings.data_dir / "dbt" / "center_seeds"


def dbt_env(settings: Settings, key: str, window: Window | None = None,
            late_days: int = LATE_ARRIVAL_DAYS) -> dict[str, str]:
    """The environment of a dbt process on the DuckDB file: its path, the window
    (:func:`window_env`), the staged center seeds, DuckDB's memory cap and spill folder (read by
    ``profiles.yml``), the customer hash key ``key``, and where dbt writes its target and logs (its file log at
    :data:`DBT_FILE_LOG_LEVEL` unless the environment sets ``DBT_LOG_LEVEL_FILE``)."""
    return subprocess_env({"PILOTAGE_WAREHOUSE": str(settings.warehouse_path), **window_env(window, late_days),
                           "PILOTAGE_DBT_CENTER_SEEDS": str(center_seeds_dir(settings)),
                           **settings.duckdb_env(),
                           # the customer hash key: read by the dbt-duckdb plugin, scrubbed from dbt's logs
                           hash_key.DBT_ENV_VAR: key}, defaults={
        "DBT_TARGET_PATH": str(settings.data_dir / "dbt" / "target"),
        "DBT_LOG_PATH": str(settings.data_dir / "dbt" / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        # dbt's file log at info: a line per node (start, result, time), not the debug events
        # (each SQL statement, BEGIN/ROLLBACK, connection reuse), whose formatting costs ~3 ms a
        # node; DBT_LOG_LEVEL_FILE=debug in the environment brings them back
        "DBT_LOG_LEVEL_FILE": DBT_FILE_LOG_LEVEL,
    }, drop=(hash_key.ENV_VAR,))


def dbt_build(settings: Settings, window: Window | None = None, extra_args: list[str] | None = None,
              late_days: int = LATE_ARRIVAL_DAYS, publish_marts: bool = True) -> seed_state.Plan:
    """``dbt build``; with a window, its dates (inclusive, :func:`window_env`) so incremental marts
    rebuild only those business days (``date_from`` moved back by ``late_days`` for late survey
    answers and evaluations); without, every day. The center folder gives the seeds (staged
    under ``<data>/dbt/center_seeds``) and the vars local_time_zone, site_time_zones and
    delivered_entities.
    Output is streamed to the log. Holds the warehouse writer lock. When dbt exits 0 (models
    built, tests passed) the marts are published (:func:`pilotage.publish.publish`); otherwise
    :class:`DbtError` names the failing nodes and the last published copy stays untouched.
    ``publish_marts=False`` leaves publication to the caller (the DAG publishes once every dbt
    group is green, :mod:`pilotage.dbt_groups`).
    On DuckDB the seeds and their seed-only tests are left out when nothing that determines them
    changed since the last build that loaded them (:mod:`pilotage.seed_state`); the returned plan
    says which. The server warehouse loads them every build.
    Raw days loaded but not yet built (:mod:`pilotage.unbuilt_days`: a failed build, or a load
    wider than its build) up to the window's last day widen its own days back to the earliest of
    them; a build that selects no nodes and exits 0 removes the days it built from that ledger."""
    center = settings.center()
    # the center's CSVs as seeds, staged outside the project (a missing optional one empty)
    seeds = center_seeds_dir(settings)
    project = settings.dbt_project_dir
    cmd = dbt_build_command(settings, extra_args)
    key, _where = hash_key.resolve(settings)
    env = dbt_env(settings, key, window, late_days)
    if settings.warehouse_url:  # the server warehouse: target postgres, published by schema swap
        from pilotage import server_publish

        cmd += ["--target", server_publish.TARGET]
        env.update(server_publish.dbt_env(settings.warehouse_url, key))
        server_publish.prepare(settings.warehouse_url)
        guard = server_publish.build_lock(settings.warehouse_url)
    else:
        guard = writer_lock(settings.warehouse_path, settings.lock_timeout_seconds)
    tail: list[str] = []
    failures: list[str] = []
    progress = Progress("dbt build", 0, "nodes")
    days = f" for {window.first}..{window.last}" if window is not None else ""
    progress.start(f"starting: parsing the project{days}")
    # on DuckDB dbt holds the file lock too: if this process is killed, the next writer waits for
    # the orphaned dbt to exit instead of failing on DuckDB's file lock
    with guard as lock_fd:
        unbuilt = unbuilt_days.pending(settings)
        own = unbuilt_days.own_days(window, unbuilt)
        if own is not None and own != window:
            log.info("raw loaded but not yet built from %s on: this build's own days are %s..%s",
                     own.first, own.first, own.last)
        env.update(window_env(own, late_days))
        cmd += window_flags(own)
        stage_seeds(center, seeds)
        if settings.warehouse_url:
            plan = seed_state.Plan(True, "the server warehouse loads them every build")
        else:
            plan = seed_state.plan(settings.warehouse_path, project, seeds, cmd[cmd.index("--vars") + 1],
                                   extra_args or ())
        cmd += plan.args
        log.info(plan.describe())
        log.info("running: %s", " ".join(cmd))
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=env, cwd=project,
                                pass_fds=(lock_fd,) if lock_fd is not None else ())
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip()
            log.info("dbt | %s", line)
            tail = (tail + [line])[-30:]
            if FAILURE_LINE.search(line) and line not in failures:
                failures.append(line)
            if MODEL_BUILT.search(line):
                checkpoint(settings, "dbt_model")
            done = NODE_DONE.search(line)
            if done:  # one result line per node; threads finish them out of order
                progress.set_total(int(done.group(2)))
                progress.advance()
            elif not progress.total and line.strip():  # before the first node: parsing
                progress.note(line.split("  ", 1)[-1].strip()[:100])  # dbt's own words, throttled
        code = proc.wait()
        if code == 0 and not settings.warehouse_url:
            seed_state.record(settings.warehouse_path, plan)
        if code == 0 and not seed_state.selects_nodes(extra_args or ()):
            unbuilt_days.clear(settings, unbuilt_days.built(own, unbuilt))
        if code == 0 and publish_marts:
            publish_built(settings)
    if code != 0:
        kept = ("the published schema marts is left as it was" if settings.warehouse_url
                else f"the published copy {settings.published_path} is left as it was"
                if settings.published_path.exists() else "nothing was published")
        log.error("dbt build failed (exit %d): %s", code, kept)
        failing = "".join(f"\n  {line.strip()}" for line in failures)
        raise DbtError(f"dbt build failed (exit {code}); {kept}. Failing:{failing or ' see below'}\n"
                       + "\n".join(tail), seeds=plan)
    return plan


def publish_built(settings: Settings) -> None:
    """Publish what the last dbt build made: the DuckDB copy (and Parquet), or the server
    warehouse's ``marts`` schema swap, then the Parquet export of the marts it swapped in."""
    if settings.warehouse_url:
        from pilotage import server_parquet, server_publish

        server_publish.publish(settings.warehouse_url)
        version = server_parquet.export(settings, settings.warehouse_url, server_publish.PUBLISHED)
        log.info("exported the published marts as Parquet to %s -> %s", settings.published_parquet_dir,
                 version.name)
    else:
        publish(settings)
