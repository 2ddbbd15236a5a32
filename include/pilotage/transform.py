"""Run the dbt project against the warehouse (``dbt build`` for a window of business days)."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from pilotage import hash_key
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


class DbtError(RuntimeError):
    """dbt exited non-zero; the message carries its summary lines."""


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


# The production build leaves out dbt's unit tests: they test the SQL, not the day's data, and run
# in `make test` (tests/test_dbt_*); the data tests still run.
PRODUCTION_FLAGS = ("--exclude-resource-type", "unit_test")


def dbt_build_command(settings: Settings, extra_args: list[str] | None = None) -> list[str]:
    """The production ``dbt build`` command line: var ``local_time_zone`` (the same every run, so
    dbt's partial parse is kept), unit tests left out (:data:`PRODUCTION_FLAGS`), then
    ``extra_args`` (e.g. ``--select``). The window goes in the environment: :func:`window_env`."""
    project = settings.dbt_project_dir
    return [dbt_executable(), "build", "--project-dir", str(project), "--profiles-dir", str(project),
            "--vars", json.dumps({"local_time_zone": settings.time_zone}), *PRODUCTION_FLAGS,
            *(extra_args or [])]


def window_env(window: Window | None, late_days: int = LATE_ARRIVAL_DAYS) -> dict[str, str]:
    """Env vars of the build's business-date window (read by the dbt macro business_date_bounds):
    the window moved back by ``late_days``; empty values (every date) without a window."""
    if window is None:
        return {"PILOTAGE_DBT_DATE_FROM": "", "PILOTAGE_DBT_DATE_TO": ""}
    return {"PILOTAGE_DBT_DATE_FROM": (window.first - timedelta(days=late_days)).isoformat(),
            "PILOTAGE_DBT_DATE_TO": window.last.isoformat()}


def dbt_build(settings: Settings, window: Window | None = None, extra_args: list[str] | None = None,
              late_days: int = LATE_ARRIVAL_DAYS) -> None:
    """``dbt build``; with a window, its dates (inclusive, :func:`window_env`) so incremental marts
    rebuild only those business days (``date_from`` moved back by ``late_days`` for late survey
    answers and evaluations); without, every day. ``local_time_zone`` is the center's zone.
    Output is streamed to the log. Holds the warehouse writer lock. When dbt exits 0 (models
    built, tests passed) the marts are published (:func:`pilotage.publish.publish`); otherwise
    :class:`DbtError` names the failing nodes and the last published copy stays untouched."""
    project = settings.dbt_project_dir
    cmd = dbt_build_command(settings, extra_args)
    key, _where = hash_key.resolve(settings)
    env = subprocess_env({"PILOTAGE_WAREHOUSE": str(settings.warehouse_path), **window_env(window, late_days),
                          # the customer hash key: read by the dbt-duckdb plugin, scrubbed from dbt's logs
                          hash_key.DBT_ENV_VAR: key}, defaults={
        "DBT_TARGET_PATH": str(settings.data_dir / "dbt" / "target"),
        "DBT_LOG_PATH": str(settings.data_dir / "dbt" / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }, drop=(hash_key.ENV_VAR,))
    log.info("running: %s", " ".join(cmd))
    tail: list[str] = []
    failures: list[str] = []
    with writer_lock(settings.warehouse_path, settings.lock_timeout_seconds):
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=env, cwd=project)
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip()
            log.info("dbt | %s", line)
            tail = (tail + [line])[-30:]
            if FAILURE_LINE.search(line) and line not in failures:
                failures.append(line)
        code = proc.wait()
        if code == 0:
            publish(settings)
    if code != 0:
        kept = (f"the published copy {settings.published_path} is left as it was"
                if settings.published_path.exists() else "nothing was published")
        log.error("dbt build failed (exit %d): %s", code, kept)
        failing = "".join(f"\n  {line.strip()}" for line in failures)
        raise DbtError(f"dbt build failed (exit {code}); {kept}. Failing:{failing or ' see below'}\n"
                       + "\n".join(tail))
