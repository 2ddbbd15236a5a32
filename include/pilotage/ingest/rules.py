"""Rule severities of one center: which validation rule blocks, warns or rejects rows.

The suites in ``expectations/`` carry each rule's default severity (``meta.severity``); a center
overrides them in a YAML file named by the setting ``rules_file`` (``PILOTAGE_RULES``)::

    acd__contacts:                                   # entity
      connected_to_agent_at_not_before_enqueued_at:  # rule id (meta.id in the suite)
        severity: reject_rows                        # blocking | warning | reject_rows
        max_share: 0.02                              # quarantine the file above 2 % of its rows
      initiation_method_in_set: warning              # short form: the severity alone

``reject_rows`` keeps the failing rows out of raw (they go to ``raw._rejected_rows`` with the
file, row number, rule and values) and loads the rest of the file, unless more rows fail than
``max_rows`` (a count) or ``max_share`` (of the file's rows; default 0.05 when neither is given):
then the whole file is quarantined. Rule ids are listed by ``pilotage mapping rules``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SEVERITIES = ("blocking", "warning", "reject_rows")
DEFAULT_MAX_SHARE = 0.05


class RulesError(ValueError):
    """The rules file is malformed."""


@dataclass(frozen=True)
class RuleSetting:
    severity: str
    max_rows: int | None = None
    max_share: float | None = None

    def too_many(self, failing: int, total: int) -> bool:
        """True when ``failing`` of ``total`` rows is above this rule's threshold."""
        if self.max_rows is not None and failing > self.max_rows:
            return True
        share = self.max_share if self.max_share is not None else (
            DEFAULT_MAX_SHARE if self.max_rows is None else None)
        return share is not None and total > 0 and failing / total > share

    def threshold(self) -> str:
        parts = [f"max_rows {self.max_rows}"] if self.max_rows is not None else []
        if self.max_share is not None or self.max_rows is None:
            parts.append(f"max_share {self.max_share if self.max_share is not None else DEFAULT_MAX_SHARE}")
        return ", ".join(parts)


Rules = dict[str, dict[str, RuleSetting]]  # entity -> rule id -> setting


def _setting(where: str, value: Any) -> RuleSetting:
    if isinstance(value, str):
        value = {"severity": value}
    if not isinstance(value, dict) or value.get("severity") not in SEVERITIES:
        raise RulesError(f"{where}: give a severity, one of {list(SEVERITIES)}, got {value!r}")
    unknown = set(value) - {"severity", "max_rows", "max_share"}
    if unknown:
        raise RulesError(f"{where}: unknown key(s) {sorted(unknown)}")
    max_rows, max_share = value.get("max_rows"), value.get("max_share")
    if max_rows is not None and (isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 0):
        raise RulesError(f"{where}.max_rows must be a whole number >= 0, got {max_rows!r}")
    if max_share is not None and (isinstance(max_share, bool) or not isinstance(max_share, int | float)
                                  or not 0 <= max_share <= 1):
        raise RulesError(f"{where}.max_share must be a share between 0 and 1, got {max_share!r}")
    if value["severity"] != "reject_rows" and (max_rows is not None or max_share is not None):
        raise RulesError(f"{where}: max_rows/max_share only apply to reject_rows")
    return RuleSetting(value["severity"], max_rows, None if max_share is None else float(max_share))


def parse_rules(doc: Any, where: str = "<rules>") -> Rules:
    """Check a rules document (entity -> rule id -> severity or {severity, max_rows, max_share})."""
    from pilotage.ingest.contracts import entity

    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise RulesError(f"{where}: top level must map entity -> rule id -> severity")
    rules: Rules = {}
    for entity_key, by_rule in doc.items():
        try:
            entity(str(entity_key))
        except KeyError as exc:
            raise RulesError(f"{where}: {exc}") from None
        if not isinstance(by_rule, dict):
            raise RulesError(f"{where}: {entity_key} must map rule id -> severity")
        rules[str(entity_key)] = {str(rule): _setting(f"{where}: {entity_key}.{rule}", value)
                                  for rule, value in by_rule.items()}
    return rules


def read_rules(path: Path | None) -> Rules:
    """The rules file's settings; none when no file is configured."""
    if path is None:
        return {}
    if not path.exists():
        raise RulesError(f"rules file {path} does not exist (setting rules_file / PILOTAGE_RULES)")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RulesError(f"rules file {path}: not valid YAML: {exc}") from None
    return parse_rules(doc, str(path))
