"""Validate canonical rows with the Great Expectations suites stored in ``expectations/``.

One suite per entity (``expectations/<source>__<entity>.json``, GX 1.x suite format), plus the
contract-key rule built from the layout (``duplicate_key``: the key appears once per delivery;
``duplicate_version`` instead when the layout declares ``versions``). Each expectation's
``meta.severity`` (overridden per center by the rules file, see ``rules``) says what a failure
does: ``blocking`` quarantines the file it occurs in, ``warning`` is recorded and the file is
loaded, ``reject_rows`` keeps the failing rows out (up to the rule's threshold) and loads the
rest. A window's files are validated in chunks of a bounded size (``WindowValidator``; memory
stays flat whatever the window's length), each chunk in one pass (fast when clean); only when a
rule that is not a warning fails is each file re-validated alone, so the message can name the
file, the rule and the rows. Verdicts and messages are those of validating the whole window at
once: every rule is checked row by row within one delivery, so counts and examples add up.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from pilotage.center import SAMPLE_CENTER
from pilotage.ingest.layout_spec import Layout
from pilotage.ingest.reader import Delivered
from pilotage.ingest.rules import Rules, RuleSetting
from pilotage.settings import DEFAULT_TIME_ZONE, export_defaults

MAX_ROWS_IN_MESSAGE = 10


@dataclass
class FileVerdict:
    """What validation decided for one delivered file."""

    delivered: Delivered
    blocking: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejected: dict[int, list[str]] = field(default_factory=dict)  # row number -> rule ids
    results: list[dict[str, Any]] = field(default_factory=list)  # failed GX results (JSON), see validation_docs

    @property
    def accepted(self) -> bool:
        return not self.blocking

    @property
    def message(self) -> str:
        return "; ".join(self.blocking or self.warnings)


@lru_cache(maxsize=1)
def _gx():
    """Import GX lazily (~5 s) with analytics and progress bars off, and build one context."""
    export_defaults({"GX_ANALYTICS_ENABLED": "false"})  # GX reads it at import
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )
    from great_expectations.execution_engine import pandas_execution_engine

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    # GX hashes every row of a batch, twice a validation, for a fingerprint nothing here reads
    # (a third of GX's time); frames at or above the threshold are not hashed: 0 turns it off
    pandas_execution_engine.HASH_THRESHOLD = 0
    context = gx.get_context(mode="ephemeral", project_config=config)
    asset = context.data_sources.add_pandas("exports").add_dataframe_asset(name="rows")
    return gx, asset.add_batch_definition_whole_dataframe("all rows")


def _seed_values(reference: str, seeds_dir: Path) -> list[str]:
    """Values of ``<seed>.<column>`` from the center folder's CSVs (the center configuration)."""
    seed, _, column = reference.partition(".")
    with open(seeds_dir / f"{seed}.csv", newline="", encoding="utf-8") as handle:
        return sorted({row[column] for row in csv.DictReader(handle)})


def _resolve(value: Any, seeds_dir: Path) -> Any:
    """Replace ``{"$seed": "queues.queue_name"}`` by that seed column's values, anywhere."""
    if isinstance(value, dict):
        if set(value) == {"$seed"}:
            return _seed_values(value["$seed"], seeds_dir)
        return {k: _resolve(v, seeds_dir) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, seeds_dir) for v in value]
    return value


