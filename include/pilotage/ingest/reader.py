"""Read one delivered export file into its canonical raw rows, as the layout says.

DuckDB does the parsing (fast on 100,000-row files, C++ CSV and JSON readers); the result is a
pandas DataFrame with the contract's columns, the audit columns and ``_errors`` (the columns of
that row whose value could not be parsed), ready for validation and loading. Records matched by
a layout's ``drop_when`` rules are left out; their count per rule is in ``frame.attrs["dropped"]``
and in the log (:func:`map_file` also returns the dropped rows themselves).
"""

from __future__ import annotations

import codecs
import logging
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
from pilotage.ingest.layouts import ColumnSpec, DropCondition, Layout, LayoutError, parse_path

log = logging.getLogger("pilotage.ingest")

_NATIVE_ENCODINGS = {"utf-8", "utf8"}
_DROP_COLUMN = "_dropped_by"
_MAX_JSON_DOCUMENT = 1 << 30  # a whole-file JSON export (one document) may be large


@dataclass(frozen=True)
class Delivered:
    """A delivered file as the pipeline knows it: which entity/day it is for and its hash."""

    path: Path
    business_date: date
    sha256: str
    source_name: str  # name as delivered in the landing folder


@dataclass
class MappedFile:
    """A file read through its layout: kept rows, dropped rows and the count per drop rule."""

    rows: pd.DataFrame
    dropped: pd.DataFrame
    drop_counts: dict[str, int] = field(default_factory=dict)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _json_path(steps) -> str:
    """DuckDB JSON path of non-fanning steps (names and [N] indexes)."""
    out = "$"
    for step in steps:
        if step.name:
            out += "." + _ident(step.name)
        if step.selector and step.selector != "*":
            out += f"[{step.selector}]"
    return out


