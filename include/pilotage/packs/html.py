"""HTML renderer: one self-contained page (inline CSS and SVG plots) that prints cleanly to PDF.

Order: the cover, the executive page (KPI tiles, what changed, actions due or late), the charts,
then one section per table. Plots come from :mod:`charts` (French number formats on the axes).
Print rules: A4 landscape, every section on a new page, page numbers and, for a provisional pack,
"PROVISIONAL" in the page margins (CSS page-margin boxes), table headers repeated, rows never
split; the executive page is sized to fit one page."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from pilotage.packs.charts import svg_charts
from pilotage.packs.display import cell_text, definition_value, headers, period_text, text_of, trend_pivot
from pilotage.packs.executive_html import executive_html
from pilotage.packs.labels import definition_label, kpi_label, label
from pilotage.packs.model import Pack, Table
from pilotage.packs.sanitize import neutralize

RAG_CLASSES = ("green", "amber", "red", "grey")

TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>
  @page { size: A4 landscape; margin: 11mm 10mm 12mm 10mm;
    @bottom-left { content: "{{ footer }}"; font: 7pt "DejaVu Sans", sans-serif; color: #777; }
    @bottom-right { content: "{{ page_word }} " counter(page) " / " counter(pages);
                    font: 7pt "DejaVu Sans", sans-serif; color: #555; }
    {% if provisional %}@top-center { content: "{{ provisional_word }}"; font: bold 10pt "DejaVu Sans",
                    sans-serif; color: #C00000; }{% endif %}
  }
  body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 10pt; color: #222;
         margin: 16px; }
  h1 { color: #1F4E79; font-size: 18pt; margin: 0 0 4px 0; }
  h2 { color: #1F4E79; font-size: 13pt; border-bottom: 2px solid #1F4E79; padding-bottom: 2px; }
  h3 { font-size: 11pt; margin: 10px 0 4px 0; }
  .subtitle { color: #555; margin-bottom: 12px; }
  table { border-collapse: collapse; margin: 4px 0 12px 0; font-size: 8pt; max-width: 100%; }
  td { white-space: nowrap; }
  td.wrap { white-space: normal; min-width: 16em; }
  th { background: #1F4E79; color: #fff; text-align: left; padding: 3px 6px; }
  td { border-bottom: 1px solid #ddd; padding: 2px 6px; }
  td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
  tr:nth-child(even) td { background: #F3F6FA; }
  td.rag-green { background: #C6EFCE !important; color: #006100; }
  td.rag-amber { background: #FFEB9C !important; color: #7F6000; }
  td.rag-red { background: #FFC7CE !important; color: #9C0006; }
  td.rag-grey { background: #E7E6E6 !important; color: #3A3A3A; }
  table.kv td:first-child { font-weight: bold; width: 34%; }
  .note { font-style: italic; color: #777; }
  .warn { color: #9C0006; font-weight: bold; }
  .charts { display: flex; flex-wrap: wrap; gap: 8px; }
  .chart { width: 48%; min-width: 420px; margin: 0; break-inside: avoid; page-break-inside: avoid; }
  figcaption { font-weight: bold; font-size: 9pt; }
  .chart svg { width: 100%; height: auto; }
  section { break-before: page; page-break-before: always; }
  .provisional { background: #C00000; color: #fff; font-weight: bold; padding: 4px 8px; margin: 0 0 8px 0; }
  #executive h2 { margin: 0 0 6px 0; }
  .tiles { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; }
  .tile { border: 1px solid #ccc; border-left: 6px solid #7F7F7F; padding: 4px 8px; height: 30mm;
          box-sizing: border-box; overflow: hidden; position: relative; }
  .tile.rag-green { border-left-color: #548235; } .tile.rag-amber { border-left-color: #BF8F00; }
  .tile.rag-red { border-left-color: #C00000; }
  .tile .kpi { font-weight: bold; font-size: 8pt; color: #1F4E79; line-height: 1.15; max-height: 2.3em;
               overflow: hidden; }
  .tile .value { font-size: 16pt; font-weight: bold; margin: 1px 0; }
  .tile .badge { font-size: 7.5pt; margin-left: 6px; padding: 1px 5px; border-radius: 3px; color: #fff;
                 background: #7F7F7F; vertical-align: middle; }
  .tile.rag-green .badge { background: #548235; } .tile.rag-amber .badge { background: #BF8F00; }
  .tile.rag-red .badge { background: #C00000; }
  .tile .target, .tile .delta { font-size: 7.5pt; color: #444; }
  .tile .delta span { color: #777; } .delta.better { color: #006100; } .delta.worse { color: #9C0006; }
  .tile .spark { position: absolute; right: 6px; bottom: 5px; }
  .exec-bottom { display: grid; grid-template-columns: 40% 58%; gap: 2%; margin-top: 6px; }
  .exec-bottom > div { min-width: 0; }
  .changed ul { margin: 2px 0; padding-left: 16px; font-size: 8.5pt; } .changed li { margin-bottom: 3px; }
  table.actions { font-size: 7.5pt; width: 100%; } table.actions td.wrap { min-width: 12em; }
  table.actions th, table.actions td { white-space: normal; }
  table.pivot td.num { min-width: 4.2em; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  @media print {
    body { margin: 0; }
    th, td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  }
</style>
</head>
<body>
{% if not only_executive %}<header id="cover">
  {% if provisional %}<div class="provisional">{{ provisional }}</div>{% endif %}
  <h1>{{ title }}</h1>
  <div class="subtitle">{{ subtitle }}</div>
  <table class="kv">
  {% for k, v in cover_lines %}<tr><td>{{ k }}</td><td>{{ v }}</td></tr>
  {% endfor %}
  </table>
  <h3>{{ freshness.title }}</h3>
  {{ freshness.html }}
  <h3>{{ issues.title }}</h3>
  {% if issues.rows %}<p class="warn">{{ issues_warning }}</p>{{ issues.html }}
  {% else %}<p class="note">{{ no_issues }}</p>{% endif %}
</header>{% endif %}
<section id="executive">
  {% if provisional %}<div class="provisional">{{ provisional }}</div>{% endif %}
  <h2>{{ executive_title }}</h2>
  {{ executive }}
</section>
{% if charts and not only_executive %}
<section id="charts">
  <h2>{{ charts_title }}</h2>
  <div class="charts">
  {% for c in charts %}<figure class="chart"><figcaption>{{ c.title }}</figcaption>{{ c.svg }}</figure>
  {% endfor %}
  </div>
</section>
{% endif %}
{% for t in tables if not only_executive %}
<section id="{{ t.key }}">
  <h2>{{ t.title }}</h2>
  {% if t.note %}<p class="note">{{ t.note }}</p>{% endif %}
  {% if t.pivot_note %}<p class="note">{{ t.pivot_note }}</p>{% endif %}
  {{ t.html }}
</section>
{% endfor %}
</body>
</html>
"""

