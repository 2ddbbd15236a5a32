"""Seeds kept between builds: the production ``dbt build`` of a DuckDB warehouse loads the seeds
(and runs the tests whose parents are all seeds) only when something that determines them changed.

What determines them is :func:`fingerprint` (sha256): the seed CSVs (the product's, in the
project, and the center's as staged by :func:`pilotage.center.stage_seeds`), every file of the
dbt project but the models' SQL (the seeds' YAML and their tests, ``dbt_project.yml`` and its
seed configs, singular and generic tests, macros), the dbt vars of the build, and the versions of
dbt and DuckDB. It is kept in the warehouse it describes (table ``seeds._fingerprint``): deleting,
replacing or restoring the file takes it along, so it never vouches for another file's seeds. It
is dropped before any build that loads seeds and written again only when that build exited 0.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from pilotage.warehouse import connect

log = logging.getLogger("pilotage.seed_state")

SCHEMA = "seeds"  # dbt_project.yml: seeds +schema: seeds
TABLE = "_fingerprint"
# a build keeping the seeds: no seed, and (cautious) only the tests with no parent left out, so a
# relationships test from a model to a seed still runs
KEEP_ARGS = ("--exclude", "resource_type:seed", "--indirect-selection", "cautious")
NEUTRAL_ARGS = ("--target-path",)  # caller arguments (with their value) that select nothing
PROJECT_OUTPUT = ("target", "logs", "dbt_packages")  # what dbt writes into the project by hand
VERSIONED = ("dbt-core", "dbt-adapters", "dbt-duckdb", "duckdb")


@dataclass(frozen=True)
class Plan:
    """Whether a build loads the seeds, why, and the fingerprint to record if it exits 0."""

    load: bool
    reason: str
    record: str | None = None  # None: nothing to record (seeds kept, or loaded as selected)

    @property
    def args(self) -> tuple[str, ...]:
        """dbt arguments added to the build."""
        return () if self.load else KEEP_ARGS

    def describe(self) -> str:
        return f"seeds {'loaded' if self.load else 'kept'}: {self.reason}"


def project_inputs(project: Path) -> list[Path]:
    """The dbt project's files that may shape the seeds or their tests: all but the models' SQL,
    dbt's own output folders and hidden files."""
    files = []
    for path in sorted(project.rglob("*")):
        parts = path.relative_to(project).parts
        if (not path.is_file() or parts[0] in PROJECT_OUTPUT or any(p.startswith(".") for p in parts)
                or (parts[0] == "models" and path.suffix == ".sql")):
            continue
        files.append(path)
    return files


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def fingerprint(project: Path, center_seeds: Path, variables: Mapping[str, object] | str) -> str:
    """sha256 of what determines the seeds and their seed-only tests: the project's files
    (:func:`project_inputs`), the staged center CSVs, the dbt vars (a mapping or their JSON) and
    the dbt and DuckDB versions. Each file counts by its path in its folder and its bytes."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    for path in project_inputs(project):
        add(f"project/{path.relative_to(project).as_posix()}", path.read_bytes())
    for path in sorted(center_seeds.glob("*.csv")):
        add(f"center/{path.name}", path.read_bytes())
    text = variables if isinstance(variables, str) else json.dumps(variables, sort_keys=True)
    add("vars", json.dumps(json.loads(text), sort_keys=True).encode())
    add("versions", ";".join(f"{p}={_version(p)}" for p in VERSIONED).encode())
    return digest.hexdigest()


def seed_names(project: Path, center_seeds: Path) -> set[str]:
    """The seeds dbt loads: the project's CSVs and the staged center's."""
    return {p.stem for p in (project / "seeds").glob("*.csv")} | {p.stem for p in center_seeds.glob("*.csv")}


def selects_nodes(extra_args: Sequence[str]) -> bool:
    """Whether the caller's dbt arguments may narrow or change the build (anything but
    :data:`NEUTRAL_ARGS`): then the seeds are left to them."""
    args = list(extra_args)
    while args:
        arg = args.pop(0)
        if arg in NEUTRAL_ARGS:
            args = args[1:]
        elif not arg.startswith(tuple(f"{flag}=" for flag in NEUTRAL_ARGS)):
            return True
    return False


def _tables(con) -> set[str]:
    rows = con.execute("select table_name from information_schema.tables "
                       "where table_catalog = current_database() and table_schema = ?", [SCHEMA]).fetchall()
    return {name for (name,) in rows}


def plan(warehouse: Path, project: Path, center_seeds: Path, variables: Mapping[str, object] | str,
         extra_args: Sequence[str] = ()) -> Plan:
    """The seeds of this build (call under the writer lock, with the center's seeds staged):
    kept when the warehouse's fingerprint is the current one and every seed table exists; else
    loaded, the stored fingerprint dropped first (a failing build must leave none behind). A
    build whose caller selects nodes loads what it selects; it drops a stored fingerprint that
    is no longer the current one, as the seeds it loads may then differ from it."""
    current = fingerprint(project, center_seeds, variables)
    selected = selects_nodes(extra_args)
    if not warehouse.exists():
        return Plan(True, "a new warehouse", None if selected else current)
    con = connect(warehouse)
    try:
        tables = _tables(con)
        stored, since = (con.execute(f"select fingerprint, recorded_at from {SCHEMA}.{TABLE}").fetchone()
                         if TABLE in tables else None) or (None, None)
        missing = sorted(seed_names(project, center_seeds) - tables)
        keep = stored == current and not missing
        if selected:
            if stored is not None and stored != current:
                con.execute(f"drop table {SCHEMA}.{TABLE}")
            return Plan(True, "those the build's own arguments select (not kept: it chooses its nodes)")
        if keep:
            return Plan(False, f"unchanged since the build of {since:%Y-%m-%d %H:%M} UTC that loaded "
                               f"them (fingerprint {current[:12]}): not reloaded, their own tests not rerun")
        if stored is not None:
            con.execute(f"drop table {SCHEMA}.{TABLE}")
        reason = ("no fingerprint recorded in this warehouse" if stored is None
                  else "the center's CSVs, the seeds' YAML, dbt_project.yml, the vars or dbt changed"
                  if stored != current else f"missing table(s) {', '.join(f'{SCHEMA}.{m}' for m in missing)}")
        return Plan(True, reason, current)
    finally:
        con.close()


def record(warehouse: Path, done: Plan) -> None:
    """After a build that loaded the seeds and exited 0: store its fingerprint."""
    if done.record is None:
        return
    con = connect(warehouse)
    try:
        con.execute(f"create schema if not exists {SCHEMA}")
        con.execute(f"create or replace table {SCHEMA}.{TABLE} (fingerprint varchar, recorded_at timestamp)")
        con.execute(f"insert into {SCHEMA}.{TABLE} values (?, ?)",
                    [done.record, datetime.now(UTC).replace(tzinfo=None)])
    finally:
        con.close()
    log.info("seeds fingerprint %s recorded in %s", done.record[:12], warehouse)
