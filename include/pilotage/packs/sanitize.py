"""Formula-injection guard for every text cell a pack writes (CSV, Excel, HTML tables).

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and tab or
carriage return at the start can smuggle one past some importers (OWASP "CSV injection"). Text
from the warehouse (queue names, comments of a quarantined file, action-plan titles) is
neutralized by prefixing a single quote, which spreadsheets display as text. Numbers are left
alone: they are written as numbers, never as text, so ``-0.05`` stays a negative number."""

from __future__ import annotations

from typing import Any

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """``'=cmd()`` for ``=cmd()``; other text unchanged."""
    return "'" + text if text.startswith(DANGEROUS_PREFIXES) else text


def clean_cell(value: Any) -> Any:
    """Neutralize text; every other value passes through."""
    return neutralize(value) if isinstance(value, str) else value


def is_dangerous(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES)
