"""Fake Amazon Connect: ``POST /contacts/search`` (``NextToken`` pages of contact records, acd)
and ``GET /evaluations`` (``nextToken`` pages of evaluation documents by submit time, qa)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pilotage.samples import amazon_connect

from fakes.vendors.common import instant, token, untoken

if TYPE_CHECKING:
    from fakes.vendors.server import FakeVendorApis


def evaluation(default_evaluation: dict) -> dict:
    """A default-layout evaluation as the listing returns it."""
    return amazon_connect.to_connect_evaluation(default_evaluation)


def route(fake: FakeVendorApis, method: str, path: str, query: dict[str, str], body: Any):
    if path == "/contacts/search" and method == "POST":
        return _search(fake, body or {})
    if path == "/evaluations":
        return _evaluations(fake, query)
    return None


def _search(fake: FakeVendorApis, body: dict):
    rng = body.get("TimeRange") or {}
    start, end = instant(rng.get("StartTime")), instant(rng.get("EndTime"))
    items = [c for c in fake.data.ctrs if start <= instant(c["InitiationTimestamp"]) < end]
    offset = untoken(body.get("NextToken")).get("o", 0)
    chunk, nxt = fake.page(items, offset, int(body.get("MaxResults", 100)))
    answer: dict[str, Any] = {"Contacts": chunk, "TotalCount": len(items)}
    if nxt is not None:
        answer["NextToken"] = token({"o": nxt})
    return 200, answer, "application/json"


def _evaluations(fake: FakeVendorApis, query: dict[str, str]):
    start, end = instant(query.get("startTime")), instant(query.get("endTime"))
    items = [
        e for e in fake.data.evaluations if start <= instant(e["metadata"]["evaluationSubmitTimestamp"]) < end
    ]
    offset = untoken(query.get("nextToken")).get("o", 0)
    chunk, nxt = fake.page(items, offset, int(query.get("maxResults", 100)))
    answer: dict[str, Any] = {"evaluations": chunk}
    if nxt is not None:
        answer["nextToken"] = token({"o": nxt})
    return 200, answer, "application/json"
