"""Canonical raw-layer contract: one table per source entity, the columns every reader must produce.

The raw layer keeps the vendor's information (PII included) in canonical names and types; staging
models in dbt are the first place that drops PII. Every raw table also carries the audit columns
in ``AUDIT_COLUMNS`` so each row can be traced back to the file and line it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

AUDIT_COLUMNS: dict[str, str] = {
    "_business_date": "DATE",  # local business day the file belongs to (the partition key)
    "_source_file": "VARCHAR",  # file name as delivered
    "_file_sha256": "VARCHAR",  # content hash of the delivered file
    "_row_number": "INTEGER",  # 1-based record number within the file (line, or JSON record)
}


@dataclass(frozen=True)
class Entity:
    """One exported entity of a source system and its canonical raw table."""

    source: str
    name: str
    file_glob: str  # pattern in <landing>/<source>/, with {yyyymmdd}
    columns: dict[str, str]  # canonical column -> DuckDB type
    unique_key: tuple[str, ...] = ()  # the columns that identify one record (unique within a delivery)
    optional: frozenset[str] = frozenset()  # columns a layout may leave out (typed NULL)
    # False: only some centers send it; a day without its file is not recorded as missing unless
    # the center selects a layout for it (setting ``layouts``)
    expected: bool = True

    @property
    def key(self) -> str:
        return f"{self.source}__{self.name}"

    @property
    def table(self) -> str:
        return f"raw.{self.source}_{self.name}"

    @property
    def all_columns(self) -> dict[str, str]:
        return {**self.columns, **AUDIT_COLUMNS}


ENTITIES: tuple[Entity, ...] = (
    Entity(
        "acd",
        "contacts",
        "contacts_{yyyymmdd}.jsonl",
        {
            "contact_id": "VARCHAR",
            "initial_contact_id": "VARCHAR",
            "channel": "VARCHAR",
            "initiation_method": "VARCHAR",
            "queue_name": "VARCHAR",
            "initiated_at": "TIMESTAMP",
            "enqueued_at": "TIMESTAMP",
            "dequeued_at": "TIMESTAMP",
            "connected_to_agent_at": "TIMESTAMP",
            "acw_started_at": "TIMESTAMP",
            "acw_ended_at": "TIMESTAMP",
            "disconnected_at": "TIMESTAMP",
            "last_updated_at": "TIMESTAMP",
            "disconnect_reason": "VARCHAR",
            "agent_username": "VARCHAR",
            "queue_seconds": "INTEGER",
            "talk_seconds": "INTEGER",
            "hold_seconds": "INTEGER",
            "hold_count": "INTEGER",
            "acw_seconds": "INTEGER",
            "customer_endpoint_type": "VARCHAR",
            "customer_address": "VARCHAR",  # PII: phone number or e-mail address
            "customer_id": "VARCHAR",
            "case_number": "VARCHAR",
            "outcome": "VARCHAR",  # answered | abandoned | other, when the vendor says it (nullable)
        },
        unique_key=("contact_id",),
        optional=frozenset({"outcome"}),
    ),
    Entity(
        "acd",
        "agent_intervals",
        "agent_intervals_{yyyymmdd}.csv",
        {
            "interval_start_at": "TIMESTAMP",
            "agent_username": "VARCHAR",
            "queue_group": "VARCHAR",
            "staffed_seconds": "INTEGER",
            "available_seconds": "INTEGER",
            "talk_seconds": "INTEGER",
            "hold_seconds": "INTEGER",
            "acw_seconds": "INTEGER",
            "aux_seconds": "INTEGER",
            "contacts_handled": "INTEGER",
        },
        unique_key=("agent_username", "queue_group", "interval_start_at"),
    ),
    Entity(
        "acd",
        "queue_intervals",
        "queue_intervals_{yyyymmdd}.csv",
        {
            "queue_name": "VARCHAR",
            "interval_start_at": "TIMESTAMP",  # UTC
            "interval_minutes": "INTEGER",  # length of the reported interval (15, 30, 60)
            "offered": "INTEGER",  # queued contacts (answered + abandoned + flowed out)
            "answered": "INTEGER",
            "abandoned": "INTEGER",
            "answered_within_threshold": "INTEGER",  # answered within the queue's SL threshold
            "short_abandoned": "INTEGER",  # abandoned within the short-abandon time
            "abandoned_within_threshold": "INTEGER",  # abandoned within the SL threshold
            "answered_queue_seconds": "INTEGER",  # total queue time of answered contacts (ASA x answered)
            "talk_seconds": "INTEGER",  # totals over answered contacts (average x answered)
            "hold_seconds": "INTEGER",
            "acw_seconds": "INTEGER",
            "handle_seconds": "INTEGER",
            "service_level_published": "DOUBLE",  # the report's own service level (share), to reconcile
        },
        unique_key=("queue_name", "interval_start_at"),
        optional=frozenset({"abandoned_within_threshold", "answered_queue_seconds", "hold_seconds",
                            "acw_seconds", "handle_seconds", "service_level_published"}),
        expected=False,
    ),
    Entity(
        "crm",
        "cases",
        "cases_{yyyymmdd}.csv",
        {
            "case_id": "VARCHAR",
            "case_number": "VARCHAR",
            "customer_id": "VARCHAR",
            "account_id": "VARCHAR",
            "origin": "VARCHAR",
            "reason": "VARCHAR",
            "case_type": "VARCHAR",
            "status": "VARCHAR",
            "priority": "VARCHAR",
            "is_closed": "BOOLEAN",
            "created_at": "TIMESTAMP",
            "closed_at": "TIMESTAMP",
            "origin_contact_id": "VARCHAR",
            "supplied_email": "VARCHAR",  # PII
            "supplied_phone": "VARCHAR",  # PII
            "is_resolved": "BOOLEAN",  # the CRM's resolution flag, when it has one (nullable)
        },
        unique_key=("case_id",),
        optional=frozenset({"is_resolved"}),
    ),
    Entity(
        "crm",
        "surveys",
        "surveys_{yyyymmdd}.csv",
        {
            "survey_id": "VARCHAR",
            "contact_id": "VARCHAR",
            "case_number": "VARCHAR",
            "question": "VARCHAR",
            "score": "INTEGER",
            "scale_max": "INTEGER",
            "answered_at": "TIMESTAMP",
        },
        unique_key=("survey_id", "question"),
    ),
    Entity(
        "wfm",
        "forecasts",
        "forecasts_{yyyymmdd}.txt",
        {
            "queue_name": "VARCHAR",
            "interval_start_at": "TIMESTAMP",  # UTC
            "interval_start_local": "TIMESTAMP",  # wall clock in time_zone
            "time_zone": "VARCHAR",
            "forecast_contacts": "DOUBLE",
            "forecast_aht_seconds": "DOUBLE",
            "forecast_required_agents": "DOUBLE",
        },
        unique_key=("queue_name", "interval_start_at"),
    ),
    Entity(
        "wfm",
        "schedules",
        "schedules_{yyyymmdd}.txt",
        {
            "agent_id": "VARCHAR",
            "schedule_date": "DATE",
            "activity": "VARCHAR",
            "start_at": "TIMESTAMP",  # UTC
            "end_at": "TIMESTAMP",  # UTC
            "time_zone": "VARCHAR",
        },
        unique_key=("agent_id", "start_at", "activity"),
    ),
    Entity(
        "wfm",
        "roster",
        "roster_{yyyymmdd}.csv",
        {
            "agent_id": "VARCHAR",
            "acd_username": "VARCHAR",
            "first_name": "VARCHAR",  # PII (employee)
            "last_name": "VARCHAR",  # PII (employee)
            "provider_id": "VARCHAR",
            "site_id": "VARCHAR",
            "team_id": "VARCHAR",
            "hire_date": "DATE",
            "leave_date": "DATE",
            "skills": "VARCHAR",
        },
        unique_key=("agent_id",),
    ),
    Entity(
        "qa",
        "evaluations",
        "evaluations_{yyyymmdd}.jsonl",
        {
            "evaluation_id": "VARCHAR",
            "contact_id": "VARCHAR",
            "agent_username": "VARCHAR",
            "evaluator_id": "VARCHAR",
            "form_title": "VARCHAR",
            "form_version": "INTEGER",
            "submitted_at": "TIMESTAMP",
            "score_percentage": "DOUBLE",
            "calibration_session_id": "VARCHAR",
            "calibration_role": "VARCHAR",
        },
        unique_key=("evaluation_id",),
    ),
    Entity(
        "qa",
        "evaluation_answers",
        "evaluations_{yyyymmdd}.jsonl",  # same file as qa__evaluations, one row per question
        {
            "evaluation_id": "VARCHAR",
            "question_ref_id": "VARCHAR",
            "section_ref_id": "VARCHAR",
            "is_critical": "BOOLEAN",
            "max_points": "DOUBLE",
            "answer_value": "DOUBLE",
            "is_not_applicable": "BOOLEAN",
            "points": "DOUBLE",
        },
        unique_key=("evaluation_id", "question_ref_id"),
    ),
)

SOURCES: tuple[str, ...] = ("acd", "crm", "wfm", "qa")


def entities_of(source: str) -> tuple[Entity, ...]:
    return tuple(e for e in ENTITIES if e.source == source)


def entity(key: str) -> Entity:
    for e in ENTITIES:
        if e.key == key:
            return e
    raise KeyError(f"unknown entity {key!r}; known: {[e.key for e in ENTITIES]}")