def key_rule(layout: Layout) -> dict[str, Any] | None:
    """The contract-key rule of a layout's entity: repeats of the key within one delivery fail
    (``_delivery`` numbers the deliveries validated together), unless the layout declares
    ``versions``: then only two versions with the same ``order_by`` value fail."""
    ent = layout.entity
    if layout.versions:
        key, order_by = layout.versions.key, layout.versions.order_by
        cols, rule_id = [*key, order_by], "duplicate_version"
        rule = (f"versions of one {'+'.join(key)} differ by {order_by} (the layout declares "
                "that the vendor re-delivers versions; staging keeps the latest)")
    elif ent.unique_key:
        cols, rule_id = list(ent.unique_key), "duplicate_key"
        rule = (f"{'+'.join(ent.unique_key)} appears once per delivery (build the key from several "
                "fields with 'concat' in the layout, or declare 'versions' if the vendor re-delivers "
                "versions of a record)")
    else:
        return None
    return {"type": "expect_compound_columns_to_be_unique",
            "kwargs": {"column_list": [*cols, "_delivery"], "ignore_row_if": "any_value_is_missing"},
            "meta": {"id": rule_id, "severity": "blocking", "rule": rule}}


def suite_document(expectations_dir: Path, entity_key: str, layout: Layout | None = None,
                   rules: Rules | None = None) -> dict[str, Any]:
    """The entity's suite as JSON: the stored rules, the layout's key rule, the center's
    severities (``rules``) in ``meta.severity``."""
    doc = json.loads((expectations_dir / f"{entity_key}.json").read_text(encoding="utf-8"))
    extra = key_rule(layout) if layout is not None else None
    if extra:
        doc["expectations"].append(extra)
    overrides = (rules or {}).get(entity_key, {})
    known = {e.get("meta", {}).get("id") for e in doc["expectations"]}
    unknown = sorted(set(overrides) - known)
    if unknown:
        from pilotage.ingest.rules import RulesError

        raise RulesError(f"rules for {entity_key}: no rule {unknown}; rule ids: {sorted(filter(None, known))}")
    for expectation in doc["expectations"]:
        meta = expectation.setdefault("meta", {})
        if meta.get("id") in overrides:
            meta["severity"] = overrides[meta["id"]].severity
    return doc


def load_suite(expectations_dir: Path, entity_key: str, seeds_dir: Path | None = None,
               layout: Layout | None = None, rules: Rules | None = None):
    """The entity's suite; value sets may come from the dbt seeds (``{"$seed": "file.column"}``),
    so a queue added to the center's ``queues.csv`` is accepted without editing the suite."""
    gx, _ = _gx()
    doc = suite_document(expectations_dir, entity_key, layout, rules)
    seeds = seeds_dir or SAMPLE_CENTER
    return gx.ExpectationSuite(**_resolve(doc, seeds))


def _severity(result) -> str:
    return (result.expectation_config.meta or {}).get("severity", "blocking")


def _rule_id(result) -> str:
    cfg = result.expectation_config
    return (cfg.meta or {}).get("id") or cfg.type


def _describe(result, rows: list[Any] | None, outcome: dict[str, Any] | None = None) -> str:
    """A failed rule in words; ``outcome`` replaces ``result.result`` (a window's added-up counts)."""
    cfg = result.expectation_config
    meta = cfg.meta or {}
    rule = meta.get("rule") or cfg.type
    kwargs = {k: v for k, v in cfg.kwargs.items() if k in ("column", "column_A", "column_B", "column_list")}
    outcome = result.result if outcome is None else outcome
    count = outcome.get("unexpected_count")
    text = f"rule '{rule}' [{meta.get('id') or cfg.type}] ({cfg.type} {kwargs}) failed"
    if count is not None:
        text += f" on {count} row(s)"
    if rows:
        text += f", e.g. row(s) {rows[:MAX_ROWS_IN_MESSAGE]}"
    examples = outcome.get("partial_unexpected_list")
    if examples:
        text += f", values {examples[:3]}"
    return text


def suite_columns(suite) -> set[str] | None:
    """The columns the suite's rules read, and ``_row_number``; None if a rule may read others."""
    columns = {"_row_number"}
    for expectation in suite.expectations:
        kwargs = expectation.configuration.kwargs
        if expectation.expectation_type.startswith("expect_table_") or kwargs.get("row_condition"):
            return None
        for key in ("column", "column_A", "column_B", "column_list"):
            value = kwargs.get(key)
            columns.update([value] if isinstance(value, str) else value or [])
    return columns


