"""Data tests tagged ``repeated_in_marts`` are left out of window builds (transform.WINDOW_FLAGS):
each must have its twin, the same test with the same arguments, on a mart that reads the tagged
test's model, so a window build still checks those rows. Reads files only (no dbt run)."""

import re
from datetime import date
from pathlib import Path

import yaml
from pilotage.transform import WINDOW_FLAGS, window_flags
from pilotage.window import Window

MODELS = Path(__file__).resolve().parents[1] / "dbt_project" / "models"
TAG = "repeated_in_marts"


def _tests(entry: dict, column: str | None) -> list[tuple[tuple, bool]]:
    """(signature, tagged) of each data test of a model or column entry of a properties file."""
    found = []
    for test in entry.get("data_tests") or []:
        name, spec = (test, {}) if isinstance(test, str) else next(iter(test.items()))
        spec = spec or {}
        arguments = spec.get("arguments") or {}
        tags = (spec.get("config") or {}).get("tags") or []
        found.append(((name, column, repr(sorted(arguments.items()))), TAG in tags))
    return found


def _models() -> dict[str, tuple[Path, list[tuple[tuple, bool]]]]:
    models = {}
    for properties in MODELS.rglob("*.yml"):
        for model in yaml.safe_load(properties.read_text()).get("models") or []:
            tests = _tests(model, None)
            for column in model.get("columns") or []:
                tests += _tests(column, column["name"])
            models[model["name"]] = (properties.with_suffix(".sql"), tests)
    return models


def _readers(name: str, models: dict) -> list[str]:
    ref = re.compile(r"ref\(\s*['\"]" + re.escape(name) + r"['\"]\s*\)")
    return [other for other, (sql, _) in models.items()
            if sql.exists() and ref.search(sql.read_text()) and sql.is_relative_to(MODELS / "marts")]


def test_every_test_left_out_of_window_builds_has_its_twin_on_a_mart_reading_the_model() -> None:
    models = _models()
    tagged = [(name, signature) for name, (_, tests) in models.items()
              for signature, is_tagged in tests if is_tagged]
    assert tagged, f"no test tagged {TAG}: drop WINDOW_FLAGS"
    for name, signature in tagged:
        twins = [reader for reader in _readers(name, models)
                 if (signature, False) in models[reader][1]]
        assert twins, f"{signature} on {name}: no mart reading {name} runs the same test"


def test_only_window_builds_leave_the_tagged_tests_out() -> None:
    assert WINDOW_FLAGS == ("--exclude", f"tag:{TAG}")
    assert window_flags(Window(first=date(2026, 10, 12), last=date(2026, 10, 12))) == WINDOW_FLAGS
    assert window_flags(None) == ()  # a full build runs both
