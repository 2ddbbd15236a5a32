"""Loopback fakes of the vendor APIs, serving generated data, with fault injection.

:class:`FakeVendorApis` is a real HTTP server (``ThreadingHTTPServer`` on 127.0.0.1, port 0, in
a thread) answering the routes the extractors call, in each vendor's shape:

* ``POST /oauth/token`` - client credentials (HTTP basic auth), answers ``access_token``;
* ``POST /api/v2/analytics/conversations/details/jobs``, ``GET .../jobs/{id}``,
  ``GET .../jobs/{id}/results?cursor=`` - Genesys Cloud conversation detail jobs;
* ``POST /contacts/search`` - Amazon Connect contact search with ``NextToken``;
* ``GET /api/v2/incremental/tickets/cursor.json`` - Zendesk incremental export;
* ``GET /wfm/exporters/<export>?date=`` - NICE IEX-style exporter files;
* ``GET /evaluations`` - Amazon Connect evaluation listing with ``nextToken``;
* ``GET /services/data/v62.0/query?q=SOQL`` then ``nextRecordsUrl`` - Salesforce Case query.

Its data comes from default-layout files (what ``pilotage.generator.generate`` writes), turned
into each vendor's records by ``pilotage.samples``. :meth:`FakeVendorApis.add_fault` injects
faults into the next matching requests: ``slow`` (answer after ``delay`` s), ``500``/``503``,
``429`` (with ``retry_after``), ``drop`` (close the connection without answering),
``truncate`` (a 200 whose body is cut), ``expire_token`` (every token issued so far stops
working); ``overlap = k`` repeats the first k records of each next page at the end of a page
(duplicate records across pages). Every request is logged in ``requests``.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pilotage.samples import acd, crm, defaults, qa, wfm


def _instant(text: str | None) -> datetime | None:
    return defaults.parse_utc(text) if text else None


@dataclass
class VendorData:
    """Vendor-shaped records built from default-layout files of some days."""

    ctrs: list[dict] = field(default_factory=list)
    conversations: list[dict] = field(default_factory=list)
    tickets: list[dict] = field(default_factory=list)
    evaluations: list[dict] = field(default_factory=list)
    sf_cases: list[dict] = field(default_factory=list)
    exporter_files: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (export, day) -> body

    @classmethod
    def from_landing(cls, landing_dir: Path, days: list[date]) -> VendorData:
        data = cls()
        latest: dict[str, dict] = {}
        for day in days:
            ctrs = defaults.contacts(landing_dir, day)
            data.ctrs.extend(ctrs)
            for ctr in ctrs:
                seen = latest.get(ctr["ContactId"])
                if seen is None or ctr.get("LastUpdateTimestamp", "") >= seen.get("LastUpdateTimestamp", ""):
                    latest[ctr["ContactId"]] = ctr
            day_cases = defaults.cases(landing_dir, day)
            data.tickets.extend(crm.to_zendesk_ticket(c) for c in day_cases)
            data.sf_cases.extend(_sf_record(c) for c in day_cases)
            data.evaluations.extend(
                qa.to_connect_evaluation(e) for e in defaults.evaluations(landing_dir, day)
            )
            stamp = day.strftime("%Y%m%d")
            for export, name, ext in (
                ("agent-schedule-detail", "schedules", "txt"),
                ("ct-active-forecast", "forecasts", "txt"),
                ("agent-roster", "roster", "csv"),
            ):
                path = Path(landing_dir) / "wfm" / f"{name}_{stamp}.{ext}"
                if path.exists():
                    data.exporter_files[(export, day.isoformat())] = path.read_bytes()
            schedules, roster = defaults.schedules(landing_dir, day), defaults.roster(landing_dir, day)
            if schedules:
                tmp = Path(landing_dir) / ".fake-adherence.txt"
                wfm.write_iex_schedule_adherence(schedules, roster, tmp)
                data.exporter_files[("agent-adherence-summary", day.isoformat())] = tmp.read_bytes()
                tmp.unlink()
        data.conversations = [acd.to_genesys_conversation(c) for c in latest.values()]
        data.ctrs.sort(
            key=lambda r: (r["InitiationTimestamp"], r["ContactId"], r.get("LastUpdateTimestamp", ""))
        )
        data.conversations.sort(key=lambda r: (r["conversationStart"], r["conversationId"]))
        data.tickets.sort(key=lambda t: (t["generated_timestamp"], t["id"]))
        data.sf_cases.sort(key=lambda r: (r["CreatedDate"], r["Id"]))
        data.evaluations.sort(key=lambda e: (e["metadata"]["evaluationSubmitTimestamp"], e["evaluationId"]))
        return data


def _sf_record(case: dict[str, str]) -> dict[str, Any]:
    """A Case as the Salesforce REST API returns it: typed values, nulls, ``attributes``."""
    url = f"/services/data/v62.0/sobjects/Case/{case['Id']}"
    record: dict[str, Any] = {"attributes": {"type": "Case", "url": url}}
    for name, value in case.items():
        record[name] = (value == "true") if name == "IsClosed" else (value or None)
    record["LastModifiedDate"] = case.get("ClosedDate") or case["CreatedDate"]
    return record


@dataclass
class Fault:
    kind: str
    path: str | None
    count: int
    skip: int
    params: dict[str, Any]
    seen: int = 0


def _token(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, sort_keys=True).encode()).decode()


def _untoken(text: str | None) -> dict:
    if not text:
        return {}
    try:
        return json.loads(base64.urlsafe_b64decode(text.encode()))
    except ValueError:
        return {"bad": True}


class FakeVendorApis:
    """The fake server (see the module docstring). Use as a context manager."""

    def __init__(
        self,
        data: VendorData,
        *,
        token: str | None = "static-token",
        client_id: str = "pilotage-client",
        client_secret: str = "s3cret-value",
        token_lifetime: int = 3600,
        job_pending_polls: int = 1,
    ) -> None:
        self.data = data
        self.static_token = token
        self.client_id, self.client_secret = client_id, client_secret
        self.token_lifetime = token_lifetime
        self.job_pending_polls = job_pending_polls
        self.overlap = 0
        self.sf_batch: int | None = None  # Salesforce page size (the API's, not the client's)
        self.requests: list[dict[str, Any]] = []
        self._faults: list[Fault] = []
        self._tokens: set[str] = set()
        self._issued = 0
        self._jobs: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def __enter__(self) -> FakeVendorApis:
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- faults ---------------------------------------------------------------------------
    def add_fault(
        self, kind: str, *, path: str | None = None, count: int = 1, skip: int = 0, **params: Any
    ) -> None:
        """Inject ``kind`` into ``count`` requests whose path contains ``path``, after letting the next
        ``skip`` such requests through (faults added together count the same requests)."""
        if kind not in {"slow", "500", "503", "429", "drop", "truncate", "expire_token"}:
            raise ValueError(f"unknown fault {kind!r}")
        with self._lock:
            self._faults.append(Fault(kind, path, count, skip, params))

    def _take_fault(self, path: str) -> Fault | None:
        """The first pending fault this request triggers: a fault lets ``skip`` matching requests
        (counted from when it was added) through, then hits the next ``count`` ones."""
        taken = None
        with self._lock:
            for fault in self._faults:
                if fault.count <= 0 or (fault.path and fault.path not in path):
                    continue
                fault.seen += 1
                if taken is None and fault.seen > fault.skip:
                    fault.count -= 1
                    taken = fault
        return taken

    def requests_to(self, fragment: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if fragment in r["path"]]

    # -- auth -----------------------------------------------------------------------------
    def issue_token(self) -> str:
        with self._lock:
            self._issued += 1
            token = f"tok-{self._issued}-{time.monotonic_ns()}"
            self._tokens.add(token)
            return token

    def token_ok(self, header: str | None) -> bool:
        if not header or not header.startswith("Bearer "):
            return False
        token = header[len("Bearer ") :]
        with self._lock:
            return token == self.static_token or token in self._tokens

    def expire_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    # -- paging -----------------------------------------------------------------------------
    def page(self, items: list, offset: int, size: int) -> tuple[list, int | None]:
        size = max(1, min(int(size), 10_000))
        chunk = items[offset : offset + size + self.overlap]
        nxt = offset + size
        return chunk, (nxt if nxt < len(items) else None)

    # -- routes -----------------------------------------------------------------------------
    def route(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any, str]:
        if path.startswith("/api/v2/analytics/conversations/details/jobs"):
            return self._genesys(method, path, query, body)
        if path == "/contacts/search" and method == "POST":
            return self._connect_search(body or {})
        if path == "/api/v2/incremental/tickets/cursor.json":
            return self._zendesk(query)
        if path.startswith("/wfm/exporters/"):
            key = (path.rsplit("/", 1)[-1], query.get("date", ""))
            if key[0] not in {
                "agent-schedule-detail",
                "ct-active-forecast",
                "agent-roster",
                "agent-adherence-summary",
            }:
                return 404, {"error": f"no exporter {key[0]}"}, "application/json"
            return 200, self.data.exporter_files.get(key, b""), "text/plain; charset=utf-8"
        if path == "/evaluations":
            return self._evaluations(query)
        if path.startswith("/services/data/") and "/query" in path:
            return self._soql(path, query)
        return 404, {"error": f"no route {method} {path}"}, "application/json"

    def _genesys(self, method, path, query, body):
        parts = path.rstrip("/").split("/")
        if method == "POST" and parts[-1] == "jobs":
            interval = (body or {}).get("interval", "")
            start, _, end = interval.partition("/")
            job = f"job-{len(self._jobs) + 1}"
            self._jobs[job] = {"start": _instant(start), "end": _instant(end), "polls": 0}
            return 202, {"jobId": job}, "application/json"
        job_id = parts[-2] if parts[-1] == "results" else parts[-1]
        job = self._jobs.get(job_id)
        if job is None:
            return 404, {"error": f"no job {job_id}"}, "application/json"
        if parts[-1] != "results":
            job["polls"] += 1
            if job.get("expired"):
                return 200, {"state": "EXPIRED"}, "application/json"
            state = "PENDING" if job["polls"] <= self.job_pending_polls else "FULFILLED"
            return 200, {"state": state}, "application/json"
        items = [
            c
            for c in self.data.conversations
            if job["start"] <= _instant(c["conversationStart"]) < job["end"]
        ]
        offset = _untoken(query.get("cursor")).get("o", 0)
        chunk, nxt = self.page(items, offset, int(query.get("pageSize", 100)))
        answer = {"conversations": chunk}
        if nxt is not None:
            answer["cursor"] = _token({"job": job_id, "o": nxt})
        return 200, answer, "application/json"

    def _connect_search(self, body):
        rng = body.get("TimeRange") or {}
        start, end = _instant(rng.get("StartTime")), _instant(rng.get("EndTime"))
        items = [c for c in self.data.ctrs if start <= _instant(c["InitiationTimestamp"]) < end]
        offset = _untoken(body.get("NextToken")).get("o", 0)
        chunk, nxt = self.page(items, offset, int(body.get("MaxResults", 100)))
        answer: dict[str, Any] = {"Contacts": chunk, "TotalCount": len(items)}
        if nxt is not None:
            answer["NextToken"] = _token({"o": nxt})
        return 200, answer, "application/json"

    def _zendesk(self, query):
        state = (
            _untoken(query.get("cursor"))
            if query.get("cursor")
            else {"s": int(query.get("start_time", 0)), "o": 0}
        )
        if state.get("bad"):
            return 400, {"error": "InvalidCursor"}, "application/json"
        items = [t for t in self.data.tickets if t["generated_timestamp"] >= state["s"]]
        chunk, nxt = self.page(items, state["o"], int(query.get("per_page", 100)))
        answer = {
            "tickets": chunk,
            "after_cursor": _token({"s": state["s"], "o": nxt or len(items)}),
            "before_cursor": None,
            "end_of_stream": nxt is None,
        }
        return 200, answer, "application/json"

    def _soql(self, path, query):
        if query.get("q"):
            found = re.findall(r"CreatedDate (>=|<) (\S+)", query["q"])
            bounds = {op: _instant(value) for op, value in found}
            if not query["q"].startswith("SELECT ") or set(bounds) != {">=", "<"}:
                error = [{"errorCode": "MALFORMED_QUERY", "message": "unexpected SOQL"}]
                return 400, error, "application/json"
            state = {"s": query["q"], "o": 0}
        else:
            state = _untoken(path.rsplit("/", 1)[-1])
            found = re.findall(r"CreatedDate (>=|<) (\S+)", state.get("s", ""))
            bounds = {op: _instant(value) for op, value in found}
        items = [r for r in self.data.sf_cases if bounds[">="] <= _instant(r["CreatedDate"]) < bounds["<"]]
        chunk, nxt = self.page(items, state["o"], 2000 if self.sf_batch is None else self.sf_batch)
        answer: dict[str, Any] = {"totalSize": len(items), "done": nxt is None, "records": chunk}
        if nxt is not None:
            answer["nextRecordsUrl"] = "/services/data/v62.0/query/" + _token({"s": state["s"], "o": nxt})
        return 200, answer, "application/json"

    def _evaluations(self, query):
        start, end = _instant(query.get("startTime")), _instant(query.get("endTime"))
        items = [
            e
            for e in self.data.evaluations
            if start <= _instant(e["metadata"]["evaluationSubmitTimestamp"]) < end
        ]
        offset = _untoken(query.get("nextToken")).get("o", 0)
        chunk, nxt = self.page(items, offset, int(query.get("maxResults", 100)))
        answer: dict[str, Any] = {"evaluations": chunk}
        if nxt is not None:
            answer["nextToken"] = _token({"o": nxt})
        return 200, answer, "application/json"


def _make_handler(fake: FakeVendorApis):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def _send(
            self,
            status: int,
            payload: Any,
            content_type: str,
            *,
            cut: bool = False,
            headers: dict[str, str] | None = None,
        ) -> None:
            if isinstance(payload, bytes):
                body = payload
            else:
                body = json.dumps(payload).encode()
            if cut:
                body = body[: max(1, len(body) // 2)]
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _handle(self, method: str) -> None:
            split = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(split.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            entry = {"method": method, "path": split.path, "query": query, "status": None}
            fake.requests.append(entry)
            fault = fake._take_fault(split.path)
            if split.path == "/oauth/token":
                self._token(raw, entry)
                return
            if fault and fault.kind == "expire_token":
                fake.expire_tokens()
                fault = None
            if not fake.token_ok(self.headers.get("Authorization")):
                entry["status"] = 401
                self._send(401, {"error": "invalid or expired token"}, "application/json")
                return
            if fault:
                entry["fault"] = fault.kind
                if fault.kind == "slow":
                    time.sleep(float(fault.params.get("delay", 1.0)))
                elif fault.kind == "drop":
                    entry["status"] = "dropped"
                    self.close_connection = True
                    return
                elif fault.kind in ("500", "503"):
                    entry["status"] = int(fault.kind)
                    self._send(int(fault.kind), {"error": "internal error"}, "application/json")
                    return
                elif fault.kind == "429":
                    entry["status"] = 429
                    self._send(
                        429,
                        {"error": "rate limited"},
                        "application/json",
                        headers={"Retry-After": str(fault.params.get("retry_after", 1))},
                    )
                    return
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                self._send(400, {"error": "body is not JSON"}, "application/json")
                return
            status, payload, content_type = fake.route(method, split.path, query, body)
            entry["status"] = status
            self._send(status, payload, content_type, cut=bool(fault and fault.kind == "truncate"))

        def _token(self, raw: bytes, entry: dict) -> None:
            auth = self.headers.get("Authorization", "")
            expected = "Basic " + base64.b64encode(f"{fake.client_id}:{fake.client_secret}".encode()).decode()
            if auth != expected or b"grant_type=client_credentials" not in raw:
                entry["status"] = 401
                self._send(401, {"error": "invalid_client"}, "application/json")
                return
            entry["status"] = 200
            self._send(
                200,
                {
                    "access_token": fake.issue_token(),
                    "token_type": "bearer",
                    "expires_in": fake.token_lifetime,
                },
                "application/json",
            )

        def do_GET(self) -> None:  # noqa: N802
            self._handle("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._handle("POST")

    return Handler


def expire_job(fake: FakeVendorApis, job_id: str) -> None:
    """Make a Genesys job answer EXPIRED from now on."""
    fake._jobs[job_id]["expired"] = True