class _Compiler:
    """Turns a layout into SQL expressions over one record (``_root``/``_item`` or a CSV row)."""

    def __init__(self, layout: Layout, csv_columns: list[str] | None = None, *, raw: bool = False) -> None:
        self.layout = layout
        self.csv_columns = csv_columns or []
        self.raw = raw  # also select each column's text before typing, as ``_raw__<column>``

    # -- raw field access ------------------------------------------------------------
    def _base(self, ref: str) -> tuple[str, str]:
        if self.layout.explode and not ref.startswith("/"):
            return "_item", ref
        return "_root", ref.lstrip("/")

    def _json_list(self, ref: str) -> str:
        """SQL list of JSON values for a path that fans out (``[*]`` / ``[k=v]``)."""
        base, path = self._base(ref)
        expr, pending, is_list = base, [], False
        for step in parse_path(path):
            if not is_list:
                if not step.fans_out:
                    pending.append(step)
                    continue
                target = _json_path([*pending, step]) + "[*]"
                expr, pending, is_list = f"json_extract({expr}, {_quote(target)})", [], True
            else:
                sub = _json_path([step])
                if step.fans_out:
                    each = _quote(sub + "[*]")
                    expr = f"flatten(list_transform({expr}, lambda x: json_extract(x, {each})))"
                else:
                    expr = f"list_transform({expr}, lambda x: json_extract(x, {_quote(sub)}))"
            if step.filter_key:
                key = _quote(_json_path([type(step)(step.filter_key)]))
                wanted = ", ".join(map(_quote, step.filter_values))
                expr = f"list_filter({expr}, lambda x: json_extract_string(x, {key}) in ({wanted}))"
        if pending:
            expr = f"list_transform({expr}, lambda x: json_extract(x, {_quote(_json_path(pending))}))"
        return expr

    def field(self, ref: str | int) -> str:
        """SQL for the raw text of one scalar field."""
        if self.layout.format == "csv":
            if isinstance(ref, int):
                return f"{_ident(self.csv_columns[ref - 1])}::varchar"
            return f"{_ident(ref)}::varchar"
        base, path = self._base(ref)
        return f"json_extract_string({base}, {_quote(_json_path(parse_path(path)))})"

    def _aggregate(self, spec: ColumnSpec) -> str:
        """Text of a list path reduced by ``agg`` (with ``duration``, ``empty_as``, ``only_if``)."""
        items = self._json_list(str(spec.source))
        numeric = spec.type in ("INTEGER", "DOUBLE")
        if spec.duration:
            start, end = (_quote(_json_path(parse_path(p))) for p in spec.duration)
            values = (f"list_filter(list_transform({items}, lambda x: date_diff('millisecond', "
                      f"try_cast(json_extract_string(x, {start}) as timestamptz), "
                      f"try_cast(json_extract_string(x, {end}) as timestamptz)) / 1000.0), "
                      f"lambda v: v is not null)")
            numeric = True
        else:
            values = (f"list_filter(list_transform({items}, lambda x: json_extract_string(x, '$')), "
                      f"lambda v: v is not null and trim(v) <> '')")
            if numeric and spec.agg in ("min", "max", "sum"):
                values = (f"list_filter(list_transform({values}, lambda v: try_cast(v as double)), "
                          f"lambda v: v is not null)")
        agg = spec.agg
        if agg == "first":
            out = f"({values})[1]"
        elif agg == "last":
            out = f"({values})[-1]"
        elif agg == "min":
            out = f"list_min({values})"
        elif agg == "max":
            out = f"list_max({values})"
        elif agg == "sum":
            values = values if numeric else f"list_transform({values}, lambda v: try_cast(v as double))"
            out = f"(case when len({values}) > 0 then list_sum({values}) end)"
        elif agg == "count":
            out = f"len({values})"
        else:  # join
            out = f"nullif(list_aggregate({values}, 'string_agg', ','), '')"
        out = f"({out})::varchar"
        if spec.empty_as is not None:
            out = f"coalesce({out}, {_quote(str(spec.empty_as))})"
        if spec.only_if:
            out = f"(case when {self._present(spec.only_if)} then {out} end)"
        return out

    def _present(self, ref: str) -> str:
        from pilotage.ingest.layouts import path_fans_out

        if path_fans_out(ref.lstrip("/")):
            items = self._json_list(ref)
            return f"len(list_filter({items}, lambda x: json_extract_string(x, '$') is not null)) > 0"
        return f"({self.field(ref)} is not null)"

    # -- text, typing -----------------------------------------------------------------
    def text(self, ref: str | int, spec: ColumnSpec, *, main: bool = True) -> str:
        """Raw text with regex, blanks, null sentinels and code maps applied."""
        if main and spec.agg:
            raw = self._aggregate(spec)
        else:
            raw = self.field(ref)
        expr = f"nullif(trim({raw}), '')"
        if spec.regex and main:
            expr = f"nullif(regexp_extract({expr}, {_quote(spec.regex)}, 1), '')"
        if spec.nulls:
            expr = f"(case when {expr} in ({', '.join(map(_quote, spec.nulls))}) then null else {expr} end)"
        if spec.values and main:
            whens = " ".join(
                f"when {_quote(k)} then {_literal(v)}" for k, v in spec.values.items()
            )
            other = _literal(spec.default) if spec.has_default else expr
            expr = f"(case when {expr} is null then null else (case {expr} {whens} else {other} end) end)"
        return expr

    def _to_utc(self, naive_local: str, spec: ColumnSpec) -> str:
        if spec.tz_from is not None:
            zone = self.text(spec.tz_from, spec, main=False)
        elif spec.tz:
            zone = _quote(spec.tz)
        else:
            return naive_local
        return f"timezone('UTC', timezone({zone}, {naive_local}))"

    def source_text(self, spec: ColumnSpec) -> str | None:
        """The column's text before typing (None for a ``value: null`` column)."""
        if spec.is_constant:
            return None if spec.const is None else _quote(str(spec.const))
        return self.text(spec.source, spec)

    def typed(self, spec: ColumnSpec) -> str:
        """SQL that parses the column's text into its contract type (NULL when it cannot)."""
        text = self.source_text(spec)
        if text is None:
            return f"null::{spec.type}"
        fmt = spec.format
        if spec.type == "VARCHAR":
            return text
        if spec.type in ("INTEGER", "DOUBLE"):
            number = _hms(text) if fmt == "hms" else f"try_cast({text} as double)"
            if spec.scale is not None:
                number = f"({number} * {spec.scale!r})"
            if spec.type == "DOUBLE":
                return number
            return f"try_cast(round({number}) as integer)"
        if spec.type == "BOOLEAN":
            return (
                f"(case lower({text}) when 'true' then true when 't' then true when '1' then true "
                f"when 'yes' then true when 'y' then true when 'false' then false when 'f' then false "
                f"when '0' then false when 'no' then false when 'n' then false end)"
            )
        if fmt in ("epoch", "epoch_ms"):
            divisor = 1000.0 if fmt == "epoch_ms" else 1.0
            utc = f"timezone('UTC', to_timestamp(try_cast({text} as double) / {divisor}))"
            return f"({utc})::date" if spec.type == "DATE" else utc
        if spec.type == "DATE":
            if fmt:
                return f"try_strptime({text}, {_quote(fmt)})::date"
            return f"try_cast({text} as date)"
        if spec.type == "TIMESTAMP":
            if spec.time_from is not None:
                time_text = self.text(spec.time_from, spec, main=False)
                text = f"({text} || ' ' || {time_text})"
                fmt = f"{fmt or '%Y-%m-%d'} {spec.time_format}"
            if fmt and "%z" in fmt:
                return f"timezone('UTC', try_strptime({text}, {_quote(fmt)}))"
            if fmt:
                return self._to_utc(f"try_strptime({text}, {_quote(fmt)})", spec)
            if spec.tz or spec.tz_from is not None:
                return self._to_utc(f"try_cast({text} as timestamp)", spec)
            return f"timezone('UTC', try_cast({text} as timestamptz))"
        raise LayoutError(f"unsupported contract type {spec.type} for {spec.name}")

    def select_list(self) -> str:
        """The SELECT list turning a record into canonical columns, ``_errors`` and drop fields."""
        by_name = {c.name: c for c in self.layout.columns}
        parts, checks = [], []
        for spec in self.layout.columns:
            expr = self.typed(spec)
            if spec.after:
                anchor = self.typed(by_name[spec.after])
                expr = f"(case when {expr} < {anchor} then {expr} + interval 1 day else {expr} end)"
            parts.append(f"{expr} as {_ident(spec.name)}")
            present = self.source_text(spec)
            if present is not None and spec.time_from is not None:
                present = f"({present} || ' ' || {self.text(spec.time_from, spec, main=False)})"
            if present is not None and not spec.is_constant:
                checks.append(f"case when {present} is not null and ({expr}) is null "
                              f"then {_quote(spec.name)} end")
            if self.raw and present is not None:
                parts.append(f"{present} as {_ident('_raw__' + spec.name)}")
        if checks:
            parts.append(f"nullif(concat_ws(',', {', '.join(checks)}), '') as _errors")
        else:
            parts.append("null::varchar as _errors")
        for i, ref in enumerate(self.drop_fields()):
            parts.append(f"nullif(trim({self.field(ref)}), '') as _drop_field_{i}")
        return ",\n  ".join(parts)

    def drop_fields(self) -> list[str | int]:
        refs: list[str | int] = []

        def walk(cond: DropCondition) -> None:
            if cond.field is not None and cond.field not in refs:
                refs.append(cond.field)
            for sub in (*cond.all, *cond.any):
                walk(sub)

        for rule in self.layout.drop_when:
            walk(rule.condition)
        return refs

    def drop_case(self) -> str:
        """``case when <rule> then '<name>' ... end`` over the mapped row (first rule wins)."""
        if not self.layout.drop_when:
            return f"null::varchar as {_DROP_COLUMN}"
        fields = self.drop_fields()
        whens = " ".join(f"when {self._condition(r.condition, fields)} then {_quote(r.name)}"
                         for r in self.layout.drop_when)
        return f"(case {whens} end) as {_DROP_COLUMN}"

    def _condition(self, cond: DropCondition, fields: list[str | int]) -> str:
        if cond.all:
            parts = [f"coalesce({self._condition(c, fields)}, false)" for c in cond.all]
            return "(" + " and ".join(parts) + ")"
        if cond.any:
            parts = [f"coalesce({self._condition(c, fields)}, false)" for c in cond.any]
            return "(" + " or ".join(parts) + ")"
        if cond.column is not None:
            target, as_text = _ident(cond.column), False
        else:
            target, as_text = f"_drop_field_{fields.index(cond.field)}", True
        test, operand = cond.test, cond.operand
        if test == "is_null":
            return f"({target} is {'' if operand else 'not '}null)"
        if test in ("below", "above"):
            op = "<" if test == "below" else ">"
            return f"(try_cast({target} as double) {op} {float(operand)!r})"
        items = operand if test in ("in", "not_in") else [operand]
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in items)
        if numbers and not as_text:
            lhs, rhs = f"try_cast({target} as double)", ", ".join(repr(float(v)) for v in items)
        else:
            lhs, rhs = f"{target}::varchar", ", ".join(_quote(_as_text(v)) for v in items)
        if not items:
            return "false" if test != "not_in" else f"({target} is not null)"
        neg = "not " if test == "not_in" else ""
        return f"({lhs} {neg}in ({rhs}))"


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _literal(value) -> str:
    return "null" if value is None else _quote(_as_text(value))


