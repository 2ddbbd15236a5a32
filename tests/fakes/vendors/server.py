"""The fake vendor server: a real HTTP server on loopback answering the vendors' routes.

Routes live in one module per vendor (``genesys_cloud``, ``amazon_connect``, ``zendesk``,
``salesforce``, ``nice_iex``); this module holds what they share: the server's lifecycle, the
OAuth token endpoint and bearer check, fault injection, paging and the request log.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fakes.vendors import amazon_connect, genesys_cloud, nice_iex, salesforce, zendesk
from fakes.vendors.data import VendorData

ROUTES = (genesys_cloud.route, amazon_connect.route, zendesk.route, nice_iex.route, salesforce.route)


@dataclass
class Fault:
    kind: str
    path: str | None
    count: int
    skip: int
    params: dict[str, Any]
    seen: int = 0


class FakeVendorApis:
    """The fake server (see the package docstring). Use as a context manager."""

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
        self._jobs: dict[str, dict[str, Any]] = {}  # Genesys export jobs (genesys_cloud.route)
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
        for vendor_route in ROUTES:
            answer = vendor_route(self, method, path, query, body)
            if answer is not None:
                return answer
        return 404, {"error": f"no route {method} {path}"}, "application/json"


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
