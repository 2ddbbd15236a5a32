"""Fake Zendesk incremental ticket export: ``GET /api/v2/incremental/tickets/cursor.json``
(``start_time`` then ``cursor``; every ticket updated since ``start_time``, ``end_of_stream``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pilotage.samples import zendesk

from fakes.vendors.common import token, untoken

if TYPE_CHECKING:
    from fakes.vendors.server import FakeVendorApis

PATH = "/api/v2/incremental/tickets/cursor.json"


def ticket(case: dict[str, str]) -> dict:
    """A default-layout case as the export returns it."""
    return zendesk.to_zendesk_ticket(case)


def route(fake: FakeVendorApis, method: str, path: str, query: dict[str, str], body: Any):
    if path != PATH:
        return None
    state = untoken(query.get("cursor")) if query.get("cursor") else {"s": int(query.get("start_time", 0)), "o": 0}
    if state.get("bad"):
        return 400, {"error": "InvalidCursor"}, "application/json"
    items = [t for t in fake.data.tickets if t["generated_timestamp"] >= state["s"]]
    chunk, nxt = fake.page(items, state["o"], int(query.get("per_page", 100)))
    answer = {
        "tickets": chunk,
        "after_cursor": token({"s": state["s"], "o": nxt or len(items)}),
        "before_cursor": None,
        "end_of_stream": nxt is None,
    }
    return 200, answer, "application/json"