def _hms(text: str) -> str:
    """``[H]H:MM:SS`` / ``M:SS`` / ``S`` (optionally negative) -> seconds, NULL if malformed."""
    digits = f"ltrim({text}, '-')"
    seconds = (f"list_reduce(list_transform(string_split({digits}, ':'), lambda p: p::bigint), "
               f"lambda a, b: a * 60 + b)")
    sign = f"(case when starts_with({text}, '-') then -1 else 1 end)"
    return (f"(case when regexp_full_match({text}, '-?[0-9]+(:[0-9]{{1,2}}){{0,2}}') "
            f"then {sign} * {seconds} end)::double")


def compile_select(layout: Layout, csv_columns: list[str] | None = None) -> str:
    """The SELECT list turning a record (``_root``/``_item`` or CSV row) into canonical columns."""
    return _Compiler(layout, csv_columns).select_list()


def _prepared(layout: Layout, path: Path, tmp_dir: str) -> Path:
    """The file as DuckDB can read it: transcoded to UTF-8 and with LF/CRLF line ends if needed."""
    encoding = codecs.lookup(layout.encoding).name
    if encoding in _NATIVE_ENCODINGS and layout.line_endings != "cr":
        return path
    target = Path(tmp_dir) / (path.name + ".utf8")
    try:
        with open(path, encoding=layout.encoding, newline="") as src, \
                open(target, "w", encoding="utf-8", newline="") as dst:
            for chunk in iter(lambda: src.read(1 << 20), ""):
                if layout.line_endings == "cr":
                    chunk = chunk.replace("\r\n", "\n").replace("\r", "\n")
                dst.write(chunk)
    except UnicodeError as exc:
        raise LayoutError(f"{path.name}: cannot be decoded as {layout.encoding}: {exc}") from None
    return target


