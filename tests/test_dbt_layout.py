"""Layout rules of the dbt project (dbt_project/README.md): one YAML per model beside its SQL,
intermediate models by topic, portable types. Reads files only (no dbt run)."""

import re
from pathlib import Path

import pytest
import yaml

MODELS = Path(__file__).resolve().parents[1] / "dbt_project" / "models"
SQL = sorted(MODELS.rglob("*.sql"))


@pytest.mark.parametrize("sql", SQL, ids=lambda p: p.stem)
def test_every_model_has_its_yaml_beside_it(sql):
    properties = sql.with_suffix(".yml")
    assert properties.exists(), f"{properties.relative_to(MODELS)} missing"
    doc = yaml.safe_load(properties.read_text())
    assert [m["name"] for m in doc["models"]] == [sql.stem]
    assert {t["model"] for t in doc.get("unit_tests", [])} <= {sql.stem}


def test_only_sources_are_grouped_per_folder():
    grouped = [p.name for p in MODELS.rglob("_*.yml")]
    assert grouped and all(name.endswith("__sources.yml") for name in grouped), grouped


def test_no_yaml_longer_than_400_lines():
    long = {p.name: n for p in MODELS.rglob("*.yml") if (n := len(p.read_text().splitlines())) > 400}
    assert not long


def test_intermediate_models_live_in_a_topic_folder_of_intermediate():
    for sql in SQL:
        if sql.stem.startswith("int_"):
            assert sql.parent.parent == MODELS / "intermediate", sql
        assert not re.search(r"schema\s*=", sql.read_text()), f"per-file schema in {sql.name}"


def test_types_are_portable():
    dbt_project = MODELS.parent
    for path in [*SQL, *(dbt_project / "macros").glob("*.sql")]:
        text = path.read_text()
        assert not re.search(r"\bas\s+(double|varchar)\b|::\s*\w", text, re.I), path.name
        if path.parent.name != "macros":  # Postgres has round(x, n) for numeric only: round_to()
            assert not re.search(r"(?<![\w.])round\(", text), f"round( in {path.name}: use round_to"
    for path in MODELS.rglob("*.yml"):
        assert not re.search(r"data_type:\s*(double|varchar)\s*$", path.read_text(), re.M), path.name


class _NoRepeatedKeys(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping (YAML keeps the last one, so a
    second ``overrides:`` silently drops the first)."""


def _mapping_once(loader, node, deep=False):
    keys = [key.value for key, _ in node.value]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise yaml.constructor.ConstructorError(None, None, f"key(s) {repeated} given twice",
                                                node.start_mark)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_NoRepeatedKeys.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_once)


def test_no_yaml_gives_a_key_twice():
    dbt_project = MODELS.parent
    for path in [*MODELS.rglob("*.yml"), *(dbt_project / "macros").glob("*.yml"),
                 *(dbt_project / "seeds").glob("*.yml"), dbt_project / "dbt_project.yml"]:
        yaml.load(path.read_text(), Loader=_NoRepeatedKeys)  # raises naming the line
