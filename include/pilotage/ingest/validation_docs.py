"""Validation results you can browse: a store of each judged file's Great Expectations results
and their Data Docs, static HTML under the data folder.

``record`` stores, for every file that failed a rule (quarantined, or loaded with warnings or
rejected rows), GX's own result JSON of each failed expectation plus the offending rows taken
from the parsed file: ``<data>/validation/results/<source>/<day>/<file>.<entity>.json`` (the
file's latest verdict). ``build`` renders one page per stored result and an index, newest day
first, into ``<data>/docs/validation/`` (``python -m pilotage.ingest.validation_docs`` rebuilds
them all). Pages are self-contained (inline CSS, no script), readable from ``file://``.
"""

from __future__ import annotations

import html
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pilotage.settings import Settings

log = logging.getLogger("pilotage.ingest")

MAX_ROWS = 20  # offending rows (and values) kept per failed expectation
_LISTS = ("partial_unexpected_list", "partial_unexpected_index_list", "unexpected_list",
          "unexpected_index_list", "partial_unexpected_counts")


def results_dir(settings: Settings) -> Path:
    return settings.data_dir / "validation" / "results"


def docs_dir(settings: Settings) -> Path:
    return settings.data_dir / "docs" / "validation"


def _relative(source: str, day: str, name: str, entity: str, suffix: str) -> Path:
    return Path(source) / day / f"{name}.{entity}{suffix}"


def page_path(settings: Settings, entity: str, day: str, name: str) -> Path:
    """The Data Docs page of one delivered file (``entity`` is ``<source>__<name>``)."""
    return docs_dir(settings) / _relative(entity.split("__")[0], day, name, entity, ".html")


def _trimmed(result: dict[str, Any]) -> dict[str, Any]:
    """GX's result JSON with its row lists cut to ``MAX_ROWS`` (COMPLETE lists every row)."""
    out = dict(result)
    body = dict(out.get("result") or {})
    for key in _LISTS:
        if isinstance(body.get(key), list):
            body[key] = body[key][:MAX_ROWS]
    out["result"] = body
    return out


def _row_numbers(result: dict[str, Any]) -> list[int]:
    found = (result.get("result") or {}).get("unexpected_index_list") or []
    numbers = [item.get("_row_number") if isinstance(item, dict) else item for item in found]
    return sorted({int(n) for n in numbers if n is not None})[:MAX_ROWS]


def _offending_rows(rows, numbers: list[int]) -> list[dict[str, Any]]:
    """The parsed file's rows with these row numbers, columns the contract's (no ``_`` ones)."""
    if rows is None or not numbers or "_row_number" not in rows:
        return []
    picked = rows[rows["_row_number"].isin(numbers)]
    columns = ["_row_number", *[c for c in picked.columns if not str(c).startswith("_")]]
    return json.loads(picked[columns].to_json(orient="records", date_format="iso"))


def record(settings: Settings, source: str, item: dict[str, Any], status: str, message: str,
           results: list[dict[str, Any]], rows=None) -> Path:
    """Store one judged file's failed results (``rows``: its parsed rows, for the offending
    ones); returns the stored JSON's path."""
    failed = []
    for result in results:
        kept = _trimmed(result)
        kept["rows"] = _offending_rows(rows, _row_numbers(result))
        failed.append(kept)
    doc = {"source": source, "entity": item["entity"], "day": item["day"], "file": item["name"],
           "sha256": item.get("sha256"), "status": status, "message": message,
           "validated_at": datetime.now(UTC).isoformat(timespec="seconds"), "results": failed}
    path = results_dir(settings) / _relative(source, item["day"], item["name"], item["entity"], ".json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1, default=str), encoding="utf-8")
    return path


CSS = """body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:2px 6px;
text-align:left;vertical-align:top}th{background:#f2f2f2}.quarantined{color:#b00020;font-weight:bold}
.loaded{color:#1b5e20}.rule{border-left:4px solid #b00020;padding-left:.8em;margin:1em 0}
.warning{border-left-color:#e6a700}code{background:#f6f6f6;padding:0 3px}.rows{overflow-x:auto}
td.bad{background:#ffebee;font-weight:bold}"""


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}"
            f"</title><style>{CSS}</style></head><body>{body}</body></html>\n")


def _cell(value: Any, marked: bool) -> str:
    text = html.escape("" if value is None else str(value))
    return f"<td class=\"bad\">{text}</td>" if marked else f"<td>{text}</td>"


def _table(rows: list[dict[str, Any]], marked: set[str]) -> str:
    """Rows as a table, the columns the expectation checks highlighted."""
    if not rows:
        return ""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(_cell(row.get(c), c in marked) for c in columns) + "</tr>"
                   for row in rows)
    return f"<div class=\"rows\"><table><tr>{head}</tr>{body}</table></div>"


