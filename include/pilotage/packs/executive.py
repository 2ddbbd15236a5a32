"""The executive first page's data: the committee's priority KPIs at the provider's level with
their target, RAG, previous period, same period last year and a short history; the KPIs whose RAG
moved; the largest gaps to target; the action-plan items due or late.

Values come from the committee mart through :func:`queries.kpi_history` (the coarsest rows a mart
has, rates recombined from numerators and denominators), so a tile shows the same number as the
trend table."""

from __future__ import annotations

from datetime import date

from pilotage.packs import queries as q
from pilotage.packs.model import Column, Executive, Table, Tile
from pilotage.packs.periods import Period

MAX_TILES = 6
MAX_GAPS = 3
MAX_ACTIONS = 6
HISTORY = {"week": 8, "month": 6, "quarter": 4, "half_year": 4}
STATUS_COLUMNS = ("status_at_month_end", "status", "current_status")
ACTION_COLUMNS = ("action_id", "kpi_id", "title", "owner", "due_on", "days_late_at_month_end")


def priority_kpis(scorecard: Table) -> list[tuple[str, int | None]]:
    """(kpi_id, priority) of the scorecard's KPIs that have a priority, most important first."""
    if not (scorecard.has("kpi_id") and scorecard.has("priority")):
        return []
    ki, pi = scorecard.index("kpi_id"), scorecard.index("priority")
    best: dict[str, int] = {}
    for row in scorecard.rows:
        if row[pi] is not None:
            best[row[ki]] = min(best.get(row[ki], row[pi]), row[pi])
    return sorted(best.items(), key=lambda kv: (kv[1], list(best).index(kv[0])))


def _directions(scorecard: Table) -> dict[str, bool | None]:
    if not (scorecard.has("kpi_id") and scorecard.has("is_higher_better")):
        return {}
    ki, hi = scorecard.index("kpi_id"), scorecard.index("is_higher_better")
    out: dict[str, bool | None] = {}
    for row in scorecard.rows:
        out.setdefault(row[ki], row[hi])
    return out


def _tolerances(scorecard: Table) -> dict[str, float]:
    if not (scorecard.has("kpi_id") and scorecard.has("tolerance")):
        return {}
    ki, ti = scorecard.index("kpi_id"), scorecard.index("tolerance")
    out: dict[str, float] = {}
    for row in scorecard.rows:
        if row[ti] is not None:
            out.setdefault(row[ki], row[ti])
    return out


def rag_of(actual: float | None, target: float | None, tolerance: float | None,
           higher_is_better: bool | None) -> str:
    """The marts' RAG rule for a value recombined over several rows (the marts give a RAG per
    row): green = target met, amber = missed within the tolerance, red = worse, grey = no target."""
    if actual is None or target is None or higher_is_better is None:
        return "grey"
    gap = actual - target if higher_is_better else target - actual
    if gap >= 0:
        return "green"
    return "amber" if tolerance is not None and -gap <= tolerance else "red"


def _series(wh: q.Warehouse, mart: str, periods: list[Period], provider_id: str,
            kpis: tuple[str, ...]) -> dict[tuple[str, str], tuple]:
    """{(period label, kpi): (actual, target, rag)} at the provider's level."""
    table = q.kpi_history(wh, "history", mart, periods, provider_id, kpis)
    return {(r[0], r[1]): (r[3], r[4], r[5]) for r in table.rows}


def relative_gap(tile: Tile) -> float:
    """How far a tile is from its target, in share of the target (0 when met or unknown)."""
    if tile.actual is None or tile.target is None:
        return 0.0
    gap = tile.actual - tile.target
    if tile.higher_is_better is False:
        gap = -gap
    return max(0.0, -gap) / (abs(tile.target) or 1.0)


def due_actions(action_plan: Table | None, period: Period) -> Table:
    """The action-plan items late at the period's end or due within the period and not closed."""
    if action_plan is None or not action_plan.rows:
        return Table("executive_actions", [Column(k) for k in ACTION_COLUMNS], [],
                     note=action_plan.note if action_plan is not None else "note_no_action_plan")
    status = next((action_plan.index(c) for c in STATUS_COLUMNS if action_plan.has(c)), None)
    due = action_plan.index("due_on") if action_plan.has("due_on") else None
    closed = action_plan.index("closed_on") if action_plan.has("closed_on") else None
    keep = [c for c in (*ACTION_COLUMNS, *STATUS_COLUMNS[:1]) if action_plan.has(c)]
    if status is not None and STATUS_COLUMNS[0] not in keep:
        keep.append(action_plan.columns[status].key)
    rows = []
    for row in action_plan.rows:
        is_closed = closed is not None and isinstance(row[closed], date) and row[closed] <= period.last
        late = status is not None and row[status] == "late"
        due_now = (due is not None and isinstance(row[due], date) and row[due] <= period.last
                   and not is_closed and (status is None or row[status] != "done"))
        if late or due_now:
            rows.append(tuple(row[action_plan.index(k)] for k in keep))
    rows.sort(key=lambda r: (0 if "late" in r else 1, str(r)))
    columns = [action_plan.columns[action_plan.index(k)] for k in keep]
    return Table("executive_actions", columns, rows[:MAX_ACTIONS],
                 note=None if rows else "note_no_due_actions")


def build_executive(wh: q.Warehouse, mart: str, period: Period, provider_id: str, scorecard: Table,
                    action_plan: Table | None) -> Executive:
    """Read the tiles' series and pick what changed."""
    ranked = priority_kpis(scorecard)
    kpis = tuple(k for k, _ in ranked)
    directions = _directions(scorecard)
    tolerances = _tolerances(scorecard)
    if not kpis or not wh.exists(mart):
        return Executive([], [], [], due_actions(action_plan, period), period.grain)
    periods = [period.shift(-i) for i in range(HISTORY.get(period.grain, 6) - 1, -1, -1)]
    last_year = period.same_period_last_year()
    series = _series(wh, mart, [*periods, last_year] if last_year not in periods else periods,
                     provider_id, kpis)
    previous = period.previous()
    tiles = []
    for kpi, priority in ranked:
        actual, target, rag = series.get((period.label, kpi), (None, None, None))
        prev, prev_target, prev_rag = series.get((previous.label, kpi), (None, None, None))
        rag = rag or rag_of(actual, target, tolerances.get(kpi), directions.get(kpi))
        prev_rag = prev_rag or rag_of(prev, prev_target, tolerances.get(kpi), directions.get(kpi))
        tiles.append(Tile(
            kpi_id=kpi, unit=wh.unit_of(kpi), actual=actual, target=target, rag=rag, previous=prev,
            previous_rag=prev_rag, last_year=series.get((last_year.label, kpi), (None,))[0],
            higher_is_better=directions.get(kpi),
            history=[(p.label, series.get((p.label, kpi), (None,))[0]) for p in periods],
            priority=priority))
    measured = [t for t in tiles if t.actual is not None]
    moved = [t for t in measured if t.rag and t.previous_rag and t.rag != t.previous_rag
             and "grey" not in (t.rag, t.previous_rag)]
    gaps = sorted((t for t in measured if t.rag in ("red", "amber") and relative_gap(t) > 0),
                  key=lambda t: (t.rag != "red", -relative_gap(t)))
    return Executive(tiles=measured[:MAX_TILES], moved=moved[:MAX_GAPS + 1], gaps=gaps[:MAX_GAPS],
                     actions=due_actions(action_plan, period), period_word=period.grain)
