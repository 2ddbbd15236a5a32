"""Which columns a pack may select: never customer data, agent columns only for supervisors.

Applied to the warehouse's catalogue, so a column added to a mart later is filtered too."""

from __future__ import annotations

import re

from pilotage.packs.columns import DROPPED_COLUMNS

# never selected, whatever the audience: customer personal data (even hashed keys)
FORBIDDEN_COLUMN = re.compile(r"customer|phone|e_?mail|address|first_name|last_name|full_name|"
                              r"birth|iban|ssn|survey_comment|verbatim|recording_url|case_number")
# agent-level detail: only in packs for the provider's supervisors
PERSON_COLUMNS = ("agent_id", "agent_name", "agent_login", "employee_id", "username", "user_name")


def selectable(columns: dict[str, str], person_level: bool) -> dict[str, str]:
    """The ``{column: SQL type}`` a pack may show among ``columns``."""
    return {name: typ for name, typ in columns.items()
            if not FORBIDDEN_COLUMN.search(name) and name not in DROPPED_COLUMNS
            and (person_level or name not in PERSON_COLUMNS)}


def agent_rows_hidden(columns: dict[str, str], person_level: bool) -> list[str]:
    """SQL predicates leaving out agent-grain rows (an agent column not null) outside a
    supervisors' pack."""
    if person_level:
        return []
    return [f'"{c}" is null' for c in PERSON_COLUMNS if c in columns]
