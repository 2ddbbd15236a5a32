"""dbt context for sqlfluff's jinja templater (`make lint`), so models render without a warehouse.

sqlfluff's dbt builtins cover ref, source, config, this and return; this library adds what the
project's macros call: var() with the defaults of dbt_project.yml, target (DuckDB),
adapter.dispatch (duckdb__ then default__ macro of the project), exceptions, modules, the
compile-time read of the KPI catalogue (from the seed's CSV) and the dbt cross-database macros
used here, rendered as dbt-duckdb renders them. Lint only: dbt
itself compiles the models.
"""

from __future__ import annotations

import csv as _csv
import datetime as _datetime
import re as _re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import yaml

_ROOT = Path(__file__).resolve().parents[2]
_PROJECT = yaml.safe_load((_ROOT / "dbt_project.yml").read_text())
_VARS: dict[str, Any] = _PROJECT.get("vars") or {}


def var(name: str, default: Any = None) -> Any:
    """dbt var(): the project default (command-line --vars do not apply to lint)."""
    value = _VARS.get(name)
    return default if value is None else value


def env_var(name: str, default: str | None = None) -> str:
    """dbt env_var(): the default (the environment does not apply to lint)."""
    return "" if default is None else default


def is_incremental() -> bool:
    """Lint the full-refresh branch."""
    return False


def _raise(message: str) -> None:
    raise jinja2.TemplateRuntimeError(message)


target = SimpleNamespace(type="duckdb", name="dev", schema="main", database="pilotage")
project_name = _PROJECT["name"]
execute = True
graph = {"nodes": {f"seed.{project_name}.kpi_catalogue": SimpleNamespace(
    database="pilotage", schema="seeds", alias="kpi_catalogue")}}
api = SimpleNamespace(Relation=SimpleNamespace(
    create=lambda database=None, schema=None, identifier=None: f"{schema}.{identifier}"))


def run_query(sql: str) -> SimpleNamespace:
    """The one compile-time query of the project (macros/kpi_catalogue.sql): the catalogue seed."""
    if "kpi_catalogue" not in sql:
        _raise(f"run_query: no lint stub for {sql!r}")
    with (_ROOT / "seeds" / "kpi_catalogue.csv").open(newline="", encoding="utf-8") as f:
        rows = [dict(row, available=row["available"] == "true") for row in _csv.DictReader(f)]
    return SimpleNamespace(rows=sorted(rows, key=lambda row: row["kpi_id"]))
exceptions = SimpleNamespace(raise_compiler_error=_raise, warn=lambda message: "")
modules = SimpleNamespace(datetime=_datetime, re=_re)


class _Adapter:
    """adapter.dispatch(name, namespace): the project's duckdb__ or default__ macro."""

    @jinja2.pass_context
    def dispatch(self, context: Any, name: str, macro_namespace: str | None = None) -> Any:
        for prefix in ("duckdb__", "default__"):
            macro = context.get(prefix + name)
            if macro is not None:
                return macro
        _raise(f"adapter.dispatch: no duckdb__ or default__ macro for {name!r}")


adapter = _Adapter()

dbt = SimpleNamespace(
    type_string=lambda: "text",
    type_int=lambda: "integer",
    type_bigint=lambda: "bigint",
    type_float=lambda: "double",
    type_boolean=lambda: "boolean",
    type_timestamp=lambda: "timestamp",
    dateadd=lambda datepart, interval, from_date: f"date_add({from_date}, interval ({interval}) {datepart})",
    date_trunc=lambda datepart, date: f"date_trunc('{datepart}', {date})",
    datediff=lambda first, second, datepart: f"date_diff('{datepart}', {first}, {second})",
    split_part=lambda string, delimiter, part: f"string_split({string}, {delimiter})[{part}]",
    hash=lambda field: f"md5(cast({field} as varchar))",
    generate_series=lambda upper: (
        f"select generate_series as generated_number from generate_series(1, {upper})"),
)