def _csv_reader(layout: Layout, target: str) -> str:
    quote = _quote(layout.quote) if layout.quote else "''"
    return (
        f"read_csv({target}, delim={_quote(layout.delimiter)}, header={str(layout.header).lower()}, "
        f"all_varchar=true, encoding='utf-8', quote={quote}, escape={quote}, skip={layout.skip_rows}, "
        f"strict_mode=false, null_padding=true)"
    )


def _from_clause(layout: Layout, path: Path, con: duckdb.DuckDBPyConnection,
                 name: str) -> tuple[str, list[str]]:
    target = _quote(str(path))
    if layout.format == "csv":
        reader = _csv_reader(layout, target)
        header = [row[0] for row in con.execute(f"describe select * from {reader}").fetchall()]
        if layout.header:
            missing = sorted(layout.source_fields() - set(header))
            if missing:
                raise LayoutError(f"{name}: missing column(s) {missing}; header has {header}")
        else:
            needed = max(layout.source_positions(), default=0)
            if needed > len(header):
                raise LayoutError(f"{name}: the layout reads column {needed} but the file has "
                                  f"{len(header)} column(s)")
        return f"(select row_number() over () as _row_number, * from {reader})", header
    if layout.format == "jsonl":
        docs = f"read_json_objects({target}, format='newline_delimited')"
    else:
        docs = f"read_json_objects({target}, format='unstructured', maximum_object_size={_MAX_JSON_DOCUMENT})"
    if layout.format == "json":
        if layout.records:
            list_path = _quote(_json_path(parse_path(layout.records)) + "[*]")
            records = f"(select unnest(json_extract(json, {list_path})) as _root from {docs})"
        else:
            records = (f"(select unnest(case when json_type(json) = 'ARRAY' then json_extract(json, '$[*]') "
                       f"else [json] end) as _root from {docs})")
        rows = f"(select row_number() over () as _row_number, _root from {records})"
    else:
        rows = f"(select row_number() over () as _row_number, json as _root from {docs})"
    if layout.explode:
        item_path = _quote(_json_path(parse_path(layout.explode)) + "[*]")
        items = f"unnest(json_extract(_root, {item_path})) as _item"
        return f"(select _row_number, _root, {items} from {rows})", []
    return rows, []


