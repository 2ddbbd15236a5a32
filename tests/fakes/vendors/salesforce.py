"""Fake Salesforce REST query: ``GET /services/data/v62.0/query?q=SOQL`` (the SOQL must bound
``CreatedDate``), then ``nextRecordsUrl`` pages of the API's own batch size (``sf_batch``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from fakes.vendors.common import instant, token, untoken

if TYPE_CHECKING:
    from fakes.vendors.server import FakeVendorApis


def case_record(case: dict[str, str]) -> dict[str, Any]:
    """A Case as the Salesforce REST API returns it: typed values, nulls, ``attributes``."""
    url = f"/services/data/v62.0/sobjects/Case/{case['Id']}"
    record: dict[str, Any] = {"attributes": {"type": "Case", "url": url}}
    for name, value in case.items():
        record[name] = (value == "true") if name == "IsClosed" else (value or None)
    record["LastModifiedDate"] = case.get("ClosedDate") or case["CreatedDate"]
    return record


def route(fake: FakeVendorApis, method: str, path: str, query: dict[str, str], body: Any):
    if not (path.startswith("/services/data/") and "/query" in path):
        return None
    if query.get("q"):
        found = re.findall(r"CreatedDate (>=|<) (\S+)", query["q"])
        bounds = {op: instant(value) for op, value in found}
        if not query["q"].startswith("SELECT ") or set(bounds) != {">=", "<"}:
            error = [{"errorCode": "MALFORMED_QUERY", "message": "unexpected SOQL"}]
            return 400, error, "application/json"
        state = {"s": query["q"], "o": 0}
    else:
        state = untoken(path.rsplit("/", 1)[-1])
        found = re.findall(r"CreatedDate (>=|<) (\S+)", state.get("s", ""))
        bounds = {op: instant(value) for op, value in found}
    items = [r for r in fake.data.sf_cases if bounds[">="] <= instant(r["CreatedDate"]) < bounds["<"]]
    chunk, nxt = fake.page(items, state["o"], 2000 if fake.sf_batch is None else fake.sf_batch)
    answer: dict[str, Any] = {"totalSize": len(items), "done": nxt is None, "records": chunk}
    if nxt is not None:
        answer["nextRecordsUrl"] = "/services/data/v62.0/query/" + token({"s": state["s"], "o": nxt})
    return 200, answer, "application/json"
