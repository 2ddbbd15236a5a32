"""CRM cases as Zendesk tickets of the incremental export (custom fields, tags, metric set),
the shape the ``zendesk__tickets`` layout reads."""

from __future__ import annotations

import json
from pathlib import Path

from pilotage.samples.defaults import iso_z, parse_utc

# Zendesk custom field ids of this (fictional) Zendesk account
FIELD_CASE_NUMBER = 360011110001
FIELD_CUSTOMER_ID = 360011110002
FIELD_ACCOUNT_ID = 360011110003
FIELD_CALL_ID = 360011110004
FIELD_REASON = 360011110005

VIA = {"Phone": "voice", "Email": "email", "Chat": "chat", "Web": "web"}
TYPE = {"Question": "question", "Problem": "problem", "Request": "task", "Complaint": "incident"}
PRIORITY = {"Low": "low", "Medium": "normal", "High": "high"}
STATUS = {"Closed": "solved", "Open": "open"}


def _tag(text: str) -> str:
    return text.strip().lower().replace(" ", "_")


def to_zendesk_ticket(case: dict[str, str]) -> dict:
    """One Salesforce-layout case as a Zendesk ticket of the incremental export."""
    created, closed = parse_utc(case["CreatedDate"]), parse_utc(case.get("ClosedDate"))
    updated = closed or created
    return {
        "id": int(case["CaseNumber"]),
        "external_id": case["Id"],
        "url": f"https://example.zendesk.com/api/v2/tickets/{int(case['CaseNumber'])}.json",
        "via": {
            "channel": VIA.get(case["Origin"], "web"),
            "source": {
                "from": {
                    "address": case.get("SuppliedEmail") or None,
                    "phone": case.get("SuppliedPhone") or None,
                }
            },
        },
        "created_at": iso_z(created),
        "updated_at": iso_z(updated),
        "generated_timestamp": int(updated.timestamp()),
        "type": TYPE.get(case["Type"], "question"),
        "subject": f"{case['Reason']} ({case['Type']})",
        "priority": PRIORITY.get(case["Priority"], "normal"),
        "status": STATUS.get(case["Status"], "open"),
        "requester_id": None,
        "tags": [_tag(case["Reason"])],
        "custom_fields": [
            {"id": FIELD_CASE_NUMBER, "value": case["CaseNumber"]},
            {"id": FIELD_CUSTOMER_ID, "value": case.get("ContactId") or None},
            {"id": FIELD_ACCOUNT_ID, "value": case.get("AccountId") or None},
            {"id": FIELD_CALL_ID, "value": case.get("Call_Id__c") or None},
            {"id": FIELD_REASON, "value": _tag(case["Reason"])},
        ],
        "metric_set": {"solved_at": iso_z(closed)},
    }


def write_zendesk_export(cases: list[dict[str, str]], path: Path) -> int:
    """One incremental-export page: ``{"tickets": [...], "after_cursor": ..., "end_of_stream": true}``."""
    body = {
        "tickets": [to_zendesk_ticket(c) for c in cases],
        "after_cursor": None,
        "after_url": None,
        "end_of_stream": True,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body, indent=1), encoding="utf-8")
    return len(cases)
