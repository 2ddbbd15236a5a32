"""HTML renderer: one self-contained page (inline CSS and SVG plots) that prints cleanly to PDF.

Plots are drawn with matplotlib's Agg/SVG backend (no display needed) with a fixed hash salt and
no date metadata, so the page is identical for identical data. Print rules: A4 landscape, every
section on a new page, table headers repeated, rows never split."""

from __future__ import annotations

import io
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from pilotage.packs.display import column_label, headers, text_of, unit_kind
from pilotage.packs.labels import definition_label, kpi_label, label
from pilotage.packs.model import Chart, Pack, Table
from pilotage.packs.sanitize import neutralize

RAG_CLASSES = ("green", "amber", "red", "grey")

TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>
  @page { size: A4 landscape; margin: 12mm 10mm; }
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
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  @media print {
    body { margin: 0; }
    th, td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  }
</style>
</head>
<body>
<header id="cover">
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
</header>
{% if charts %}
<section id="charts">
  <h2>{{ charts_title }}</h2>
  <div class="charts">
  {% for c in charts %}<figure class="chart"><figcaption>{{ c.title }}</figcaption>{{ c.svg }}</figure>
  {% endfor %}
  </div>
</section>
{% endif %}
{% for t in tables %}
<section id="{{ t.key }}">
  <h2>{{ t.title }}</h2>
  {% if t.note %}<p class="note">{{ t.note }}</p>{% endif %}
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
            kind = unit_kind(column, row, table)
            value = row[j]
            classes = []
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                classes.append("num")
            elif isinstance(value, str) and len(value) > 28:
                classes.append("wrap")
            if column.kind == "rag" and value in RAG_CLASSES:
                classes.append(f"rag-{value}")
            elif column.key == "actual" and rag is not None and row[rag] in RAG_CLASSES:
                classes.append(f"rag-{row[rag]}")
            attr = f' class="{" ".join(classes)}"' if classes else ""
            text = text_of(value, kind, lang, catalogue)
            parts.append(f"<td{attr}>{escape(neutralize(text) if isinstance(value, str) else text)}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts), len(table.rows)


def _svg_charts(pack: Pack, spec: Chart, lang: str) -> list[dict]:
    """One SVG per block of the chart's split column."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    table = pack.table(spec.table)
    if not table.rows:
        return []
    split = table.index(spec.split_by) if spec.split_by else None
    groups: dict = {}
    for row in table.rows:
        groups.setdefault(row[split] if split is not None else None, []).append(row)
    out = []
    x = table.index(spec.x)
    with plt.rc_context({"svg.hashsalt": "pilotage", "svg.fonttype": "path", "font.size": 8,
                         "font.family": "DejaVu Sans"}):
        for key, rows in groups.items():
            kind = spec.y_kind
            if kind == "value" and table.has("unit"):
                kind = rows[0][table.index("unit")]
            fig, ax = plt.subplots(figsize=(7.0, 3.0), dpi=100)
            xs = [text_of(r[x], "date" if hasattr(r[x], "isoformat") else "text", lang) for r in rows]
            pos = list(range(len(xs)))
            colours = iter(("#1F4E79", "#C55A11", "#548235", "#7030A0", "#BF8F00"))
            width = 0.8 / max(1, len(spec.bars))
            for n, col in enumerate(spec.bars):
                values = [r[table.index(col)] for r in rows]
                ax.bar([p + (n - (len(spec.bars) - 1) / 2) * width for p in pos],
                       [v if v is not None else 0 for v in values], width=width,
                       label=column_label(col, lang, pack.kpi_catalogue),
                       color=next(colours))
            for col in spec.lines:
                values = [r[table.index(col)] for r in rows]
                ax.plot(pos, [v if v is not None else float("nan") for v in values], marker="o",
                        markersize=3, linewidth=1.8, label=column_label(col, lang, pack.kpi_catalogue),
                        color=next(colours))
            if spec.target:
                values = [r[table.index(spec.target)] for r in rows]
                ax.plot(pos, [v if v is not None else float("nan") for v in values], linestyle="--",
                        linewidth=1.2, color="#C00000",
                        label=column_label(spec.target, lang, pack.kpi_catalogue))
            ax.set_xticks(pos)
            ax.set_xticklabels(xs, rotation=45, ha="right")
            if kind == "ratio":
                # decimals follow the axis range, so close ticks never print the same label
                ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=None, symbol=" %"))
            ax.grid(axis="y", color="#D9D9D9", linewidth=0.6)
            ax.spines[["top", "right"]].set_visible(False)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.32), fontsize=7, frameon=False, ncol=3)
            title = label(spec.key, lang)
            if key is not None:
                shown = (kpi_label(str(key), lang, pack.kpi_catalogue) if spec.split_by == "kpi_id"
                         else str(key))
                title = f"{title} — {shown}"
            fig.tight_layout()
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
            plt.close(fig)
            svg = buffer.getvalue()
            svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype for inline use
            out.append({"title": title, "svg": svg})
    return out


def render_html(pack: Pack, lang: str) -> str:
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
        *[(definition_label(k, lang, pack.kpi_catalogue), label(v, lang) if v.endswith("_text") else v)
          for k, v in c.definitions],
        (label("confidentiality", lang), label("confidentiality_text", lang)),
        (label("fingerprint", lang), c.fingerprint),
    ]

    def section(table: Table) -> dict:
        html, n = _table_html(table, lang, pack.kpi_catalogue)
        note = label(table.note, lang) if table.note else (label("note_no_rows", lang) if not n else None)
        return {"key": table.key, "title": label(table.key, lang), "html": Markup(html) if n else "",
                "note": note, "rows": n}

    charts = []
    for spec in pack.charts:
        for item in _svg_charts(pack, spec, lang):
            charts.append({"title": item["title"], "svg": Markup(item["svg"])})
    return _ENV.from_string(TEMPLATE).render(
        lang=lang, title=title, subtitle=label(f"audience_{pack.audience}", lang),
        cover_lines=cover_lines, freshness=section(c.freshness) | {"title": label("freshness", lang)},
        issues=section(c.issues) | {"title": label("data_issues", lang)},
        issues_warning=label("issues_warning", lang), no_issues=label("no_issues", lang),
        charts_title=label("charts", lang), charts=charts, tables=[section(t) for t in pack.tables])


def write_html(pack: Pack, path: Path, lang: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_html(pack, lang).encode("utf-8"))
    return path
