"""The executive first page in HTML: KPI tiles (value, target, RAG, trend vs the previous period
and vs the same period last year, a sparkline), "what changed" written as sentences from the
numbers (French or English), and the action-plan items due or late. Sized to fit one A4
landscape page."""

from __future__ import annotations

import base64

from markupsafe import Markup, escape

from pilotage.packs.display import cell_text, duration, number, text_of
from pilotage.packs.labels import kpi_label, label
from pilotage.packs.model import Pack, Tile

RAG_COLOURS = {"green": "#548235", "amber": "#BF8F00", "red": "#C00000", "grey": "#7F7F7F"}
PREVIOUS = {  # how "the previous period" and "same period last year" are said
    "week": (("la semaine précédente", "the previous week"), ("vs sem. préc.", "vs prev. week")),
    "month": (("le mois précédent", "the previous month"), ("vs mois préc.", "vs prev. month")),
    "quarter": (("le trimestre précédent", "the previous quarter"), ("vs trim. préc.", "vs prev. qtr")),
    "half_year": (("le semestre précédent", "the previous half-year"), ("vs sem. préc.", "vs prev. half")),
}


def _fr(lang: str) -> bool:
    return lang == "fr"


def value_text(value: float | None, unit: str, lang: str) -> str:
    return text_of(value, unit if unit in ("ratio", "seconds", "currency", "points", "count") else "num",
                   lang)


def _rounded(delta: float, unit: str) -> float:
    """The difference as shown (a change that rounds to nothing is no change)."""
    if unit == "ratio":
        return round(100 * delta, 1)
    if unit == "seconds":
        return round(delta)
    return round(delta, 2 if unit == "currency" else 1 if unit == "points" else 0)


def delta_text(delta: float, unit: str, lang: str) -> str:
    """A signed difference in the KPI's unit: "+1,2 pt", "-0:12", "+35"."""
    shown = _rounded(delta, unit)
    sign = "+" if shown > 0 else "−" if shown < 0 else "±"
    size = abs(delta) if shown else 0.0
    if unit == "ratio":
        return f"{sign}{number(100 * size, 1, lang)}\u00a0pt"
    if unit == "seconds":
        return f"{sign}{duration(size)}"
    if unit == "currency":
        return f"{sign}{number(size, 2, lang)}\u00a0€"
    return f"{sign}{number(size, 1 if unit == 'points' else 0, lang)}"


def gap_text(tile: Tile, lang: str) -> str:
    gap = abs((tile.actual or 0) - (tile.target or 0))
    if tile.unit == "ratio":
        return f"{number(100 * gap, 1, lang)} point{'s' if gap * 100 >= 2 else ''}"
    return delta_text(gap, tile.unit, lang).lstrip("+")


def _trend_class(tile: Tile, other: float | None) -> str:
    if (tile.actual is None or other is None or tile.higher_is_better is None
            or _rounded(tile.actual - other, tile.unit) == 0):
        return "flat"
    better = (tile.actual > other) == bool(tile.higher_is_better)
    return "better" if better else "worse"


