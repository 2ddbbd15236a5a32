"""Export layouts, the schema: what a layout YAML file may say, as frozen dataclasses.

A layout (a YAML file, parsed by ``layout_parser``, found by ``layout_lookup``) maps a vendor's
file to one canonical raw table.

A layout names the file format and, for every canonical column of the entity's contract, where
its value comes from and how to parse it. Top-level keys:

``entity``        the canonical entity, e.g. ``acd__contacts`` (required)
``format``        ``csv`` (any delimiter), ``tsv``, ``psv`` (pipe), ``jsonl`` (one record per
                  line) or ``json`` (a whole-file array, an object holding the records, several
                  concatenated objects, or one page object per line)
``delimiter`` / ``quote`` / ``header`` / ``skip_rows``   CSV dialect; with ``header: false``
                  columns are taken by position (``from: 3``, 1-based)
``encoding``      any Python codec name (``latin-1``, ``cp1252``, ``utf-16``, ``utf-8-sig``...)
``line_endings``  ``auto`` (default: LF and CRLF), ``lf``, ``crlf`` or ``cr`` (old Mac exports)
``records``       JSON: path of the records list inside each document (``conversations``)
``explode``       JSON: one output row per element of this list (paths starting with ``/`` are
                  then read from the enclosing record)
``versions``      the vendor re-delivers versions of a record: ``{order_by: last_updated_at}``
                  (``key`` defaults to the entity's contract key; ``order_by`` a contract column or
                  ``_row_number``). Without it a repeated contract key within a delivery is a
                  validation failure (rule ``duplicate_key``); with it, repeats are versions, raw
                  keeps them all and staging keeps the latest by ``order_by``
``file``          the delivered file's name in ``<landing>/<source>/``, any extension, with
                  ``{yyyymmdd}``, ``{yymmdd}``, ``{yyyy}``, ``{mm}``, ``{dd}`` (default: the
                  contract's name); with ``split_by`` the name may give only the month, or no date
``split_by``      the file holds several days (a month, say): each row belongs to the local
                  business day of this timestamp column, and each day loads as its own partition
``drop_when``     rules dropping records, each ``{name, column|field, <test>}`` or
                  ``{name, all: [...]}``/``{name, any: [...]}``; counts are reported per rule
``description`` / ``vendor``   free text

Column keys (``columns.<canonical name>``):

``from``          CSV header name, 1-based position (header-less CSV), or JSON path: dotted
                  names, ``[*]`` (every element), ``[N]`` (0-based element), ``[key=a|b]``
                  (elements whose ``key`` is ``a`` or ``b``); a path with ``[*]``/``[k=v]``
                  yields a list and needs ``agg``
``value: null`` / ``const: X``   the vendor has no such field: a typed NULL or a constant
``agg``           reduce a list: ``first``, ``last`` (non-null), ``min``, ``max``, ``sum``,
                  ``count``, ``join``; ``duration: [start, end]`` first turns each element into
                  the seconds between two of its timestamps; ``empty_as`` is the value of an
                  empty list; ``only_if: <path>`` keeps the column NULL unless that path has a value
``regex``         keep the first capture group of this pattern (applied first)
``nulls``         strings that mean "no value" (the empty string always does)
``values``        code map applied before typing, e.g. ``{ANS: answered, ABN: abandoned}``;
                  ``default`` is the value of any code the map does not list
``format``        strptime format for dates and timestamps (default: ISO 8601, offsets allowed),
                  ``epoch`` / ``epoch_ms`` (UTC seconds / milliseconds), or ``hms`` for a
                  duration ``[H]H:MM:SS`` / ``M:SS`` into seconds (numeric columns)
``scale``         multiply a numeric value (``0.001`` for milliseconds -> seconds)
``time_from``     a separate time-of-day field combined with the date (``time_format``);
                  ``time_regex`` keeps the first capture group of it (an interval label
                  ``09:00 - 09:15`` -> ``09:00`` with ``"^(\\S+)"``)
``tz`` / ``tz_from``  the wall-clock time zone (a name, or a field holding it); converted to UTC
``after``         another timestamp column: a value earlier than it by more than
                  ``after_tolerance`` (seconds, or ``90s``/``30m``/``1h``; default 1 hour) crossed
                  midnight (+1 day); a smaller gap is clock skew and the value is kept as is
``concat``        build the value from several fields, ``concat: [TRUNK, CALLID]`` joined by
                  ``sep`` (default ``-``); NULL when any part is missing (keys of several fields)
``case``          derive the value by condition: ``case: [{when: <test>, then: X}, ...]`` with
                  ``else: Y``; a test is ``{field: F, in|not_in|equals|is_null|below|above: ...}``
                  or ``{all|any: [tests]}``; ``then``/``else`` are constants or ``{from: F}``
``multiply`` / ``add`` / ``subtract``   arithmetic on numeric fields (each parsed as the
                  column's ``format``, e.g. ``hms``): ``multiply: [AVG_TALK, CALLS]`` turns an
                  average into a total; ``nulls`` applies to every operand; a missing operand
                  gives NULL

The layout is compiled to one DuckDB SELECT over the file; a value that is present but cannot
be parsed becomes NULL and its column name is listed in the row's ``_errors`` field, which the
validation suites treat as a blocking rule. Shipped layouts live in ``pilotage/layouts/``, vendor
layouts in ``pilotage/layouts/vendors/``; a folder of the same shape can replace them
(setting ``layouts_dir``) and the setting ``layouts`` (``PILOTAGE_LAYOUTS``) selects a vendor layout per entity
(``acd__contacts=genesys_cloud__conversation_details,crm__cases=zendesk__tickets``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pilotage.ingest.contracts import Entity

MISSING = object()  # a column option that was not given (None is a value: a typed NULL)


class LayoutError(ValueError):
    """A layout file is malformed, or a file does not match its layout."""


# --------------------------------------------------------------------------- JSON paths
@dataclass(frozen=True)
class PathStep:
    """One step of a JSON path: a field name, then optionally ``[*]``, ``[N]`` or ``[k=v|w]``."""

    name: str | None  # None: the step only selects within the current value
    selector: str | None = None  # "*", "N", or None
    filter_key: str | None = None
    filter_values: tuple[str, ...] = ()

    @property
    def fans_out(self) -> bool:
        return self.selector == "*" or self.filter_key is not None


_STEP = re.compile(r"^(?P<name>[^\[\]]*)(?:\[(?P<sel>[^\]]*)\])?$")


def parse_path(text: str) -> tuple[PathStep, ...]:
    """``a.b[*].c[kind=x|y].d`` -> steps; raises ValueError with the reason."""
    if not text or not text.strip():
        raise ValueError("empty path")
    steps = []
    for raw in text.split("."):
        match = _STEP.match(raw.strip())
        if not match or (not match.group("name") and match.group("sel") is None):
            raise ValueError(f"cannot read path step {raw!r} of {text!r}")
        name = match.group("name") or None
        sel = match.group("sel")
        if sel is None:
            steps.append(PathStep(name))
        elif sel == "*":
            steps.append(PathStep(name, "*"))
        elif sel.isdigit():
            steps.append(PathStep(name, sel))
        elif "=" in sel:
            key, _, values = sel.partition("=")
            if not key.strip() or not values.strip():
                raise ValueError(f"filter [{sel}] in {text!r} must be [key=value|value...]")
            steps.append(PathStep(name, None, key.strip(), tuple(v.strip() for v in values.split("|"))))
        else:
            raise ValueError(f"selector [{sel}] in {text!r} must be [*], [N] or [key=value]")
    return tuple(steps)


def path_fans_out(text: str) -> bool:
    return any(step.fans_out for step in parse_path(text.lstrip("/")))


# --------------------------------------------------------------------------- specs
@dataclass(frozen=True)
class ColumnSpec:
    name: str
    source: str | int | None  # None: ``value``/``const`` column
    type: str
    format: str | None = None
    time_from: str | int | None = None
    time_format: str = "%H:%M:%S"
    time_regex: str | None = None  # keep the first capture group of the time field ("09:00 - 09:15")
    tz: str | None = None
    tz_from: str | int | None = None
    after: str | None = None
    nulls: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)
    default: Any = MISSING
    const: Any = MISSING  # a constant (None = typed NULL) instead of a source field
    agg: str | None = None
    duration: tuple[str, str] | None = None
    empty_as: Any = None
    only_if: str | None = None
    regex: str | None = None
    scale: float | None = None
    after_tolerance: int = 3600  # seconds of clock skew that are not a midnight crossing
    concat: tuple[str | int, ...] = ()
    sep: str = "-"
    cases: tuple[CaseBranch, ...] = ()
    otherwise: Any = None  # ``else`` of ``case``: a constant or {"from": ref}
    operation: str | None = None  # multiply | add | subtract
    operands: tuple[str | int, ...] = ()

    @property
    def is_constant(self) -> bool:
        return self.source is None and not (self.concat or self.cases or self.operation)

    def refs(self) -> list[str | int]:
        """Every source field this column reads."""
        found = [self.source, self.time_from, self.tz_from, *self.concat, *self.operands]
        for branch in self.cases:
            found.extend(_condition_fields(branch.when))
            if isinstance(branch.then, dict):
                found.append(branch.then["from"])
        if isinstance(self.otherwise, dict):
            found.append(self.otherwise["from"])
        return [f for f in found if f is not None]

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING


@dataclass(frozen=True)
class DropCondition:
    """A test on a canonical column (typed) or a source field (raw text); or all/any of others."""

    column: str | None = None
    field: str | int | None = None
    test: str | None = None
    operand: Any = None
    all: tuple[DropCondition, ...] = ()
    any: tuple[DropCondition, ...] = ()


@dataclass(frozen=True)
class CaseBranch:
    """One ``when``/``then`` of a derived column; ``then`` is a constant or ``{"from": ref}``."""

    when: DropCondition
    then: Any


@dataclass(frozen=True)
class Versions:
    """The vendor re-delivers versions of a record: repeats of ``key`` are versions, ordered by
    ``order_by`` (the latest wins downstream)."""

    key: tuple[str, ...]
    order_by: str


@dataclass(frozen=True)
class DropRule:
    name: str
    condition: DropCondition


@dataclass(frozen=True)
class Layout:
    entity: Entity
    format: str  # csv | jsonl | json (tsv/psv are csv with their delimiter)
    columns: tuple[ColumnSpec, ...]
    delimiter: str = ","
    header: bool = True
    encoding: str = "utf-8"
    explode: str | None = None
    path: Path | None = None
    quote: str | None = '"'
    skip_rows: int = 0
    line_endings: str = "auto"
    records: str | None = None
    drop_when: tuple[DropRule, ...] = ()
    versions: Versions | None = None
    file: str | None = None  # delivered file name pattern, None: the contract's
    split_by: str | None = None  # the file holds several days: each row's day is this column's

    def source_fields(self) -> set[str]:
        """Top-level fields the file must provide (CSV header names)."""
        names: set[str] = set()
        for col in self.columns:
            for ref in col.refs():
                if isinstance(ref, str) and ref:
                    names.add(ref)
        for rule in self.drop_when:
            names.update(f for f in _condition_fields(rule.condition) if isinstance(f, str))
        return names

    def source_positions(self) -> set[int]:
        """1-based positions the file must provide (header-less CSV)."""
        out: set[int] = set()
        for col in self.columns:
            for ref in col.refs():
                if isinstance(ref, int):
                    out.add(ref)
        for rule in self.drop_when:
            out.update(f for f in _condition_fields(rule.condition) if isinstance(f, int))
        return out


def _condition_fields(cond: DropCondition) -> list[str | int]:
    found: list[str | int] = [cond.field] if cond.field is not None else []
    for sub in (*cond.all, *cond.any):
        found.extend(_condition_fields(sub))
    return found

