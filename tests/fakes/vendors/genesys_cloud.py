"""Fake Genesys Cloud conversation-detail jobs: ``POST .../jobs``, ``GET .../jobs/{id}`` (state,
PENDING for ``job_pending_polls`` polls, then FULFILLED, or EXPIRED) and
``GET .../jobs/{id}/results?cursor=``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pilotage.samples import genesys_cloud

from fakes.vendors.common import instant, token, untoken

if TYPE_CHECKING:
    from fakes.vendors.server import FakeVendorApis

JOBS = "/api/v2/analytics/conversations/details/jobs"


def conversations(latest_ctrs: list[dict]) -> list[dict]:
    """Conversation detail records of the latest version of each contact."""
    return [genesys_cloud.to_genesys_conversation(c) for c in latest_ctrs]


def route(fake: FakeVendorApis, method: str, path: str, query: dict[str, str], body: Any):
    if not path.startswith(JOBS):
        return None
    parts = path.rstrip("/").split("/")
    if method == "POST" and parts[-1] == "jobs":
        interval = (body or {}).get("interval", "")
        start, _, end = interval.partition("/")
        job = f"job-{len(fake._jobs) + 1}"
        fake._jobs[job] = {"start": instant(start), "end": instant(end), "polls": 0}
        return 202, {"jobId": job}, "application/json"
    job_id = parts[-2] if parts[-1] == "results" else parts[-1]
    job = fake._jobs.get(job_id)
    if job is None:
        return 404, {"error": f"no job {job_id}"}, "application/json"
    if parts[-1] != "results":
        job["polls"] += 1
        if job.get("expired"):
            return 200, {"state": "EXPIRED"}, "application/json"
        state = "PENDING" if job["polls"] <= fake.job_pending_polls else "FULFILLED"
        return 200, {"state": state}, "application/json"
    items = [c for c in fake.data.conversations if job["start"] <= instant(c["conversationStart"]) < job["end"]]
    offset = untoken(query.get("cursor")).get("o", 0)
    chunk, nxt = fake.page(items, offset, int(query.get("pageSize", 100)))
    answer = {"conversations": chunk}
    if nxt is not None:
        answer["cursor"] = token({"job": job_id, "o": nxt})
    return 200, answer, "application/json"


def expire_job(fake: FakeVendorApis, job_id: str) -> None:
    """Make a Genesys job answer EXPIRED from now on."""
    fake._jobs[job_id]["expired"] = True
