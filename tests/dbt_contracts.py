"""The dbt models' declared columns (name -> data_type), read from their YAML by model name.

Every ``*.yml`` under ``dbt_project/models`` is read, whatever its file name or folder (one YAML
per model or one per folder alike), so a model is found wherever its YAML lives."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

MODELS_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "models"


@cache
def _models() -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for path in sorted(MODELS_DIR.rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in data.get("models") or []:
            found.setdefault(model["name"], []).append({**model, "_path": str(path)})
    return found


def model(name: str) -> dict:
    """The YAML entry of model ``name`` (exactly one must exist)."""
    entries = _models().get(name, [])
    if len(entries) != 1:
        raise LookupError(f"dbt model {name!r} is declared in {len(entries)} YAML files "
                          f"({[e['_path'] for e in entries]}); expected exactly one")
    return entries[0]


def contract_columns(name: str) -> dict[str, str]:
    """``{column: data_type}`` of model ``name``'s enforced contract, in declared order."""
    entry = model(name)
    if not ((entry.get("config") or {}).get("contract") or {}).get("enforced"):
        raise LookupError(f"dbt model {name!r} has no enforced contract ({entry['_path']})")
    columns = {}
    for column in entry.get("columns") or []:
        if not column.get("data_type"):
            raise LookupError(f"column {column['name']!r} of {name!r} has no data_type")
        columns[column["name"]] = duckdb_type(column["data_type"])
    return columns


# dbt's portable type labels (what the contracts declare) as DuckDB spells them
_LABELS = {"string": "varchar", "text": "varchar", "int": "integer"}


def duckdb_type(label: str) -> str:
    """The DuckDB type of a contract's ``data_type``: renders a Jinja label for a DuckDB target
    (``{{ 'double' if target.type == 'duckdb' else 'float' }}``) and maps dbt's portable labels."""
    if "{{" in label:
        import jinja2

        label = jinja2.Environment().from_string(label).render(target={"type": "duckdb"}).strip()
    return _LABELS.get(label.lower(), label)
