"""Amazon Connect: contact records as Kinesis Firehose delivers them (acd,
``amazon_connect__contact_records``) and evaluation form output documents (qa,
``amazon_connect__evaluations`` / ``_answers``)."""

from __future__ import annotations

import json
from pathlib import Path


def write_connect_ctr_stream(records: list[dict], path: Path, *, instance: str = "pilotage") -> int:
    """CTRs as Kinesis Firehose delivers them to S3: JSON objects concatenated with no separator,
    with the ARN and routing fields the default export leaves out."""
    out = []
    for rec in records:
        rec = json.loads(json.dumps(rec))
        rec.setdefault("AWSAccountId", "123456789012")
        rec.setdefault("InstanceARN", f"arn:aws:connect:eu-west-3:123456789012:instance/{instance}")
        if rec.get("Queue"):
            rec["Queue"].setdefault(
                "ARN",
                f"arn:aws:connect:eu-west-3:123456789012:instance/{instance}"
                f"/queue/{rec['Queue'].get('Name')}",
            )
        rec.setdefault("Recording", None)
        out.append(json.dumps(rec, separators=(",", ":")))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(out), encoding="utf-8")
    return len(out)


def to_connect_evaluation(ev: dict) -> dict:
    """One default-layout evaluation as an Amazon Connect evaluation output document."""
    meta = ev.get("metadata") or {}
    questions = []
    for q in ev.get("questions") or []:
        answer = q.get("answer") or {}
        questions.append(
            {
                "questionRefId": q["questionRefId"],
                "sectionRefId": q.get("sectionRefId"),
                "questionType": "NUMERIC",
                "automaticFail": bool(q.get("critical")),
                "answer": {
                    "values": [{"valueNumber": answer.get("value")}],
                    "notApplicable": bool(answer.get("notApplicable")),
                },
                "score": {
                    "pointsPossible": q.get("maxPoints"),
                    "pointsEarned": q.get("points"),
                    "notApplicable": bool(answer.get("notApplicable")),
                },
            }
        )
    sections = sorted({q.get("sectionRefId") for q in ev.get("questions") or [] if q.get("sectionRefId")})
    return {
        "schemaVersion": "3.0",
        "evaluationId": ev["evaluationId"],
        "metadata": {
            "contactId": meta.get("contactId"),
            "accountId": "123456789012",
            "instanceId": "pilotage",
            "agentId": meta.get("agentId"),
            "evaluator": meta.get("evaluatorId"),
            "evaluationDefinitionTitle": meta.get("evaluationDefinitionTitle"),
            "evaluationDefinitionVersion": meta.get("evaluationDefinitionVersion"),
            "evaluationSubmitTimestamp": meta.get("evaluationSubmitTimestamp"),
            "score": {"percentage": (meta.get("score") or {}).get("percentage")},
        },
        "sections": [{"sectionRefId": s} for s in sections],
        "questions": questions,
    }


def write_connect_evaluations(evaluations: list[dict], path: Path) -> int:
    """The day's evaluation documents as one JSON array."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([to_connect_evaluation(e) for e in evaluations], indent=1), encoding="utf-8")
    return len(evaluations)