def _run(suite, frame: pd.DataFrame, with_rows: bool):
    """GX's results on the columns the rules read (GX copies the frame when it filters rows)."""
    _, batch_definition = _gx()
    wanted = suite_columns(suite)
    if wanted is not None:
        frame = frame[[c for c in frame.columns if c in wanted]]
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    fmt: dict[str, Any] = {"result_format": "COMPLETE" if with_rows else "SUMMARY"}
    if with_rows:
        fmt["unexpected_index_column_names"] = ["_row_number"]
    return batch.validate(suite, result_format=fmt)


def _row_numbers(result) -> list[int]:
    found = (result.result.get("unexpected_index_list")
             or result.result.get("partial_unexpected_index_list") or [])
    rows = []
    for item in found:
        value = item.get("_row_number") if isinstance(item, dict) else item
        if value is not None:
            rows.append(int(value))
    return sorted(set(rows))


ROW_DATE = "_row_business_date"  # derived column: the business day a row belongs to


def with_row_business_date(suite, rows: pd.DataFrame, time_zone: str) -> pd.DataFrame:
    """Add ``_row_business_date`` when the suite has a rule on it: the local date (in the
    center's ``time_zone``) of the column its ``meta.business_date_of`` names. A DATE column or
    a ``*_local`` wall-clock column is taken as is; other timestamps are UTC."""
    source = next((e.meta["business_date_of"] for e in suite.expectations
                   if (e.meta or {}).get("business_date_of")), None)
    if source is None or source not in rows:
        return rows
    values = pd.to_datetime(rows[source])
    if not source.endswith(("_date", "_local")):
        values = values.dt.tz_localize("UTC").dt.tz_convert(time_zone).dt.tz_localize(None)
    day = values.dt.normalize()
    if rows["_business_date"].dtype == object:  # python dates (a multi-day file's split rows)
        return rows.assign(**{ROW_DATE: day.dt.date})
    return rows.assign(**{ROW_DATE: day.astype(rows["_business_date"].dtype)})


def validate(
    entity_key: str, deliveries: list[Delivered], readable: list[int], rows: pd.DataFrame,
    expectations_dir: Path, seeds_dir: Path | None = None, time_zone: str = DEFAULT_TIME_ZONE, *,
    layout: Layout | None = None, rules: Rules | None = None,
) -> dict[int, FileVerdict]:
    """Validate the rows of several files of one entity (``rows._delivery`` indexes
    ``deliveries``; absent: one file); returns a verdict for every readable file."""
    if rows.empty:
        return {i: FileVerdict(deliveries[i]) for i in readable}
    if "_delivery" not in rows.columns:
        rows = rows.assign(_delivery=readable[0])
    validator = WindowValidator(entity_key, deliveries, expectations_dir, seeds_dir, time_zone,
                                layout=layout, rules=rules)
    validator.add(readable, rows)
    return validator.finish(lambda files: rows[rows["_delivery"].isin(files)])


