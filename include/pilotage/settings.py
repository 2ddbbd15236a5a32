"""Where things live. Every path can be overridden by environment variable (or, in Airflow, by the
Variable of the same name, see ``dags/``); defaults keep everything inside the project folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LOCAL_TZ = "Europe/Paris"


def _path(var: str, default: Path) -> Path:
    value = os.environ.get(var)
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Settings:
    """Resolved locations for one process."""

    data_dir: Path
    landing_dir: Path
    archive_dir: Path
    quarantine_dir: Path
    warehouse_path: Path
    dbt_project_dir: Path
    expectations_dir: Path

    @classmethod
    def from_env(cls) -> Settings:
        data = _path("PILOTAGE_DATA_DIR", PROJECT_ROOT / "data")
        return cls(
            data_dir=data,
            landing_dir=_path("PILOTAGE_LANDING_DIR", data / "landing"),
            archive_dir=_path("PILOTAGE_ARCHIVE_DIR", data / "archive"),
            quarantine_dir=_path("PILOTAGE_QUARANTINE_DIR", data / "quarantine"),
            warehouse_path=_path("PILOTAGE_WAREHOUSE", data / "warehouse" / "pilotage.duckdb"),
            dbt_project_dir=_path("PILOTAGE_DBT_PROJECT_DIR", PROJECT_ROOT / "dbt_project"),
            expectations_dir=_path("PILOTAGE_EXPECTATIONS_DIR", PROJECT_ROOT / "expectations"),
        )