def map_file(layout: Layout, delivered: Delivered, *, raw: bool = False) -> MappedFile:
    """Parse one delivered file into canonical rows, apart from the rows its drop rules remove.

    ``raw=True`` adds ``_raw__<column>``: each column's text before typing (to show why it failed)."""
    path = delivered.path
    if path.stat().st_size == 0:
        raise LayoutError(f"{delivered.source_name}: file is empty (0 bytes)")
    con = duckdb.connect()
    tmp_dir = tempfile.mkdtemp(prefix="pilotage-read-")
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("set enable_progress_bar = false")
        readable = _prepared(layout, path, tmp_dir)
        source, csv_columns = _from_clause(layout, readable, con, delivered.source_name)
        compiler = _Compiler(layout, csv_columns, raw=raw)
        mapped = (
            f"select\n  {compiler.select_list()},\n"
            f"  {_quote(delivered.business_date.isoformat())}::date as _business_date,\n"
            f"  {_quote(delivered.source_name)} as _source_file,\n"
            f"  {_quote(delivered.sha256)} as _file_sha256,\n"
            f"  _row_number::integer as _row_number\n"
            f"from {source}"
        )
        hidden = [f"_drop_field_{i}" for i in range(len(compiler.drop_fields()))]
        con.execute(f"create temp table _mapped as select *, {compiler.drop_case()} from ({mapped})")
        exclude = ", ".join([_DROP_COLUMN, *hidden])
        # no ORDER BY: the temp table keeps the file's order (exploded rows included)
        rows = con.execute(f"select * exclude ({exclude}) from _mapped where {_DROP_COLUMN} is null").df()
        keep = f"* exclude ({', '.join(hidden)})" if hidden else "*"
        dropped = con.execute(f"select {keep} from _mapped where {_DROP_COLUMN} is not null").df()
        counts = dict(con.execute(f"select {_DROP_COLUMN}, count(*) from _mapped where {_DROP_COLUMN} "
                                  f"is not null group by 1 order by 1").fetchall())
    except duckdb.Error as exc:
        first_line = str(exc).strip().splitlines()[0]
        raise LayoutError(f"{delivered.source_name}: cannot be read as {layout.format}: "
                          f"{first_line}") from None
    finally:
        con.close()
        for leftover in Path(tmp_dir).iterdir():
            leftover.unlink()
        os.rmdir(tmp_dir)
    for rule, count in counts.items():
        log.info("%s: dropped %d record(s) by rule %r of %s", delivered.source_name, count, rule,
                 layout.path.name if layout.path else "the layout")
    return MappedFile(rows, dropped, counts)


def _header_problem(layout: Layout, path: Path, name: str) -> str | None:
    """Check a CSV file's header (or column count) against the layout without DuckDB."""
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        for _ in range(layout.skip_rows):
            handle.readline()
        first = handle.readline()
    quote = layout.quote or None
    fields = next(csv.reader([first], delimiter=layout.delimiter, quotechar=quote or '"',
                             quoting=csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE), [])
    fields = [f.strip() for f in fields]
    if layout.header:
        missing = sorted(layout.source_fields() - set(fields))
        if missing:
            return f"{name}: missing column(s) {missing}; header has {fields}"
        return None
    needed = max(layout.source_positions(), default=0)
    if needed > len(fields):
        return f"{name}: the layout reads column {needed} but the file has {len(fields)} column(s)"
    return None


def _many_from_clause(layout: Layout, paths: list[str]) -> str:
    """Rows of several files in one scan, with ``filename`` and the 1-based ``_row_number``
    within each file (scan order is file order: DuckDB keeps insertion order)."""
    targets = "[" + ", ".join(_quote(p) for p in paths) + "]"
    if layout.format == "csv":
        reader = _csv_reader(layout, targets).replace(
            "null_padding=true)", f"null_padding=true, filename=true{', union_by_name=true' if layout.header else ''})")
        numbered = f"(select row_number() over () as _g, * from {reader})"
    elif layout.format == "jsonl":
        numbered = (f"(select row_number() over () as _g, filename, json as _root from "
                    f"read_json_objects({targets}, format='newline_delimited', filename=true))")
    else:
        raise LayoutError(f"format {layout.format} is read file by file")
    rows = f"(select (_g - min(_g) over (partition by filename) + 1) as _row_number, * exclude (_g) from {numbered})"
    if layout.explode:
        item_path = _quote(_json_path(parse_path(layout.explode)) + "[*]")
        return f"(select filename, _row_number, _root, unnest(json_extract(_root, {item_path})) as _item from {rows})"
    return rows


