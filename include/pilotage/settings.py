"""Every setting of one process, resolved once into a :class:`Settings` and handed down.

Sources, first non-empty wins: explicit overrides (inside Airflow: the Variables named like the
setting in lower case, e.g. ``pilotage_data_dir``, see ``dag_defaults.airflow_settings``), the
environment variable (``PILOTAGE_DATA_DIR``), the project default (everything inside the project
folder). This is the only module that reads or writes ``os.environ``; nothing else in ``include/``
or ``dags/`` touches it (subprocesses get their environment built from it explicitly).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pilotage.center import SAMPLE_CENTER, Center, center_zone_of, read_center

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TIME_ZONE = "Europe/Paris"  # the contact center's wall clock: business days are local days
TIME_ZONE_ENV = "PILOTAGE_TIME_ZONE"
CENTER_DIR_ENV = "PILOTAGE_CENTER_DIR"  # the center's configuration folder (default: the sample)
WRITER_POOL = "duckdb_writer"  # Airflow pool, 1 slot: one writer per DuckDB file
SERVER_LOAD_POOL = "warehouse_loads"  # Airflow pool of the raw loads on a server warehouse (N slots)
WAREHOUSE_CONNECTION = "pilotage_warehouse"  # Airflow Connection of a server (Postgres) warehouse
SERVER_SCHEMES = ("postgresql://", "postgres://")  # PILOTAGE_WAREHOUSE values naming a server
LAYOUTS_ENV = "PILOTAGE_LAYOUTS"
DROP_CONNECTION = "pilotage_drop"  # Airflow Connection holding the file drop's credentials
DROP_KEYS = (
    "PILOTAGE_DROP_URL",
    "PILOTAGE_DROP_OPTIONS",
    "PILOTAGE_DROP_COMPLETE",
    "PILOTAGE_DROP_SETTLE_SECONDS",
    "PILOTAGE_DROP_MARKER_SUFFIX",
    "PILOTAGE_DROP_NAMES",
)
PATH_KEYS = (
    "PILOTAGE_DATA_DIR",
    "PILOTAGE_LANDING_DIR",
    "PILOTAGE_ARCHIVE_DIR",
    "PILOTAGE_QUARANTINE_DIR",
    "PILOTAGE_WAREHOUSE",
    "PILOTAGE_DBT_PROJECT_DIR",
    "PILOTAGE_EXPECTATIONS_DIR",
    "PILOTAGE_PACKS_DIR",
    "PILOTAGE_LAYOUTS_DIR",
    "PILOTAGE_PUBLISHED",
    "PILOTAGE_PUBLISHED_PARQUET",
    "PILOTAGE_RULES",
)
GATE_KEYS = (
    "PILOTAGE_SHRINK_RATIO",
    "PILOTAGE_LANDING_COMPLETE",
    "PILOTAGE_LANDING_SETTLE_SECONDS",
    "PILOTAGE_LANDING_MARKER_SUFFIX",
    "PILOTAGE_VOLUME_DAYS",
    "PILOTAGE_VOLUME_HIGH",
    "PILOTAGE_VOLUME_LOW",
    "PILOTAGE_VOLUME_MIN_ROWS",
)
# DuckDB's memory cap for the warehouse writers (dbt, raw loads); beyond it DuckDB spills to disk.
DUCKDB_MEMORY_LIMIT_ENV = "PILOTAGE_DUCKDB_MEMORY_LIMIT"
DEFAULT_DUCKDB_MEMORY_LIMIT = "1GB"
# Settings an Airflow Variable may override. Not the time zone nor the center folder (which holds
# it): the DAGs' schedules use it at parse time, where reading Variables is banned, so they come
# from the environment only.
VARIABLES = tuple(key.lower() for key in (*PATH_KEYS, LAYOUTS_ENV, *DROP_KEYS, *GATE_KEYS,
                                          DUCKDB_MEMORY_LIMIT_ENV))


def center_dir(env: Mapping[str, str] | None = None) -> Path:
    """The center's configuration folder: ``PILOTAGE_CENTER_DIR``, default the sample center."""
    env = os.environ if env is None else env
    value = (env.get(CENTER_DIR_ENV) or "").strip()
    return Path(value).expanduser().resolve() if value else SAMPLE_CENTER


