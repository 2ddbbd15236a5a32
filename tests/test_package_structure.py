"""The installed package holds product code only, and its vendor knowledge is filed by vendor.

* every module under ``include/pilotage/`` is reachable from the product's entry points (the DAG
  files, the console scripts of ``pyproject.toml``, ``python -m`` modules, ``pilotage.bench``):
  a module only tests import is a test double and belongs under ``tests/``;
* each vendor extractor and sample writer lives in the module named after its vendor, like its
  layouts;
* the generator and the vendor samples import nothing else from ``pilotage`` (they could become
  a package of their own without touching the product).
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from pilotage.extract.vendors import EXTRACTORS

ROOT = Path(__file__).resolve().parents[1]
INCLUDE = ROOT / "include"

EXEMPT: set[str] = set()  # product modules allowed to be reached from tests only: none


def _module_name(path: Path) -> str:
    parts = path.relative_to(INCLUDE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((INCLUDE / "pilotage").rglob("*.py"))}


def _imported(path: Path, name: str, known: dict[str, Path]) -> set[str]:
    """Product modules ``path`` imports (anywhere in the file), with the packages they load."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")[: len(name.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    loaded: set[str] = set()
    for module in found:
        parts = module.split(".")
        loaded.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return loaded & set(known)


def _entry_points(known: dict[str, Path]) -> tuple[set[str], list[Path]]:
    """Product modules that are entry points, and the DAG files."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    scripts = {target.split(":")[0] for target in project.get("scripts", {}).values()}
    mains = {name for name in known if name.endswith(".__main__")}
    # `python -m <module>` in the Makefile, and dbt-duckdb plugins named in the dbt profile
    make = set(re.findall(r"python -m (pilotage[\w.]*)", (ROOT / "Makefile").read_text(encoding="utf-8")))
    profile = (ROOT / "dbt_project" / "profiles.yml").read_text(encoding="utf-8")
    plugins = set(re.findall(r"module:\s*(pilotage[\w.]*)", profile))
    return scripts | mains | make | plugins | {"pilotage.bench"}, sorted((ROOT / "dags").glob("*.py"))


def unreachable_modules(known: dict[str, Path] | None = None) -> list[str]:
    """Modules of ``include/pilotage`` no entry point reaches, following imports transitively."""
    known = known or _modules()
    roots, dag_files = _entry_points(known)
    reached: set[str] = set()
    todo = [m for m in roots if m in known]
    for dag_file in dag_files:
        todo.extend(_imported(dag_file, dag_file.stem, known))
    while todo:
        module = todo.pop()
        if module in reached:
            continue
        reached.add(module)
        todo.extend(_imported(known[module], module, known) - reached)
    return sorted(set(known) - reached - EXEMPT)


def test_entry_points_exist():
    known = _modules()
    roots, dag_files = _entry_points(known)
    assert {"pilotage.cli", "pilotage.bench"} <= roots and roots <= set(known)
    assert dag_files


def test_no_product_module_is_imported_only_by_tests():
    offenders = unreachable_modules()
    assert not offenders, (
        "modules no DAG, console script, `python -m` module or pilotage.bench reaches (test doubles "
        f"belong under tests/, dead code is deleted): {offenders}"
    )


def test_the_check_flags_a_module_only_tests_import(tmp_path):
    stray = tmp_path / "stray.py"
    stray.write_text("from pilotage.extract import runner\n", encoding="utf-8")
    known = {**_modules(), "pilotage.extract.stray": stray}
    assert unreachable_modules(known) == ["pilotage.extract.stray"]
    # once a product module imports it (here, lazily inside a function), it is reached
    cli = tmp_path / "cli.py"
    cli.write_text(_modules()["pilotage.cli"].read_text() + "\ndef _x():\n    from .extract import stray\n")
    assert unreachable_modules({**known, "pilotage.cli": cli}) == []


def test_each_vendor_extractor_lives_in_its_vendor_module_and_uses_its_vendor_layouts():
    vendor_layouts = {p.stem for p in (INCLUDE / "pilotage" / "layouts" / "vendors").glob("*.yml")}
    for (source, vendor), cls in EXTRACTORS.items():
        assert cls.__module__ == f"pilotage.extract.vendors.{vendor}", (source, vendor, cls.__module__)
        for entity_key, layout in cls.layouts.items():
            assert entity_key.startswith(f"{source}__")
            assert layout is None or (layout.startswith(f"{vendor}__") and layout in vendor_layouts), layout


def test_each_vendor_layout_has_its_sample_writer_in_its_vendor_module():
    from pilotage.samples import VENDOR_SAMPLES

    known = _modules()
    for layout in VENDOR_SAMPLES:
        vendor = layout.split("__")[0]
        assert f"pilotage.samples.{vendor}" in known, f"{layout}: no module samples/{vendor}.py"


def test_generator_and_samples_import_nothing_else_from_pilotage():
    known = _modules()
    for package in ("pilotage.generator", "pilotage.samples"):
        for name, path in known.items():
            if name == package or name.startswith(package + "."):
                outside = {m for m in _imported(path, name, known) if m != "pilotage"}
                outside = {m for m in outside if not (m == package or m.startswith(package + "."))}
                if package == "pilotage.samples":  # samples re-express the generator's center
                    outside = {m for m in outside if not m.startswith("pilotage.generator")}
                assert not outside, f"{name} imports {sorted(outside)}"