class WindowValidator:
    """Validate a window's files chunk by chunk (``add``), holding one chunk's rows at a time.

    After ``add`` a file's acceptance and rejected rows are final (every rule is judged within
    one delivery); ``finish`` completes the messages as one pass over the window would write
    them: the window's added-up warnings on every file when only warnings failed, else each
    file's own failures (re-reading, through ``reparse``, a chunk that had only warnings)."""

    def __init__(self, entity_key: str, deliveries: list[Delivered], expectations_dir: Path,
                 seeds_dir: Path | None = None, time_zone: str = DEFAULT_TIME_ZONE, *,
                 layout: Layout | None = None, rules: Rules | None = None) -> None:
        self.deliveries = deliveries
        self.time_zone = time_zone
        self.suite = load_suite(expectations_dir, entity_key, seeds_dir, layout, rules)
        self.settings = (rules or {}).get(entity_key, {})
        self.verdicts: dict[int, FileVerdict] = {}
        self.per_file = False  # a rule that is not a warning failed in some file
        self.warned: dict[int, tuple[Any, dict[str, Any]]] = {}  # rule position -> added-up outcome
        self.to_describe: list[list[int]] = []  # chunks whose files had warnings only

    def add(self, readable: list[int], rows: pd.DataFrame) -> dict[int, FileVerdict]:
        """Validate the rows of some files (``rows._delivery`` indexes the deliveries)."""
        verdicts = {i: FileVerdict(self.deliveries[i]) for i in readable}
        self.verdicts.update(verdicts)
        if rows.empty:
            return verdicts
        rows = with_row_business_date(self.suite, rows, self.time_zone)
        results = _run(self.suite, rows, with_rows=False).results
        failed = [(n, r) for n, r in enumerate(results) if not r.success]
        if any(_severity(r) != "warning" for _, r in failed):
            self.per_file = True
            self._judge_files(rows)
        elif failed:
            for position, result in failed:
                self._add_up(position, result)
            self.to_describe.append(sorted(int(i) for i in rows["_delivery"].unique()))
        return verdicts

    def _add_up(self, position: int, result) -> None:
        count = result.result.get("unexpected_count")
        examples = list(result.result.get("partial_unexpected_list") or [])
        if position not in self.warned:
            self.warned[position] = (result, {"unexpected_count": count,
                                              "partial_unexpected_list": examples})
            return
        outcome = self.warned[position][1]
        if count is None or outcome["unexpected_count"] is None:
            outcome["unexpected_count"] = None
        else:
            outcome["unexpected_count"] += count
        outcome["partial_unexpected_list"] = (outcome["partial_unexpected_list"] + examples)[:20]

    def _judge_files(self, rows: pd.DataFrame) -> None:
        for index, file_rows in rows.groupby("_delivery", sort=True):
            verdict = self.verdicts[int(index)]
            for result in _run(self.suite, file_rows.reset_index(drop=True), with_rows=True).results:
                if not result.success:
                    _judge(verdict, result, self.settings, len(file_rows))

    def finish(self, reparse: Callable[[list[int]], pd.DataFrame]) -> dict[int, FileVerdict]:
        """Every file's verdict; ``reparse(files)`` gives those files' rows again (needed only
        when one chunk had a blocking failure and another only warnings)."""
        if self.per_file:
            for files in self.to_describe:
                self._judge_files(with_row_business_date(self.suite, reparse(files), self.time_zone))
        else:
            warnings = [_describe(result, None, outcome)
                        for _, (result, outcome) in sorted(self.warned.items())]
            for verdict in self.verdicts.values():
                verdict.warnings.extend(warnings)
        self.to_describe, self.warned = [], {}
        return self.verdicts


def _judge(verdict: FileVerdict, result, settings: dict[str, RuleSetting], total: int) -> None:
    """Record one failed rule on a file's verdict, as its severity says."""
    verdict.results.append(result.to_json_dict())
    rows = _row_numbers(result)
    text = _describe(result, rows)
    severity = _severity(result)
    if severity == "reject_rows":
        setting = settings.get(_rule_id(result), RuleSetting("reject_rows"))
        failing = len(rows)
        if not rows or failing < (result.result.get("unexpected_count") or 0):
            verdict.blocking.append(text + " (rows cannot be told apart: the whole file is blocked)")
        elif setting.too_many(failing, total):
            verdict.blocking.append(f"{text}: {failing} of {total} row(s) is above the reject_rows "
                                    f"threshold ({setting.threshold()})")
        else:
            for row in rows:
                verdict.rejected.setdefault(row, []).append(_rule_id(result))
            verdict.warnings.append(f"{text}: {failing} row(s) rejected to raw._rejected_rows")
    elif severity == "warning":
        verdict.warnings.append(text)
    else:
        verdict.blocking.append(text)
