"""Read one delivered export file into its canonical raw rows, as the layout says.

DuckDB does the parsing (fast on 100,000-row files, C++ CSV and JSON readers); the result is a
pandas DataFrame with the contract's columns, the audit columns and ``_errors`` (the columns of
that row whose value could not be parsed), ready for validation and loading. Records matched by
a layout's ``drop_when`` rules are left out; their count per rule is in ``frame.attrs["dropped"]``
and in the log (:func:`map_file` also returns the dropped rows themselves). The SQL each layout
compiles to is ``layout_sql``'s job; this module prepares the files and runs the queries.
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
from pilotage.ingest.layout_spec import Layout, LayoutError, parse_path
from pilotage.ingest.layout_sql import DROP_COLUMN, LayoutCompiler, json_path, sql_quote

log = logging.getLogger("pilotage.ingest")

_NATIVE_ENCODINGS = {"utf-8", "utf8"}
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


def _utf8_problem(path: Path) -> tuple[str | None, bool]:
    """Check that a file meant to be UTF-8 decodes as UTF-8: (what is wrong, or None; whether
    it starts with a UTF-8 byte-order mark). The message names the byte offset and the line."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, lines, bom = 0, 1, False
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            if offset == 0:
                bom = chunk.startswith(codecs.BOM_UTF8)
                if chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    return ("encoding: starts with a UTF-16 byte-order mark (byte 1, line 1) but the "
                            "layout expects UTF-8 (set 'encoding: utf-16' in the layout, or export "
                            "as UTF-8)"), bom
            if b"\x00" in chunk:
                pos = chunk.index(b"\x00")
                line = lines + chunk[:pos].count(b"\n")
                return (f"encoding: NUL byte at byte {offset + pos + 1} (line {line}): a UTF-16 "
                        "export? the layout expects "
                        "UTF-8 (set 'encoding' in the layout, or export as UTF-8)"), bom
            try:
                decoder.decode(chunk, final=len(chunk) < (1 << 20))
            except UnicodeDecodeError as exc:
                pos = max(0, min(exc.start, len(chunk) - 1))
                bad = offset + pos
                line = lines + chunk[:pos].count(b"\n")
                return (f"encoding: byte 0x{chunk[pos]:02x} at byte {bad + 1} (line {line}) is "
                        "not valid UTF-8, which the layout expects (a cp1252/latin-1 export? set "
                        "'encoding' in the layout, or export as UTF-8)"), bom
            offset += len(chunk)
            lines += chunk.count(b"\n")
    return None, bom


def _prepared(layout: Layout, path: Path, tmp_dir: str) -> Path:
    """The file as DuckDB can read it: transcoded to UTF-8 and with LF/CRLF line ends if needed.
    A UTF-8 file is checked first (a wrong encoding is a ``LayoutError`` saying "encoding") and
    a leading byte-order mark (Excel's "CSV UTF-8") is dropped."""
    encoding = codecs.lookup(layout.encoding).name
    if encoding in _NATIVE_ENCODINGS:
        problem, bom = _utf8_problem(path)
        if problem:
            raise LayoutError(f"{path.name}: {problem}")
        if bom:
            encoding = "utf-8-sig"
        elif layout.line_endings != "cr":
            return path
    target = Path(tmp_dir) / (path.name + ".utf8")
    try:
        with open(path, encoding=encoding if encoding == "utf-8-sig" else layout.encoding,
                  newline="") as src, \
                open(target, "w", encoding="utf-8", newline="") as dst:
            for chunk in iter(lambda: src.read(1 << 20), ""):
                if layout.line_endings == "cr":
                    chunk = chunk.replace("\r\n", "\n").replace("\r", "\n")
                dst.write(chunk)
    except UnicodeError as exc:
        raise LayoutError(f"{path.name}: cannot be decoded as {layout.encoding}: {exc}") from None
    return target


def _csv_reader(layout: Layout, target: str) -> str:
    quote = sql_quote(layout.quote) if layout.quote else "''"
    return (
        f"read_csv({target}, delim={sql_quote(layout.delimiter)}, header={str(layout.header).lower()}, "
        f"all_varchar=true, encoding='utf-8', quote={quote}, escape={quote}, skip={layout.skip_rows}, "
        f"strict_mode=false, null_padding=true)"
    )


