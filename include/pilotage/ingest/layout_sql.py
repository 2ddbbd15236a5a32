"""Export layouts compiled to SQL: DuckDB expressions turning one record into canonical columns.

A record is a JSON value (``_root``, or ``_item`` for an exploded list) or a CSV row. Each
column's expression parses and types the value as its layout says; a value that is present but
cannot be parsed becomes NULL and its column name goes into the row's ``_errors`` list. Drop
rules compile to a CASE naming the first rule a record matches (``DROP_COLUMN``). File I/O is
``reader``'s job.

Longer than 350 lines: one compiler for every option of the layout language, whose expressions
call each other (text, typing, derived columns, drop rules); split, they would import each other.
"""

from __future__ import annotations

from pilotage.ingest.layout_spec import (
    ColumnSpec,
    DropCondition,
    Layout,
    LayoutError,
    parse_path,
    path_fans_out,
)

DROP_COLUMN = "_dropped_by"


def sql_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def json_path(steps) -> str:
    """DuckDB JSON path of non-fanning steps (names and [N] indexes)."""
    out = "$"
    for step in steps:
        if step.name:
            out += "." + _ident(step.name)
        if step.selector and step.selector != "*":
            out += f"[{step.selector}]"
    return out


class LayoutCompiler:
    """Turns a layout into SQL expressions over one record (``_root``/``_item`` or a CSV row)."""

    def __init__(self, layout: Layout, csv_columns: list[str] | None = None, *, raw: bool = False) -> None:
        self.layout = layout
        self.csv_columns = csv_columns or []
        self.raw = raw  # also select each column's text before typing, as ``_raw__<column>``
        self._paths: dict[str, list[str]] = {}  # record ("_root"/"_item") -> JSON paths read

    def source(self, records: str) -> str:
        """``records`` plus ``_root__fields``: the JSON fields read so far (build the select list
        first), extracted in one parse of each record instead of one per field and use."""
        lists = [f"json_extract_string({base}, [{', '.join(paths)}]) as {base}__fields"
                 for base, paths in self._paths.items()]
        return f"(select *, {', '.join(lists)} from {records})" if lists else records

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
                target = json_path([*pending, step]) + "[*]"
                expr, pending, is_list = f"json_extract({expr}, {sql_quote(target)})", [], True
            else:
                sub = json_path([step])
                if step.fans_out:
                    each = sql_quote(sub + "[*]")
                    expr = f"flatten(list_transform({expr}, lambda x: json_extract(x, {each})))"
                else:
                    expr = f"list_transform({expr}, lambda x: json_extract(x, {sql_quote(sub)}))"
            if step.filter_key:
                key = sql_quote(json_path([type(step)(step.filter_key)]))
                wanted = ", ".join(map(sql_quote, step.filter_values))
                expr = f"list_filter({expr}, lambda x: json_extract_string(x, {key}) in ({wanted}))"
        if pending:
            expr = f"list_transform({expr}, lambda x: json_extract(x, {sql_quote(json_path(pending))}))"
        return expr

    def field(self, ref: str | int) -> str:
        """SQL for the raw text of one scalar field."""
        if self.layout.format == "csv":
            if isinstance(ref, int):
                return f"{_ident(self.csv_columns[ref - 1])}::varchar"
            return f"{_ident(ref)}::varchar"
        base, path = self._base(ref)
        paths = self._paths.setdefault(base, [])
        quoted = sql_quote(json_path(parse_path(path)))
        paths += [] if quoted in paths else [quoted]
        return f"{base}__fields[{paths.index(quoted) + 1}]"

    def _aggregate(self, spec: ColumnSpec) -> str:
        """Text of a list path reduced by ``agg`` (with ``duration``, ``empty_as``, ``only_if``)."""
        items = self._json_list(str(spec.source))
        numeric = spec.type in ("INTEGER", "DOUBLE")
        if spec.duration:
            start, end = (sql_quote(json_path(parse_path(p))) for p in spec.duration)
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
            out = f"coalesce({out}, {sql_quote(str(spec.empty_as))})"
        if spec.only_if:
            out = f"(case when {self._present(spec.only_if)} then {out} end)"
        return out

    def _present(self, ref: str) -> str:
        if path_fans_out(ref.lstrip("/")):
            items = self._json_list(ref)
            return f"len(list_filter({items}, lambda x: json_extract_string(x, '$') is not null)) > 0"
        return f"({self.field(ref)} is not null)"

    # -- text, typing -----------------------------------------------------------------
    def text(self, ref: str | int, spec: ColumnSpec, *, main: bool = True, cut: str | None = None) -> str:
        """Raw text with regex (``cut`` for a non-main field), blanks, null sentinels and code maps applied."""
        if main and spec.agg:
            raw = self._aggregate(spec)
        else:
            raw = self.field(ref)
        expr = f"nullif(trim({raw}), '')"
        if cut:
            expr = f"nullif(regexp_extract({expr}, {sql_quote(cut)}, 1), '')"
        if spec.regex and main:
            expr = f"nullif(regexp_extract({expr}, {sql_quote(spec.regex)}, 1), '')"
        if spec.nulls:
            expr = f"(case when {expr} in ({', '.join(map(sql_quote, spec.nulls))}) then null else {expr} end)"
        if spec.values and main:
            whens = " ".join(
                f"when {sql_quote(k)} then {_literal(v)}" for k, v in spec.values.items()
            )
            other = _literal(spec.default) if spec.has_default else expr
            expr = f"(case when {expr} is null then null else (case {expr} {whens} else {other} end) end)"
        return expr

    def _to_utc(self, naive_local: str, spec: ColumnSpec) -> str:
        if spec.tz_from is not None:
            zone = self.text(spec.tz_from, spec, main=False)
        elif spec.tz:
            zone = sql_quote(spec.tz)
        else:
            return naive_local
        return f"timezone('UTC', timezone({zone}, {naive_local}))"

    def source_text(self, spec: ColumnSpec) -> str | None:
        """The column's text before typing (None for a ``value: null`` column)."""
        if spec.concat:
            parts = [self.text(ref, spec, main=False) for ref in spec.concat]
            missing = " or ".join(f"{p} is null" for p in parts)
            return f"(case when {missing} then null else concat_ws({sql_quote(spec.sep)}, {', '.join(parts)}) end)"
        if spec.cases:
            whens = " ".join(f"when coalesce({self.test(b.when)}, false) then {self._outcome(b.then, spec)}"
                             for b in spec.cases)
            return f"(case {whens} else {self._outcome(spec.otherwise, spec)} end)"
        if spec.operation:
            texts = [self.text(ref, spec, main=False) for ref in spec.operands]
            return f"(case when {' and '.join(f'{t} is not null' for t in texts)} then 'x' end)"
        if spec.is_constant:
            return None if spec.const is None else sql_quote(str(spec.const))
        return self.text(spec.source, spec)

    def _outcome(self, value, spec: ColumnSpec) -> str:
        if isinstance(value, dict):
            return self.text(value["from"], spec, main=False)
        return _literal(value)

    def test(self, cond: DropCondition) -> str:
        """A test on source fields' text (derived columns)."""
        if cond.all or cond.any:
            parts = [f"coalesce({self.test(c)}, false)" for c in (cond.all or cond.any)]
            return "(" + (" and " if cond.all else " or ").join(parts) + ")"
        return _test(f"nullif(trim({self.field(cond.field)}), '')", cond.test, cond.operand, as_text=True)

    def _arithmetic(self, spec: ColumnSpec) -> str:
        numbers = []
        for ref in spec.operands:
            text = self.text(ref, spec, main=False)
            numbers.append(_hms(text) if spec.format == "hms" else f"try_cast({text} as double)")
        op = {"multiply": " * ", "add": " + ", "subtract": " - "}[spec.operation]
        return "(" + op.join(numbers) + ")"

    def typed(self, spec: ColumnSpec) -> str:
        """SQL that parses the column's text into its contract type (NULL when it cannot)."""
        text = self.source_text(spec)
        if text is None:
            return f"null::{spec.type}"
        fmt = spec.format
        if spec.type == "VARCHAR":
            return text
        if spec.type in ("INTEGER", "DOUBLE"):
            if spec.operation:
                number = self._arithmetic(spec)
            else:
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
                return f"try_strptime({text}, {sql_quote(fmt)})::date"
            return f"try_cast({text} as date)"
        if spec.type == "TIMESTAMP":
            if spec.time_from is not None:
                text = f"({text} || ' ' || {self.text(spec.time_from, spec, main=False, cut=spec.time_regex)})"
                fmt = f"{fmt or '%Y-%m-%d'} {spec.time_format}"
            if fmt and "%z" in fmt:
                return f"timezone('UTC', try_strptime({text}, {sql_quote(fmt)}))"
            if fmt:
                return self._to_utc(f"try_strptime({text}, {sql_quote(fmt)})", spec)
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
            if spec.after:  # earlier than its anchor by more than the skew tolerance: next day
                anchor = self.typed(by_name[spec.after])
                expr = (f"(case when {expr} < {anchor} - to_seconds({spec.after_tolerance}) "
                        f"then {expr} + interval 1 day else {expr} end)")
            parts.append(f"{expr} as {_ident(spec.name)}")
            present = self.source_text(spec)
            if present is not None and spec.time_from is not None:
                present = f"({present} || ' ' || {self.text(spec.time_from, spec, main=False, cut=spec.time_regex)})"
            if present is not None and not spec.is_constant:
                checks.append(f"case when {present} is not null and ({expr}) is null "
                              f"then {sql_quote(spec.name)} end")
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
            return f"null::varchar as {DROP_COLUMN}"
        fields = self.drop_fields()
        whens = " ".join(f"when {self._condition(r.condition, fields)} then {sql_quote(r.name)}"
                         for r in self.layout.drop_when)
        return f"(case {whens} end) as {DROP_COLUMN}"

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
        return _test(target, cond.test, cond.operand, as_text)


def _test(target: str, test: str | None, operand, as_text: bool) -> str:
    """SQL for one test (``is_null``, ``in``, ``not_in``, ``equals``, ``below``, ``above``)."""
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
        lhs, rhs = f"{target}::varchar", ", ".join(sql_quote(_as_text(v)) for v in items)
    if not items:
        return "false" if test != "not_in" else f"({target} is not null)"
    neg = "not " if test == "not_in" else ""
    return f"({lhs} {neg}in ({rhs}))"


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _literal(value) -> str:
    return "null" if value is None else sql_quote(_as_text(value))


def _hms(text: str) -> str:
    """``[H]H:MM:SS`` / ``M:SS`` / ``S`` (optionally negative) -> seconds, NULL if malformed."""
    digits = f"ltrim({text}, '-')"
    seconds = (f"list_reduce(list_transform(string_split({digits}, ':'), lambda p: p::bigint), "
               f"lambda a, b: a * 60 + b)")
    sign = f"(case when starts_with({text}, '-') then -1 else 1 end)"
    return (f"(case when regexp_full_match({text}, '-?[0-9]+(:[0-9]{{1,2}}){{0,2}}') "
            f"then {sign} * {seconds} end)::double")
