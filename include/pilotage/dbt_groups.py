"""dbt seen per group of models in Airflow: one ``dbt build``, one task per folder of models.

The dbt project's folders (``seeds``, ``staging``, ``intermediate/<topic>``, ``marts/<area>``) are
the groups, in an order where no model refers to a model of a later group (:func:`build_order`,
read from the SQL files' ``ref()`` at DAG parse time: no dbt import, a few milliseconds).

The DAG runs dbt once for the whole window (:func:`build`, as fast as a single task: dbt starts
and parses once) and then one task per group reads that build's ``run_results.json`` through the
summary it returns (:func:`summarize`) and turns red, with its nodes' errors in its log, when one
of its models or tests failed (:func:`check`). A retried or cleared group task runs
``dbt build`` for its own group (its models, and the tests whose last parent it holds), so an
operator retries from the failed group on (:func:`rebuild`). Every dbt call holds the writer
lock; the marts are published once, after every group is green (:func:`publish_marts`).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pilotage.settings import Settings
from pilotage.window import Window

if TYPE_CHECKING:  # DAG files import this module at parse time: no DuckDB import
    from pilotage.seed_state import Plan

log = logging.getLogger("pilotage.dbt_groups")

REF = re.compile(r"""\bref\(\s*['"](\w+)['"]\s*\)""")
SEEDS = "seeds"
LAYERS = (SEEDS, "staging", "intermediate", "marts")  # tie-break of the build order
PASSED = {"success", "pass", "warn"}
MESSAGE_CHARS = 4000


@dataclass(frozen=True)
class Group:
    """A folder of the dbt project built as one Airflow task."""

    name: str  # "seeds", "staging", "intermediate/agents", "marts/core"

    @property
    def task_id(self) -> str:
        return self.name.replace("/", "_")

    @property
    def selector(self) -> str:
        """Its models or seeds only (their files: a folder's YAML also declares tests on models of
        other groups); tests come by indirect selection or by name."""
        if self.name == "seeds":  # the product's and the center's (staged outside the project)
            return "resource_type:seed"
        return f"path:models/{self.name}/**/*.sql" if self.name == "staging" else f"path:models/{self.name}/*.sql"


def group_of(path: str) -> str | None:
    """The group of a project file (``models/marts/core/fct_x.sql`` -> ``marts/core``); staging is
    one group (its models are thin views); ``None`` outside models and seeds."""
    parts = Path(path).parts
    if parts[:1] == ("seeds",) or path.endswith(".csv"):  # center seeds live outside the project
        return "seeds"
    if parts[:1] != ("models",) or len(parts) < 3:
        return None
    if parts[1] == "staging" or len(parts) == 3:
        return parts[1]
    return f"{parts[1]}/{parts[2]}"


def seed_files(project_dir: Path) -> list[Path]:
    """The product's seeds and the sample center's (``center/`` beside the project; a user's
    center folder holds the same file names)."""
    return sorted((project_dir / "seeds").glob("*.csv")) + sorted((project_dir.parent / "center").glob("*.csv"))


def build_order(project_dir: Path) -> list[Group]:
    """The project's groups, each after every group it refers to (seeds first)."""
    owner: dict[str, str] = {p.stem: "seeds" for p in seed_files(project_dir)}
    sql = sorted((project_dir / "models").rglob("*.sql"))
    for path in sql:
        owner[path.stem] = group_of(str(path.relative_to(project_dir))) or "other"
    needs: dict[str, set[str]] = {name: set() for name in owner.values()}
    for path in sql:
        group = owner[path.stem]
        needs[group] |= {owner[ref] for ref in REF.findall(path.read_text()) if ref in owner} - {group}

    def rank(name: str) -> tuple[int, str]:
        layer = name.split("/")[0]
        return (LAYERS.index(layer) if layer in LAYERS else len(LAYERS), name)

    order: list[str] = []
    while len(order) < len(needs):
        ready = [g for g in needs if g not in order and needs[g] <= set(order)]
        if not ready:
            raise ValueError(f"dbt folders refer to each other in a cycle: {sorted(set(needs) - set(order))}")
        order.append(min(ready, key=rank))
    return [Group(name) for name in order]


def target_dir(settings: Settings) -> Path:
    return settings.data_dir / "dbt" / "target"


def summarize(target: Path, groups: list[Group]) -> dict[str, Any]:
    """Per group, from the last invocation's ``manifest.json`` and ``run_results.json``: nodes
    passed, failed (status, message) and skipped, and the tests it must name when rebuilt alone
    (those with a parent in an earlier group, or none). A test belongs to the latest group among
    its parents; ``ungrouped`` lists failed nodes in no group of the DAG."""
    manifest = json.loads((target / "manifest.json").read_text())
    results = json.loads((target / "run_results.json").read_text())["results"]
    index = {g.name: i for i, g in enumerate(groups)}
    nodes = {**manifest["nodes"], **manifest.get("unit_tests", {})}
    home: dict[str, str | None] = {}
    for uid, node in nodes.items():
        if node["resource_type"] not in ("test", "unit_test"):
            home[uid] = group_of(node["original_file_path"])
    summary: dict[str, Any] = {"groups": {g.name: {"passed": 0, "failed": [], "skipped": [],
                                                    "extra_tests": []} for g in groups},
                               "ungrouped": []}
    for uid, node in nodes.items():
        if node["resource_type"] not in ("test", "unit_test"):
            continue
        parents = {home.get(p) for p in node["depends_on"]["nodes"]} & set(index)
        home[uid] = max(parents, key=index.__getitem__) if parents else groups[-1].name
        if parents != {home[uid]}:
            summary["groups"][home[uid]]["extra_tests"].append(node["name"])
    for result in results:
        uid, status = result["unique_id"], result["status"]
        entry = summary["groups"].get(home.get(uid) or "")
        if status in PASSED:
            if entry is not None:
                entry["passed"] += 1
        elif status == "skipped":
            if entry is not None:
                entry["skipped"].append(uid)
        else:
            failure = {"node": uid, "status": status,
                       "message": (result.get("message") or "")[:MESSAGE_CHARS]}
            (entry["failed"] if entry is not None else summary["ungrouped"]).append(failure)
    return summary


def _dbt(settings: Settings, window: Window, args: list[str]) -> Plan:
    """``dbt build`` into the DAG's target folder; its seeds, loaded or kept (:mod:`pilotage.seed_state`)."""
    from pilotage.transform import dbt_build

    return dbt_build(settings, window, extra_args=["--target-path", str(target_dir(settings)), *args],
                     publish_marts=False)


def build(settings: Settings, window: Window, groups: list[Group]) -> dict[str, Any]:
    """``dbt build`` of the window, once, for every group; the summary the group tasks read.
    Raises when dbt failed outside any group's nodes (project error, lock, failed node no group
    holds): then no group could say why."""
    from pilotage.transform import DbtError

    error: DbtError | None = None
    try:
        seeds: Plan | None = _dbt(settings, window, [])
    except DbtError as exc:
        error, seeds = exc, exc.seeds
    try:
        summary = summarize(target_dir(settings), groups)
    except (OSError, ValueError, KeyError):
        if error is not None:
            raise error from None
        raise
    if seeds is not None and not seeds.load and SEEDS in summary["groups"]:
        summary["groups"][SEEDS]["kept"] = seeds.reason  # no node, on purpose: check() says so
    failed = [f["node"] for entry in summary["groups"].values() for f in entry["failed"]]
    for name, entry in summary["groups"].items():
        log.info("dbt group %s: %d passed, %d failed, %d skipped", name, entry["passed"],
                 len(entry["failed"]), len(entry["skipped"]))
    if error is not None and (summary["ungrouped"] or not failed):
        raise error
    if error is not None:
        log.warning("dbt build failed in %d node(s): %s — see the red group task(s)", len(failed),
                    ", ".join(failed))
    return summary


class GroupFailed(RuntimeError):
    """A group's models or tests failed in this run's dbt build."""


def check(group: Group, summary: dict[str, Any], try_number: int) -> dict[str, Any] | None:
    """First try: the group's result in the build, green (a dict) or red (:class:`GroupFailed`
    with each failed node's error); ``None`` when the group must rebuild: a retry, or nodes the
    build skipped because an earlier group failed and was since rebuilt."""
    entry = summary["groups"].get(group.name) or {"passed": 0, "failed": [], "skipped": []}
    if try_number > 1:
        return None
    if entry["failed"]:
        errors = "".join(f"\n{f['status']} in {f['node']}:\n{f['message']}" for f in entry["failed"])
        raise GroupFailed(f"dbt group {group.name}: {len(entry['failed'])} node(s) failed in "
                          f"dbt_build (retrying this task rebuilds the group):{errors}")
    if entry["skipped"]:
        return None
    if entry.get("kept"):  # dbt_build left the seeds out: as the last build that loaded them left them
        log.info("dbt group %s: %d node(s) passed in dbt_build; seeds unchanged, kept: %s", group.name,
                 entry["passed"], entry["kept"])
        return {"rebuilt": False, "passed": entry["passed"], "kept": entry["kept"]}
    log.info("dbt group %s: %d node(s) passed in dbt_build", group.name, entry["passed"])
    return {"rebuilt": False, "passed": entry["passed"]}


def rebuild(settings: Settings, window: Window, group: Group, summary: dict[str, Any]) -> dict[str, Any]:
    """``dbt build`` of the group alone: its models or seeds, the tests whose parents are all in
    it, and by name those whose last parent it holds."""
    entry = summary["groups"].get(group.name) or {"skipped": [], "extra_tests": []}
    log.info("dbt group %s: rebuilding (%d node(s) skipped by dbt_build)", group.name, len(entry["skipped"]))
    _dbt(settings, window, ["--select", group.selector, *entry["extra_tests"],
                            "--indirect-selection", "cautious"])
    return {"rebuilt": True}


def publish_marts(settings: Settings) -> Path | str:
    """Publish the marts under the writer lock (DuckDB: :func:`pilotage.publish.publish`); on the
    server warehouse, the ``marts`` schema swap under its build lock."""
    from pilotage.transform import publish_built
    from pilotage.warehouse import writer_lock

    if settings.warehouse_url:
        from pilotage import server_publish

        with server_publish.build_lock(settings.warehouse_url):
            publish_built(settings)
        return f"{settings.warehouse_url.split('@')[-1]} schema {server_publish.PUBLISHED}"
    with writer_lock(settings.warehouse_path, settings.lock_timeout_seconds):
        from pilotage.publish import publish

        return publish(settings)
