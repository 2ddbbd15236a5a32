"""The bench's figures as text: the goals table (goal, measured, met?), the runs, the machine."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
from dataclasses import dataclass

GIB = 1024**3
PACKAGES = ("apache-airflow", "great-expectations", "dbt-core", "dbt-duckdb", "duckdb", "pandas")


@dataclass
class Goal:
    """One goal of the issue: what, the figure measured (None: not measured), the bound."""

    what: str
    measured: float | None
    limit: float
    unit: str  # "s", "x" (a ratio) or "GiB"

    @property
    def met(self) -> bool | None:
        return None if self.measured is None else self.measured <= self.limit


def fmt(value: float | None, unit: str) -> str:
    """``12.3 s``, ``x1.05``, ``1.84 GiB``; ``n/a`` when not measured."""
    if value is None:
        return "n/a"
    if unit == "x":
        return f"x{value:.2f}"
    if unit == "GiB":
        return f"{value:.2f} GiB"
    return f"{value:.1f} s"


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """``numerator / denominator``, None when either is missing or the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def verdict(goal: Goal) -> str:
    return {True: "met", False: "MISSED", None: "not measured"}[goal.met]


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (readable as plain text too)."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"  # noqa: E731
    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
                      *(line(r) for r in rows)])


def goals_table(goals: list[Goal]) -> str:
    return table(["goal", "measured", "bound", "met?"],
                 [[g.what, fmt(g.measured, g.unit), f"<= {fmt(g.limit, g.unit)}", verdict(g)]
                  for g in goals])


def machine() -> str:
    """CPU count, RAM, OS, Python and the pinned package versions, one line each."""
    try:
        import psutil

        ram = f"{psutil.virtual_memory().total / GIB:.1f} GiB"
    except ImportError:  # pragma: no cover - psutil is a dependency
        ram = "unknown"
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            pass
    return "\n".join([f"- CPUs: {os.cpu_count()}", f"- RAM: {ram}",
                      f"- OS: {platform.platform()}", f"- Python: {sys.version.split()[0]}",
                      f"- packages: {', '.join(versions)}"])