def _from_clause(layout: Layout, path: Path, con: duckdb.DuckDBPyConnection,
                 name: str) -> tuple[str, list[str]]:
    target = sql_quote(str(path))
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
            list_path = sql_quote(json_path(parse_path(layout.records)) + "[*]")
            records = f"(select unnest(json_extract(json, {list_path})) as _root from {docs})"
        else:
            records = (f"(select unnest(case when json_type(json) = 'ARRAY' then json_extract(json, '$[*]') "
                       f"else [json] end) as _root from {docs})")
        rows = f"(select row_number() over () as _row_number, _root from {records})"
    else:
        rows = f"(select row_number() over () as _row_number, json as _root from {docs})"
    if layout.explode:
        item_path = sql_quote(json_path(parse_path(layout.explode)) + "[*]")
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
        compiler = LayoutCompiler(layout, csv_columns, raw=raw)
        columns = compiler.select_list()
        mapped = (
            f"select\n  {columns},\n"
            f"  {sql_quote(delivered.business_date.isoformat())}::date as _business_date,\n"
            f"  {sql_quote(delivered.source_name)} as _source_file,\n"
            f"  {sql_quote(delivered.sha256)} as _file_sha256,\n"
            f"  _row_number::integer as _row_number\n"
            f"from {compiler.source(source)}"
        )
        hidden = [f"_drop_field_{i}" for i in range(len(compiler.drop_fields()))]
        con.execute(f"create temp table _mapped as select *, {compiler.drop_case()} from ({mapped})")
        exclude = ", ".join([DROP_COLUMN, *hidden])
        # no ORDER BY: the temp table keeps the file's order (exploded rows included)
        rows = con.execute(f"select * exclude ({exclude}) from _mapped where {DROP_COLUMN} is null").df()
        keep = f"* exclude ({', '.join(hidden)})" if hidden else "*"
        dropped = con.execute(f"select {keep} from _mapped where {DROP_COLUMN} is not null").df()
        counts = dict(con.execute(f"select {DROP_COLUMN}, count(*) from _mapped where {DROP_COLUMN} "
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
    targets = "[" + ", ".join(sql_quote(p) for p in paths) + "]"
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
        item_path = sql_quote(json_path(parse_path(layout.explode)) + "[*]")
        return f"(select filename, _row_number, _root, unnest(json_extract(_root, {item_path})) as _item from {rows})"
    return rows


def map_files(layout: Layout, deliveries: list[Delivered]) -> tuple[pd.DataFrame, dict[int, str]]:
    """Parse many delivered files of one entity in a single DuckDB query (the fast path for a
    window of days). Returns the kept rows with ``_delivery`` (index into ``deliveries``) and the
    files that could not be read, as {index: reason}; ``rows.attrs["dropped"]`` counts the
    records each file's drop rules removed, as {index: {rule: count}}. An empty JSON Lines file is a day with no
    rows. When the batch query fails, every file is read alone so the bad one is named."""
    errors: dict[int, str] = {}
    dropped: dict[int, dict[str, int]] = {}  # delivery index -> drop rule -> records
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
            compiler = LayoutCompiler(layout, csv_columns)
            columns = compiler.select_list()
            mapped = (
                f"select\n  {columns},\n"
                f"  _files._business_date::date as _business_date, _files._source_file,\n"
                f"  _files._file_sha256, _row_number::integer as _row_number, _files._delivery\n"
                f"from {compiler.source(source)} as src join _files using (filename)"
            )
            try:
                con.execute(f"create temp table _mapped as select *, {compiler.drop_case()} from ({mapped})")
                hidden = [f"_drop_field_{i}" for i in range(len(compiler.drop_fields()))]
                exclude = ", ".join([DROP_COLUMN, *hidden])
                frames.append(con.execute(f"select * exclude ({exclude}) from _mapped "
                                          f"where {DROP_COLUMN} is null order by _delivery, _row_number").df())
                for index, rule, count in con.execute(
                        f"select _delivery, {DROP_COLUMN}, count(*) from _mapped where "
                        f"{DROP_COLUMN} is not null group by all order by all").fetchall():
                    dropped.setdefault(int(index), {})[rule] = int(count)
                    log.info("%s: dropped %d record(s) by rule %r", deliveries[index].source_name, count, rule)
                readable = {}
            except duckdb.Error:
                pass  # fall back to one file at a time, below, to name the file that breaks
        for index in readable.values():
            try:
                frame = read_file(layout, deliveries[index])
            except LayoutError as exc:
                errors[index] = str(exc)
                continue
            if frame.attrs.get("dropped"):
                dropped[index] = dict(frame.attrs["dropped"])
            frames.append(frame.assign(_delivery=index))
    finally:
        con.close()
        for leftover in Path(tmp_dir).iterdir():
            leftover.unlink()
        os.rmdir(tmp_dir)
    frames = [f for f in frames if not f.empty]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    rows.attrs["dropped"] = dropped
    return rows, errors


def read_file(layout: Layout, delivered: Delivered) -> pd.DataFrame:
    """Parse one delivered file into canonical rows; raises LayoutError if it cannot be read at all.

    Rows dropped by the layout's rules are not returned; ``frame.attrs["dropped"]`` counts them."""
    mapped = map_file(layout, delivered)
    mapped.rows.attrs["dropped"] = dict(mapped.drop_counts)
    return mapped.rows
