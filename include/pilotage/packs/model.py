"""What a pack is, independent of its format: a cover, tables (one sheet / CSV each) and charts.

The model holds raw values and stable keys only; labels and number formats are applied by the
renderers for the requested language, so the French and English packs carry the same numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pilotage.packs.periods import Period

# Column kinds. ``value`` columns take their unit (ratio, seconds, count, points, currency) from the
# row's ``unit`` column: a long KPI table mixes rates, durations and counts in one column.
KINDS = ("text", "int", "num", "ratio", "seconds", "points", "currency", "value", "date", "datetime",
         "bool", "rag", "trend", "kpi")


@dataclass(frozen=True)
class Column:
    key: str
    kind: str = "text"


@dataclass
class Table:
    """One sheet of the workbook, one CSV file, one section of the HTML report."""

    key: str
    columns: list[Column]
    rows: list[tuple]
    person_level: bool = False  # holds agent-level detail (supervisors' packs only)
    note: str | None = None     # label key explaining an empty or partial table
    # columns of the printed (HTML) report when narrower than the table; Excel and CSV get all
    report_columns: tuple[str, ...] | None = None

    def column_keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def index(self, key: str) -> int:
        return self.column_keys().index(key)

    def values(self, key: str) -> list[Any]:
        i = self.index(key)
        return [row[i] for row in self.rows]

    def has(self, key: str) -> bool:
        return key in self.column_keys()


@dataclass(frozen=True)
class Chart:
    """A chart drawn from a table: one chart per value of ``split_by`` (e.g. one per queue).

    ``bars`` are drawn as columns, ``lines`` as lines, ``target`` as a dashed line."""

    key: str
    table: str
    x: str
    lines: tuple[str, ...] = ()
    bars: tuple[str, ...] = ()
    target: str | None = None
    split_by: str | None = None
    y_kind: str = "num"  # ratio | num | points | seconds


@dataclass
class Cover:
    """Data freshness and definitions, stated on every pack."""

    data_as_of: date | None                 # last business day processed, within the period
    days_expected: int                      # calendar days of the period
    days_included: int                      # days with every source entity loaded
    definitions: list[tuple[str, str]]      # (definition key, value), e.g. service_level_variant
    fingerprint: str                        # sha256 over the loaded files' hashes of the period
    freshness: Table                        # per entity: days loaded/missing/quarantined/suspect
    issues: Table                           # missing/quarantined/suspect days, gate warnings
    sources: list[str] = field(default_factory=list)


@dataclass
class Tile:
    """One KPI of the executive page, at the provider's level (rates recombined, never averaged)."""

    kpi_id: str
    unit: str
    actual: float | None
    target: float | None
    rag: str | None
    previous: float | None          # previous period
    previous_rag: str | None
    last_year: float | None         # same period last year
    higher_is_better: bool | None
    history: list[tuple[str, float | None]] = field(default_factory=list)  # (period label, actual)
    priority: int | None = None


@dataclass
class Executive:
    """The executive first page: KPI tiles, what changed (KPIs whose RAG moved, largest gaps to
    target) and the action-plan items due or late."""

    tiles: list[Tile]
    moved: list[Tile]       # RAG differs from the previous period's
    gaps: list[Tile]        # furthest from target, worst first (red / amber only)
    actions: Table          # action-plan items due in the period or late
    period_word: str = "period"  # week | month | half_year: how "previous period" is said


@dataclass
class Pack:
    committee: str
    period: Period
    provider_id: str
    provider_name: str
    audience: str  # committee | supervisors
    cover: Cover
    tables: list[Table]
    charts: list[Chart]
    kpi_catalogue: dict = field(default_factory=dict)  # kpi_id -> labels and unit (queries.Kpi)
    # the period is not complete in the warehouse (pulled with --allow-partial): every page and
    # sheet says "provisional"
    provisional: bool = False
    data_through: date | None = None       # last business day processed in the whole warehouse
    sl_thresholds: dict[str, int] = field(default_factory=dict)  # queue_name -> SL threshold (s)
    peers: int = 0                          # providers in the warehouse (benchmark anonymity)
    executive: Executive | None = None

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    @property
    def stem(self) -> str:
        """File stem shared by every output of the pack."""
        suffix = "_supervisors" if self.audience == "supervisors" else ""
        return f"{self.committee}_{self.period.label}_{self.provider_id}{suffix}"