def sparkline(values: list[float | None], target: float | None, rag: str | None) -> str:
    """A 120×34 SVG line of the history (as a data-URI image), the target dashed."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return ""
    scale = [v for _, v in points] + ([target] if target is not None else [])
    low, high = min(scale), max(scale)
    span = (high - low) or 1.0
    w, h, pad = 120.0, 34.0, 3.0
    n = max(1, len(values) - 1)

    def xy(i: float, v: float) -> str:
        return f"{pad + i * (w - 2 * pad) / n:.1f},{h - pad - (v - low) * (h - 2 * pad) / span:.1f}"

    colour = RAG_COLOURS.get(rag or "grey", "#1F4E79")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h:.0f}" '
             f'viewBox="0 0 {w:.0f} {h:.0f}">']
    if target is not None:
        y = xy(0, target).split(",")[1]
        parts.append(f'<line x1="0" x2="{w:.0f}" y1="{y}" y2="{y}" stroke="#C00000" stroke-width="0.8" '
                     'stroke-dasharray="3,2"/>')
    parts.append(f'<polyline fill="none" stroke="#1F4E79" stroke-width="1.6" '
                 f'points="{" ".join(xy(i, v) for i, v in points)}"/>')
    last_i, last_v = points[-1]
    cx, cy = xy(last_i, last_v).split(",")
    parts.append(f'<circle cx="{cx}" cy="{cy}" r="2.6" fill="{colour}"/></svg>')
    data = base64.b64encode("".join(parts).encode()).decode()
    return f'<img class="spark" alt="" src="data:image/svg+xml;base64,{data}">'


def moved_sentence(pack: Pack, tile: Tile, lang: str) -> str:
    name = kpi_label(tile.kpi_id, lang, pack.kpi_catalogue)
    before = PREVIOUS.get(pack.period.grain, PREVIOUS["month"])[0][0 if _fr(lang) else 1]
    now, prev = value_text(tile.actual, tile.unit, lang), value_text(tile.previous, tile.unit, lang)
    target = value_text(tile.target, tile.unit, lang)
    if _fr(lang):
        return (f"{name} passe de {label(tile.previous_rag or 'grey', lang)} à {label(tile.rag or 'grey', lang)}"
                f" : {now} contre {prev} {before} (objectif {target}).")
    return (f"{name} moved from {label(tile.previous_rag or 'grey', lang)} to {label(tile.rag or 'grey', lang)}:"
            f" {now} against {prev} {before} (target {target}).")


def gap_sentence(pack: Pack, tile: Tile, lang: str) -> str:
    name = kpi_label(tile.kpi_id, lang, pack.kpi_catalogue)
    now, target = value_text(tile.actual, tile.unit, lang), value_text(tile.target, tile.unit, lang)
    if _fr(lang):
        return f"{name} : {now} pour un objectif de {target}, à {gap_text(tile, lang)} de l'objectif."
    return f"{name}: {now} against a target of {target}, {gap_text(tile, lang)} off target."


def what_changed(pack: Pack, lang: str) -> list[str]:
    """Sentences generated from the numbers: RAG moves first, then the largest gaps to target."""
    ex = pack.executive
    if ex is None:
        return []
    before = PREVIOUS.get(pack.period.grain, PREVIOUS["month"])[0][0 if _fr(lang) else 1]
    out = [moved_sentence(pack, t, lang) for t in ex.moved]
    if not ex.moved:
        out.append(f"Aucun indicateur prioritaire n'a changé de couleur par rapport à {before}."
                   if _fr(lang) else f"No priority KPI changed colour since {before}.")
    moved = {t.kpi_id for t in ex.moved}
    out += [gap_sentence(pack, t, lang) for t in ex.gaps if t.kpi_id not in moved]
    if not ex.gaps:
        out.append("Tous les indicateurs prioritaires mesurés atteignent leur objectif."
                   if _fr(lang) else "Every measured priority KPI meets its target.")
    return out


def tile_html(pack: Pack, tile: Tile, lang: str) -> str:
    short = PREVIOUS.get(pack.period.grain, PREVIOUS["month"])[1][0 if _fr(lang) else 1]
    rag = tile.rag or "grey"
    lines = []
    for other, words in ((tile.previous, short), (tile.last_year, "vs N-1" if _fr(lang) else "vs last year")):
        if other is None or tile.actual is None:
            text = "–"
        else:
            text = delta_text(tile.actual - other, tile.unit, lang)
        lines.append(f'<div class="delta {_trend_class(tile, other)}">{escape(text)} '
                     f'<span>{escape(words)}</span></div>')
    target = value_text(tile.target, tile.unit, lang)
    colon = "\u00a0: " if _fr(lang) else ": "
    head = (f'<div class="tile rag-{rag}"><div class="kpi">'
            f'{escape(kpi_label(tile.kpi_id, lang, pack.kpi_catalogue))}</div>'
            f'<div class="value">{escape(value_text(tile.actual, tile.unit, lang))}'
            f'<span class="badge">{escape(label(rag, lang))}</span></div>'
            f'<div class="target">{escape(label("target_value", lang))}{colon}{escape(target)}</div>')
    spark = sparkline([v for _, v in tile.history], tile.target, rag)
    return head + "".join(lines) + spark + "</div>"


def actions_html(pack: Pack, lang: str) -> str:
    table = pack.executive.actions
    if not table.rows:
        return f'<p class="note">{escape(label(table.note or "note_no_due_actions", lang))}</p>'
    head = "".join(f"<th>{escape(label(c.key, lang))}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(
        f'<td class="{"wrap" if c.key == "title" else ""}">'
        f"{escape(cell_text(table, row, j, lang, pack.kpi_catalogue))}</td>"
        for j, c in enumerate(table.columns)) + "</tr>" for row in table.rows)
    return f'<table class="actions"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def executive_html(pack: Pack, lang: str) -> Markup:
    """The executive section's inner HTML (tiles, what changed, actions)."""
    ex = pack.executive
    if ex is None or not ex.tiles:
        return Markup(f'<p class="note">{escape(label("note_no_rows", lang))}</p>')
    tiles = "".join(tile_html(pack, t, lang) for t in ex.tiles)
    changed = "".join(f"<li>{escape(s)}</li>" for s in what_changed(pack, lang))
    return Markup(f'<div class="tiles">{tiles}</div><div class="exec-bottom">'
                  f'<div class="changed"><h3>{escape(label("what_changed", lang))}</h3><ul>{changed}</ul></div>'
                  f'<div class="due"><h3>{escape(label("actions_due", lang))}</h3>{actions_html(pack, lang)}</div>'
                  "</div>")