def center_time_zone(env: Mapping[str, str] | None = None) -> str:
    """The center's IANA time zone: ``PILOTAGE_TIME_ZONE``, else ``time_zone`` of the center
    folder's ``center.yml``, else ``Europe/Paris``."""
    env = os.environ if env is None else env
    return ((env.get(TIME_ZONE_ENV) or "").strip() or center_zone_of(center_dir(env))
            or DEFAULT_TIME_ZONE)


def _merged(env: Mapping[str, str], overrides: Mapping[str, str | None]) -> dict[str, str]:
    """Upper-case key -> value, an override (any key case) winning when it is non-empty."""
    values = {key: value for key, value in env.items() if value}
    values.update({key.upper(): value for key, value in overrides.items() if value})
    return values


@dataclass(frozen=True)
class Gates:
    """Delivery gates (``PILOTAGE_<NAME>``): when a landing file is complete, when a delivery
    that shrinks a loaded day is held back as suspect, when a day's volume is anomalous."""

    shrink_ratio: float = 0.5  # a delivery below this share of the loaded rows is suspect
    landing_complete: str = "stable"  # stable (size+mtime settle) | marker (<name><suffix>)
    landing_settle_seconds: float = 5.0
    landing_marker_suffix: str = ".done"
    volume_days: int = 28  # trailing days whose same-weekday loaded counts make the median
    volume_high: float = 3.0  # warn above this multiple of the median
    volume_low: float = 1 / 3  # warn below this share of the median
    volume_min_rows: int = 50  # no judgement while both the day and the median are below this

    @classmethod
    def from_values(cls, values: Mapping[str, str]) -> Gates:
        """Gates from upper-case ``PILOTAGE_*`` values; a malformed number names its setting."""
        kwargs: dict[str, Any] = {}
        for name, kind in (("shrink_ratio", float), ("landing_settle_seconds", float),
                           ("volume_days", int), ("volume_high", float), ("volume_low", float),
                           ("volume_min_rows", int),
                           ("landing_complete", str), ("landing_marker_suffix", str)):
            key = f"PILOTAGE_{name.upper()}"
            if values.get(key, "").strip():
                try:
                    kwargs[name] = kind(values[key].strip())
                except ValueError:
                    raise ValueError(f"{key}: not a {kind.__name__}: {values[key]!r}") from None
        gates = cls(**kwargs)
        if gates.landing_complete not in ("stable", "marker"):
            raise ValueError(f"PILOTAGE_LANDING_COMPLETE must be 'stable' or 'marker', "
                             f"got {gates.landing_complete!r}")
        return gates