def _short(value: Any, limit: int = 300) -> str:
    text = f"{value:.2f}" if isinstance(value, float) else str(value)
    return text if len(text) <= limit else text[:limit] + " …"


def _expectation(result: dict[str, Any]) -> str:
    config = result.get("expectation_config") or {}
    meta = config.get("meta") or {}
    body = result.get("result") or {}
    severity = meta.get("severity", "blocking")
    facts = [("rule id", meta.get("id") or config.get("type")), ("severity", severity),
             ("expectation", config.get("type")),
             ("arguments", {k: v for k, v in (config.get("kwargs") or {}).items() if k != "batch_id"}),
             ("rows checked", body.get("element_count")), ("failing rows", body.get("unexpected_count")),
             ("failing %", body.get("unexpected_percent")),
             ("failing values (sample)", body.get("partial_unexpected_list"))]
    listing = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(_short(v))}</td></tr>"
                      for k, v in facts if v not in (None, [], {}))
    kwargs = config.get("kwargs") or {}
    marked = {str(kwargs[k]) for k in ("column", "column_A", "column_B") if kwargs.get(k)}
    marked |= {str(c) for c in kwargs.get("column_list") or []}
    rows = result.get("rows") or []
    shown = (f"<p>Offending rows (row number in the file, first {MAX_ROWS}; checked columns "
             f"highlighted):</p>{_table(rows, marked)}" if rows else "")
    css = "rule warning" if severity == "warning" else "rule"
    return (f"<div class=\"{css}\"><h3>{html.escape(str(meta.get('rule') or config.get('type')))}</h3>"
            f"<table>{listing}</table>{shown}</div>")


def render_page(doc: dict[str, Any]) -> str:
    """One file's page: its verdict, then every failed expectation with the offending rows."""
    title = f"{doc['file']} ({doc['entity']}, {doc['day']})"
    failed = "".join(_expectation(r) for r in doc["results"]) or \
        "<p>No expectation result: the file could not be read with its layout (see the reason).</p>"
    body = (f"<p><a href=\"../../index.html\">All validation results</a></p><h1>{html.escape(title)}</h1>"
            f"<p>Status: <span class=\"{html.escape(doc['status'])}\">{html.escape(doc['status'])}</span>"
            f" · validated {html.escape(doc['validated_at'])} · sha256 <code>{html.escape(str(doc['sha256']))}"
            f"</code></p><h2>Reason</h2><p>{html.escape(doc['message'] or '')}</p>"
            f"<h2>Failed expectations ({len(doc['results'])})</h2>{failed}")
    return _page(title, body)


def render_index(docs: list[dict[str, Any]]) -> str:
    """Every stored result, newest day first, linking to its page."""
    lines = []
    for doc in sorted(docs, key=lambda d: (d["day"], d["entity"], d["file"]), reverse=True):
        link = _relative(doc["source"], doc["day"], doc["file"], doc["entity"], ".html").as_posix()
        rules = ", ".join(str(((r.get("expectation_config") or {}).get("meta") or {}).get("id")
                              or (r.get("expectation_config") or {}).get("type")) for r in doc["results"])
        lines.append(f"<tr><td>{doc['day']}</td><td>{html.escape(doc['entity'])}</td>"
                     f"<td><a href=\"{html.escape(link)}\">{html.escape(doc['file'])}</a></td>"
                     f"<td class=\"{html.escape(doc['status'])}\">{html.escape(doc['status'])}</td>"
                     f"<td>{html.escape(rules or 'layout')}</td></tr>")
    table = ("<table><tr><th>day</th><th>entity</th><th>file</th><th>status</th><th>failed rules</th></tr>"
             + "".join(lines) + "</table>") if lines else "<p>No file has failed a rule.</p>"
    body = ("<h1>Validation results (Great Expectations)</h1><p>Files that failed a rule: quarantined "
            "ones, and loaded ones with warnings or rejected rows. Each page lists the failed "
            f"expectations and the offending rows.</p>{table}")
    return _page("Validation results", body)


def build(settings: Settings) -> Path:
    """Render every stored result whose page is missing or older, and the index; returns it."""
    store, out = results_dir(settings), docs_dir(settings)
    docs = []
    for path in sorted(store.rglob("*.json")) if store.exists() else []:
        doc = json.loads(path.read_text(encoding="utf-8"))
        docs.append(doc)
        page = out / path.relative_to(store).with_suffix(".html")
        if not page.exists() or page.stat().st_mtime < path.stat().st_mtime:
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(render_page(doc), encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    index = out / "index.html"
    index.write_text(render_index(docs), encoding="utf-8")
    return index


if __name__ == "__main__":
    print(build(Settings.from_env()))