def map_files(layout: Layout, deliveries: list[Delivered]) -> tuple[pd.DataFrame, dict[int, str]]:
    """Parse many delivered files of one entity in a single DuckDB query (the fast path for a
    window of days). Returns the kept rows with ``_delivery`` (index into ``deliveries``) and the
    files that could not be read, as {index: reason}. An empty JSON Lines file is a day with no
    rows. When the batch query fails, every file is read alone so the bad one is named."""
    errors: dict[int, str] = {}
    frames: list[pd.DataFrame] = []
    tmp_dir = tempfile.mkdtemp(prefix="pilotage-read-")
    con = duckdb.connect()
    try:
        readable: dict[str, int] = {}
        for index, delivered in enumerate(deliveries):
            if delivered.path.stat().st_size == 0:
                if layout.format != "jsonl":
                    errors[index] = f"{delivered.source_name}: file is empty (0 bytes)"
                continue
            try:
                prepared = _prepared(layout, delivered.path, tmp_dir)
            except LayoutError as exc:
                errors[index] = str(exc)
                continue
            problem = _header_problem(layout, prepared, delivered.source_name) if layout.format == "csv" else None
            if problem:
                errors[index] = problem
            else:
                readable[str(prepared)] = index
        if readable and layout.format in ("csv", "jsonl"):
            con.execute("set TimeZone = 'UTC'")
            con.execute("set enable_progress_bar = false")
            files = pd.DataFrame({
                "filename": list(readable),
                "_delivery": list(readable.values()),
                "_business_date": [deliveries[i].business_date for i in readable.values()],
                "_source_file": [deliveries[i].source_name for i in readable.values()],
                "_file_sha256": [deliveries[i].sha256 for i in readable.values()],
            })
            con.register("_files", files)
            source = _many_from_clause(layout, list(readable))
            csv_columns = None
            if layout.format == "csv" and not layout.header:
                csv_columns = [r[0] for r in con.execute(
                    f"describe select * exclude (filename, _row_number) from {source}").fetchall()]
            compiler = _Compiler(layout, csv_columns)
            mapped = (
                f"select\n  {compiler.select_list()},\n"
                f"  _files._business_date::date as _business_date, _files._source_file,\n"
                f"  _files._file_sha256, _row_number::integer as _row_number, _files._delivery\n"
                f"from {source} as src join _files using (filename)"
            )
            try:
                con.execute(f"create temp table _mapped as select *, {compiler.drop_case()} from ({mapped})")
                hidden = [f"_drop_field_{i}" for i in range(len(compiler.drop_fields()))]
                exclude = ", ".join([_DROP_COLUMN, *hidden])
                frames.append(con.execute(f"select * exclude ({exclude}) from _mapped "
                                          f"where {_DROP_COLUMN} is null order by _delivery, _row_number").df())
                for rule, count in con.execute(f"select {_DROP_COLUMN}, count(*) from _mapped where "
                                               f"{_DROP_COLUMN} is not null group by 1 order by 1").fetchall():
                    log.info("dropped %d record(s) by rule %r", count, rule)
                readable = {}
            except duckdb.Error:
                pass  # fall back to one file at a time, below, to name the file that breaks
        for index in readable.values():
            try:
                frame = read_file(layout, deliveries[index])
            except LayoutError as exc:
                errors[index] = str(exc)
                continue
            frames.append(frame.assign(_delivery=index))
    finally:
        con.close()
        for leftover in Path(tmp_dir).iterdir():
            leftover.unlink()
        os.rmdir(tmp_dir)
    frames = [f for f in frames if not f.empty]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return rows, errors


def read_file(layout: Layout, delivered: Delivered) -> pd.DataFrame:
    """Parse one delivered file into canonical rows; raises LayoutError if it cannot be read at all.

    Rows dropped by the layout's rules are not returned; ``frame.attrs["dropped"]`` counts them."""
    mapped = map_file(layout, delivered)
    mapped.rows.attrs["dropped"] = dict(mapped.drop_counts)
    return mapped.rows
