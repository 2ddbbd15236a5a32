"""SVG plots of the HTML report (matplotlib, Agg backend) with the pack's number formats.

Axis ticks go through the same formatting as the tables (French: "83,0 %", thin-space thousands,
decimal comma; durations as m:ss), and text stays text in the SVG (``svg.fonttype: none``) so the
page can be searched and checked. A fixed hash salt and no date keep the SVG identical for
identical data."""

from __future__ import annotations

import io

from pilotage.packs.display import column_label, duration, number, percent, text_of
from pilotage.packs.labels import kpi_label, label, seconds_text
from pilotage.packs.model import Chart, Pack

COLOURS = ("#1F4E79", "#C55A11", "#548235", "#7030A0", "#BF8F00")
RC = {"svg.hashsalt": "pilotage", "svg.fonttype": "none", "font.size": 8, "font.family": "DejaVu Sans",
      "axes.formatter.use_locale": False}


def axis_text(value: float, kind: str, lang: str, step: float) -> str:
    """A tick label: decimals follow the tick step, so close ticks never print the same text."""
    scaled = step * (100 if kind == "ratio" else 1)
    decimals = next((d for d in range(4) if abs(round(scaled, d) - scaled) < 1e-9 * max(1.0, scaled)), 3)
    if kind == "ratio":
        return percent(value, decimals, lang)
    if kind == "seconds":
        return duration(value)
    if kind == "currency":
        return number(value, max(decimals, 2), lang) + "\u00a0€"
    return number(value, decimals, lang)


def set_value_axis(ax, kind: str, lang: str) -> None:
    """Format the y axis of ``kind`` in ``lang``."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if kind == "seconds":
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 3, 5, 6, 10]))
    ticks = ax.get_yticks()
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 0.0
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: axis_text(v, kind, lang, step)))


def _title(pack: Pack, spec: Chart, key, lang: str) -> str:
    title = label(spec.key, lang)
    if key is None:
        return title
    if spec.split_by == "kpi_id":
        return f"{title} — {kpi_label(str(key), lang, pack.kpi_catalogue)}"
    if spec.split_by == "queue_name" and spec.key == "chart_sl_by_day" and key in pack.sl_thresholds:
        return f"{title} — {key} ({seconds_text(pack.sl_thresholds[key], lang)})"
    return f"{title} — {key}"


def svg_charts(pack: Pack, spec: Chart, lang: str) -> list[dict]:
    """One SVG per block of the chart's split column: ``[{"title", "svg"}]``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = pack.table(spec.table)
    if not table.rows:
        return []
    split = table.index(spec.split_by) if spec.split_by else None
    groups: dict = {}
    for row in table.rows:
        groups.setdefault(row[split] if split is not None else None, []).append(row)
    out = []
    x = table.index(spec.x)
    with plt.rc_context(RC):
        for key, rows in groups.items():
            kind = spec.y_kind
            if kind == "value" and table.has("unit"):
                kind = rows[0][table.index("unit")]
            fig, ax = plt.subplots(figsize=(7.0, 3.2), dpi=100)
            xs = [text_of(r[x], "date" if hasattr(r[x], "isoformat") else "text", lang) for r in rows]
            if spec.x == "period":
                from pilotage.packs.display import period_text

                xs = [period_text(v, lang) for v in xs]
            pos = list(range(len(xs)))
            colours = iter(COLOURS)
            width = 0.8 / max(1, len(spec.bars))
            for n, col in enumerate(spec.bars):
                values = [r[table.index(col)] for r in rows]
                ax.bar([p + (n - (len(spec.bars) - 1) / 2) * width for p in pos],
                       [v if v is not None else 0 for v in values], width=width,
                       label=column_label(col, lang, pack.kpi_catalogue), color=next(colours))
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
            ax.margins(y=0.12)
            ax.grid(axis="y", color="#D9D9D9", linewidth=0.6)
            ax.spines[["top", "right"]].set_visible(False)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.34), fontsize=7, frameon=False, ncol=3)
            fig.tight_layout()
            set_value_axis(ax, kind, lang)
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
            plt.close(fig)
            svg = buffer.getvalue()
            svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype for inline use
            out.append({"title": _title(pack, spec, key, lang), "svg": svg})
    return out