@dataclass(frozen=True)
class Settings:
    """Resolved settings of one process (paths, layout selection, file drop, time zone)."""

    data_dir: Path
    landing_dir: Path
    archive_dir: Path
    quarantine_dir: Path
    warehouse_path: Path
    dbt_project_dir: Path
    expectations_dir: Path
    packs_dir: Path
    airflow_home: Path
    # PILOTAGE_PUBLISHED: the read-only copy of the marts that readers (BI, packs, kpis) open
    published_path: Path
    # PILOTAGE_PUBLISHED_PARQUET: the marts as Parquet, one folder per mart (a swapped symlink)
    published_parquet_dir: Path
    layouts_dir: Path | None = None  # the user's layouts folder, searched before the shipped one
    rules_file: Path | None = None  # PILOTAGE_RULES: the center's rule severities (YAML)
    layouts: str = ""  # PILOTAGE_LAYOUTS: entity -> vendor layout, JSON or key=name,key=name
    drop: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # PILOTAGE_DROP_*
    time_zone: str = DEFAULT_TIME_ZONE
    # PILOTAGE_CENTER_DIR: center.yml and the center's CSVs (providers, queues, pricing...)
    center_dir: Path = SAMPLE_CENTER
    # PILOTAGE_HASH_KEY: secret of the keyed customer hash (see pilotage.hash_key); kept out of repr
    hash_key: str | None = field(default=None, repr=False)
    # PILOTAGE_LOCK_TIMEOUT_SECONDS: how long a writer waits for the warehouse lock
    lock_timeout_seconds: float = 600.0
    gates: Gates = field(default_factory=Gates)
    # PILOTAGE_DUCKDB_MEMORY_LIMIT: DuckDB's memory_limit for dbt and the raw loads ("1GB", "75%")
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    # PILOTAGE_KILL_AT: tests only; the process SIGKILLs itself at this step (see pilotage.faults)
    kill_at: str = ""
    # conn id -> the Connection's fields (conn_type, host, login, password, port, extra), given
    # by the caller that can read Connections (``dag_defaults.airflow_connections``); secrets
    connections: Mapping[str, Mapping[str, Any]] = field(
        default_factory=lambda: MappingProxyType({}), repr=False)
    # PILOTAGE_WAREHOUSE=postgresql://...: the server warehouse's URL (may hold a password)
    warehouse_dsn: str | None = field(default=None, repr=False)

    @property
    def warehouse_url(self) -> str | None:
        """The server (Postgres) warehouse's URL, else None (the DuckDB file ``warehouse_path``):
        ``PILOTAGE_WAREHOUSE=postgresql://...`` first, then the Connection ``pilotage_warehouse``."""
        if self.warehouse_dsn:
            return self.warehouse_dsn
        conn = self.connections.get(WAREHOUSE_CONNECTION)
        if not conn or not conn.get("host"):
            return None
        from urllib.parse import quote

        login = quote(conn.get("login") or "", safe="")
        password = quote(conn.get("password") or "", safe="")
        auth = f"{login}:{password}@" if password else (f"{login}@" if login else "")
        port = f":{conn['port']}" if conn.get("port") else ""
        return f"postgresql://{auth}{conn['host']}{port}/{conn.get('schema') or 'postgres'}"

    @property
    def duckdb_temp_dir(self) -> Path:
        """Where DuckDB spills what exceeds ``duckdb_memory_limit``: under the data folder."""
        return self.data_dir / "duckdb_tmp"

    def duckdb_config(self) -> dict[str, str]:
        """DuckDB settings of a warehouse writer's connection: the memory cap and its spill folder
        (the same ones the dbt profile applies, from :meth:`duckdb_env`)."""
        return {"memory_limit": self.duckdb_memory_limit, "temp_directory": str(self.duckdb_temp_dir)}

    def duckdb_env(self) -> dict[str, str]:
        """The variables through which ``profiles.yml`` gives dbt's DuckDB those settings."""
        return {DUCKDB_MEMORY_LIMIT_ENV: self.duckdb_memory_limit,
                "PILOTAGE_DUCKDB_TEMP_DIR": str(self.duckdb_temp_dir)}

    @property
    def warehouse_backend(self) -> str:
        """``postgres`` when a server warehouse is configured, else ``duckdb``."""
        return "postgres" if self.warehouse_url else "duckdb"

    @classmethod
    def build(cls, overrides: Mapping[str, str | None] | None = None,
              env: Mapping[str, str] | None = None,
              connections: Mapping[str, Mapping[str, Any]] | None = None) -> Settings:
        """Settings from ``overrides`` (e.g. Airflow Variables), then ``env`` (default: the
        process environment), then the project defaults; ``connections`` as given (conn id ->
        fields). Reads nothing else, writes nothing."""
        values = _merged(os.environ if env is None else env, overrides or {})

        def path(key: str, default: Path) -> Path:
            value = values.get(key)
            return Path(value).expanduser().resolve() if value else default

        def link(key: str, default: Path) -> Path:  # a symlink that publication swaps: not followed
            chosen = Path(values[key]).expanduser() if values.get(key) else default
            return chosen.parent.resolve() / chosen.name

        data = path("PILOTAGE_DATA_DIR", PROJECT_ROOT / "data")
        server = values.get("PILOTAGE_WAREHOUSE", "")
        if server.startswith(SERVER_SCHEMES):  # a server URL, not a file: the default file stays
            values.pop("PILOTAGE_WAREHOUSE")
        layouts_dir = values.get("PILOTAGE_LAYOUTS_DIR")
        rules_file = values.get("PILOTAGE_RULES")
        return cls(
            data_dir=data,
            landing_dir=path("PILOTAGE_LANDING_DIR", data / "landing"),
            archive_dir=path("PILOTAGE_ARCHIVE_DIR", data / "archive"),
            quarantine_dir=path("PILOTAGE_QUARANTINE_DIR", data / "quarantine"),
            warehouse_path=path("PILOTAGE_WAREHOUSE", data / "warehouse" / "pilotage.duckdb"),
            dbt_project_dir=path("PILOTAGE_DBT_PROJECT_DIR", PROJECT_ROOT / "dbt_project"),
            expectations_dir=path("PILOTAGE_EXPECTATIONS_DIR", PROJECT_ROOT / "expectations"),
            packs_dir=path("PILOTAGE_PACKS_DIR", data / "packs"),
            published_path=path("PILOTAGE_PUBLISHED", data / "warehouse" / "published.duckdb"),
            published_parquet_dir=link("PILOTAGE_PUBLISHED_PARQUET", data / "warehouse" / "parquet"),
            airflow_home=path("AIRFLOW_HOME", PROJECT_ROOT / ".airflow"),
            layouts_dir=Path(layouts_dir).expanduser().resolve() if layouts_dir else None,
            rules_file=Path(rules_file).expanduser().resolve() if rules_file else None,
            layouts=values.get(LAYOUTS_ENV, "").strip(),
            drop=MappingProxyType({key: values[key] for key in DROP_KEYS if key in values}),
            time_zone=center_time_zone(values),
            center_dir=center_dir(values),
            hash_key=values.get("PILOTAGE_HASH_KEY") or None,
            lock_timeout_seconds=float(values.get("PILOTAGE_LOCK_TIMEOUT_SECONDS") or 600.0),
            gates=Gates.from_values(values),
            duckdb_memory_limit=(values.get(DUCKDB_MEMORY_LIMIT_ENV, "").strip()
                                 or DEFAULT_DUCKDB_MEMORY_LIMIT),
            kill_at=values.get("PILOTAGE_KILL_AT", "").strip(),
            connections=MappingProxyType({k: MappingProxyType(dict(v)) for k, v in (connections or {}).items()}),
            warehouse_dsn=server if server.startswith(SERVER_SCHEMES) else None,
        )

    def with_connections(self, connections: Mapping[str, Mapping[str, Any]]) -> Settings:
        """The same settings plus these Connections' fields (conn id -> fields)."""
        merged = {**self.connections, **{k: MappingProxyType(dict(v)) for k, v in connections.items()}}
        return replace(self, connections=MappingProxyType(merged))

    def center(self) -> Center:
        """The center folder's ``center.yml`` (time zones, delivered entities), read now."""
        return read_center(self.center_dir)

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from the process environment and the project defaults."""
        return cls.build()


def subprocess_env(extra: Mapping[str, str], defaults: Mapping[str, str] | None = None,
                   drop: tuple[str, ...] = ()) -> dict[str, str]:
    """The environment for a child process: this one's less ``drop``, plus ``defaults`` where
    unset, plus ``extra``."""
    env = {key: value for key, value in os.environ.items() if key not in drop}
    for key, value in (defaults or {}).items():
        env.setdefault(key, value)
    env.update(extra)
    return env


def chromium_override() -> str | None:
    """``PILOTAGE_CHROMIUM``: the Chromium that prints PDF packs (else the first on the PATH)."""
    return os.environ.get("PILOTAGE_CHROMIUM") or None


def secret_from_environment(name: str) -> str | None:
    """A secret a parent process handed to this one in its environment (e.g. the hash key dbt's
    plugin reads from ``DBT_ENV_SECRET_PILOTAGE_HASH_KEY``)."""
    return os.environ.get(name) or None


def export_defaults(values: Mapping[str, str]) -> None:
    """Set environment variables that libraries read themselves (Airflow's configuration, GX's
    analytics switch), only where the user has not set them. The one writer of ``os.environ``."""
    for key, value in values.items():
        os.environ.setdefault(key, value)


def export_interpreter_on_path() -> None:
    """Put this interpreter's ``bin`` folder first on ``PATH`` (``airflow``, ``dbt`` of the venv)."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def load_pool(env: Mapping[str, str] | None = None) -> str:
    """The pool of the raw load tasks, decided at parse time from the environment (no Variable or
    Connection is read there): on a server warehouse (``PILOTAGE_WAREHOUSE=postgresql://...``, or
    the Connection ``pilotage_warehouse`` given as ``AIRFLOW_CONN_PILOTAGE_WAREHOUSE``) the
    loads of different sources run at once (pool ``warehouse_loads``); on the DuckDB file they
    take the 1-slot writer pool. dbt and publication keep the writer pool on both backends."""
    env = os.environ if env is None else env
    server = Settings.build(env=env).warehouse_url or env.get(f"AIRFLOW_CONN_{WAREHOUSE_CONNECTION.upper()}")
    return SERVER_LOAD_POOL if server else WRITER_POOL