_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


# shown on the cover or implied by the number format: left out of the printed tables
HIDDEN_IN_REPORT = ("provider_id", "unit", "numerator", "denominator", "target_id", "period_grain",
                    "period_end", "is_complete_period", "is_higher_better", "period_start")
# period columns are left out too when they hold the pack's one period (kept in CSV and Excel)
# shown as the pipeline wrote them (file names, quarantine reasons), marked lang="en"
VERBATIM = ("source_file", "message")
PERIOD_KEYS = ("iso_week", "week_start", "week", "month", "month_start", "quarter", "half_year",
               "period_grain", "period_label", "period_start", "period_end", "week_start_date",
               "month_start_date")


def _shown_columns(table: Table) -> list[int]:
    shown = []
    for j, column in enumerate(table.columns):
        if column.key in HIDDEN_IN_REPORT:
            continue
        if table.report_columns and column.key not in table.report_columns:
            continue
        if column.key in PERIOD_KEYS and len({row[j] for row in table.rows}) <= 1:
            continue
        shown.append(j)
    return shown


def _table_html(table: Table, lang: str, catalogue: dict) -> tuple[str, int]:
    heads = headers(table, lang, catalogue)
    shown = _shown_columns(table)
    parts = ["<table><thead><tr>", *(f"<th>{escape(heads[j])}</th>" for j in shown), "</tr></thead><tbody>"]
    rag = table.index("rag_status") if table.has("rag_status") else None
    for row in table.rows:
        parts.append("<tr>")
        for j in shown:
            column = table.columns[j]
            value = row[j]
            text = cell_text(table, row, j, lang, catalogue)
            classes = []
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                classes.append("num")
            elif len(text) > 28:
                classes.append("wrap")
            if column.kind == "rag" and value in RAG_CLASSES:
                classes.append(f"rag-{value}")
            elif column.key == "actual" and rag is not None and row[rag] in RAG_CLASSES:
                classes.append(f"rag-{row[rag]}")
            attr = f' class="{" ".join(classes)}"' if classes else ""
            if column.key in VERBATIM:  # the pipeline's own words (file names, reasons): English
                attr += ' lang="en"'
            parts.append(f"<td{attr}>{escape(neutralize(text) if isinstance(value, str) else text)}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts), len(table.rows)


def _pivot_html(table: Table, lang: str, catalogue: dict) -> tuple[str, int]:
    """A long KPI × period table as KPIs in rows and periods in columns (months as columns), each
    cell coloured by its RAG, the latest target last."""
    periods, rows = trend_pivot(table)
    parts = ['<table class="pivot"><thead><tr>', f"<th>{escape(label('kpi_id', lang))}</th>",
             *(f"<th>{escape(period_text(p, lang))}</th>" for p in periods),
             f"<th>{escape(label('target_value', lang))}</th></tr></thead><tbody>"]
    for kpi, unit, values, target in rows:
        parts.append(f"<tr><td>{escape(kpi_label(kpi, lang, catalogue))}</td>")
        for value, rag in values:
            parts.append(f'<td class="num{f" rag-{rag}" if rag in RAG_CLASSES else ""}">'
                         f"{escape(text_of(value, unit, lang))}</td>")
        parts.append(f'<td class="num">{escape(text_of(target, unit, lang))}</td></tr>')
    parts.append("</tbody></table>")
    return "".join(parts), len(table.rows)


def css_string(text: str) -> str:
    """Text safe inside a CSS string in a <style> element (no quote, backslash or tag)."""
    return "".join(ch for ch in text if ch not in '"\\<>')


def provisional_text(pack: Pack, lang: str) -> str | None:
    if not pack.provisional:
        return None
    through = pack.data_through.isoformat() if pack.data_through else "–"
    return label("provisional_text", lang).format(through=through)


def render_html(pack: Pack, lang: str, *, only_executive: bool = False) -> str:
    """The report in ``lang``; ``only_executive``: the executive page alone (README screenshots)."""
    c = pack.cover
    as_of = c.data_as_of.isoformat() if c.data_as_of else "–"
    title = f"{label(pack.committee, lang)} — {pack.provider_name} — {pack.period.label}"
    cover_lines = [
        (label("provider", lang), f"{pack.provider_id} — {pack.provider_name}"),
        (label("period", lang), f"{pack.period.label} ({pack.period.first} → {pack.period.last})"),
        (label("audience", lang), label(f"audience_{pack.audience}", lang)),
        (label("data_as_of", lang), as_of), (label("generated_from", lang), as_of),
        (label("days_included", lang), f"{c.days_included} / {c.days_expected}"),
        (label("sources", lang), ", ".join(s.upper() for s in c.sources)),
        *[(definition_label(k, lang, pack.kpi_catalogue), definition_value(k, v, lang))
          for k, v in c.definitions],
        (label("confidentiality", lang), label("confidentiality_text", lang)),
        (label("fingerprint", lang), c.fingerprint),
    ]

    def section(table: Table) -> dict:
        pivot = table.key == "trend" and table.has("period") and table.has("kpi_id") and table.rows
        html, n = (_pivot_html if pivot else _table_html)(table, lang, pack.kpi_catalogue)
        note = label(table.note, lang) if table.note else (label("note_no_rows", lang) if not n else None)
        return {"key": table.key, "title": label(table.key, lang), "html": Markup(html) if n else "",
                "note": note, "rows": n, "pivot_note": label("trend_pivot_note", lang) if pivot else None}

    charts = []
    for spec in pack.charts:
        for item in svg_charts(pack, spec, lang):
            charts.append({"title": item["title"], "svg": Markup(item["svg"])})
    provisional = provisional_text(pack, lang)
    footer = f"{label(pack.committee, lang)} — {pack.provider_name} — {pack.period.label}"
    return _ENV.from_string(TEMPLATE).render(
        lang=lang, only_executive=only_executive, title=title,
        subtitle=label(f"audience_{pack.audience}", lang),
        cover_lines=cover_lines, freshness=section(c.freshness) | {"title": label("freshness", lang)},
        issues=section(c.issues) | {"title": label("data_issues", lang)},
        issues_warning=label("issues_warning", lang), no_issues=label("no_issues", lang),
        executive_title=f"{label('executive', lang)} — {title}",
        executive=executive_html(pack, lang), provisional=provisional,
        provisional_word=label("provisional", lang), page_word=label("page", lang),
        footer=Markup(css_string(footer + (f" — {label('provisional', lang)}" if provisional else ""))),
        charts_title=label("charts", lang), charts=charts, tables=[section(t) for t in pack.tables])


def write_html(pack: Pack, path: Path, lang: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_html(pack, lang).encode("utf-8"))
    return path
