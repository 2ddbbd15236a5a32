"""A robust HTTP client for vendor APIs (``requests``), shared by every extractor.

* connect and read timeouts on every call;
* retries with exponential backoff and full jitter on connection errors, timeouts, 5xx and
  bodies that do not parse (a truncated page); ``429`` waits what ``Retry-After`` says;
* bearer token, or OAuth client credentials: the token is fetched, cached until it expires and
  fetched again when the API answers ``401`` (a token that expires mid-run);
* every successful body is archived exactly as received (``RawArchive``) *before* it is parsed;
* failures raise :class:`ExtractError` naming the call, the cause and the number of attempts.
  Tokens and secrets are never logged; URLs are logged without their query string.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from pilotage.extract.config import ApiConfig
from pilotage.extract.state import RawArchive

log = logging.getLogger("pilotage.extract")


class ExtractError(RuntimeError):
    """An extraction failed for a reason worth reading (names the call and the cause)."""


class _Retryable(Exception):
    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


@dataclass
class Fetched:
    """A parsed response and where its raw body was archived."""

    value: Any
    raw_path: Any
    status: int
    headers: dict[str, str]


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def parse_json(body: bytes) -> Any:
    import json

    try:
        return json.loads(body)
    except ValueError as exc:
        raise ValueError(f"body is not complete JSON ({len(body)} bytes): {exc}") from None


class ApiClient:
    """One API's HTTP client (see the module docstring)."""

    def __init__(
        self,
        config: ApiConfig,
        archive: RawArchive | None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self.archive = archive
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "pilotage-extract/1"
        self.session.headers["Accept"] = "application/json, text/plain;q=0.9"
        self._token: str | None = config.token
        self._token_expires_at = float("inf")
        self.stats = {"requests": 0, "retries": 0, "token_refreshes": 0, "waited_seconds": 0.0}

    def close(self) -> None:
        self.session.close()

    # -- authentication ------------------------------------------------------------------
    def _fetch_token(self) -> None:
        cfg = self.config
        url = cfg.url(cfg.token_url or "")
        try:
            resp = self.session.post(
                url,
                data={"grant_type": "client_credentials"},
                auth=(cfg.client_id or "", cfg.client_secret or ""),
                timeout=(cfg.connect_timeout, cfg.read_timeout),
                verify=cfg.verify,
            )
        except requests.RequestException as exc:
            raise _Retryable(f"token endpoint unreachable: {type(exc).__name__}") from None
        if resp.status_code >= 500 or resp.status_code == 429:
            raise _Retryable(
                f"token endpoint answered HTTP {resp.status_code}",
                _retry_after(resp.headers.get("Retry-After")),
            )
        if resp.status_code != 200:
            raise ExtractError(
                f"{cfg.conn_id}: authentication failed: the token endpoint answered HTTP "
                f"{resp.status_code} (check the client id/secret of the connection)"
            )
        try:
            body = resp.json()
            token = body["access_token"]
        except (ValueError, KeyError):
            raise _Retryable("token endpoint answered without an access_token") from None
        self._token = token
        lifetime = float(body.get("expires_in") or 3600)
        self._token_expires_at = time.monotonic() + max(0.0, lifetime - 30)
        self.stats["token_refreshes"] += 1
        log.info("%s: OAuth token obtained (expires in %.0fs)", cfg.conn_id, lifetime)

    def _auth_headers(self) -> dict[str, str]:
        if self.config.uses_oauth and (self._token is None or time.monotonic() >= self._token_expires_at):
            self._fetch_token()
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    # -- one call, with retries ----------------------------------------------------------------
    def _backoff(self, attempt: int) -> float:
        cap = min(self.config.backoff_max_seconds, self.config.backoff_seconds * (2 ** (attempt - 1)))
        return self.rng.uniform(0, cap)

    def call(
        self,
        method: str,
        path: str,
        *,
        label: str,
        params: dict | None = None,
        json_body: Any = None,
        parse: Callable[[bytes], Any] = parse_json,
    ) -> Fetched:
        """Send one API call until it succeeds and its body parses; archive the body first."""
        cfg = self.config
        url = cfg.url(path)
        shown = f"{method} {urlsplit(url).path}"
        refreshed_for_401 = False
        last = "no attempt"
        for attempt in range(1, cfg.max_attempts + 1):
            wait: float | None = None
            try:
                headers = self._auth_headers()
                self.stats["requests"] += 1
                try:
                    resp = self.session.request(
                        method,
                        url,
                        params=params,
                        json=json_body,
                        headers=headers,
                        timeout=(cfg.connect_timeout, cfg.read_timeout),
                        verify=cfg.verify,
                    )
                    body = resp.content  # read the whole body here: a dropped connection raises now
                except requests.Timeout as exc:
                    raise _Retryable(
                        f"timed out ({type(exc).__name__}, connect {cfg.connect_timeout}s / "
                        f"read {cfg.read_timeout}s)"
                    ) from None
                except requests.RequestException as exc:
                    raise _Retryable(f"connection error ({type(exc).__name__})") from None
                status = resp.status_code
                if status == 401 and cfg.uses_oauth and not refreshed_for_401:
                    refreshed_for_401 = True
                    self._token = None
                    log.info("%s: %s answered 401, fetching a new token", cfg.conn_id, shown)
                    raise _Retryable("HTTP 401 (token expired)", 0.0)
                if status == 429:
                    after = _retry_after(resp.headers.get("Retry-After"))
                    if after is not None and after > cfg.max_retry_after_seconds:
                        raise ExtractError(
                            f"{cfg.conn_id}: {shown} rate limited (HTTP 429) with Retry-After "
                            f"{after:.0f}s, more than max_retry_after_seconds "
                            f"{cfg.max_retry_after_seconds:.0f}"
                        )
                    raise _Retryable("HTTP 429 (rate limited)", after)
                if status >= 500:
                    raise _Retryable(f"HTTP {status}: {body[:120]!r}")
                if status >= 400:
                    raise ExtractError(
                        f"{cfg.conn_id}: {shown} answered HTTP {status}: "
                        f"{body[:300].decode('utf-8', 'replace')}"
                    )
                raw_path = None
                if self.archive is not None:
                    raw_path = self.archive.store(
                        label,
                        body,
                        url_path=urlsplit(url).path,
                        status=status,
                        content_type=resp.headers.get("Content-Type", ""),
                    )
                try:
                    value = parse(body)
                except ValueError as exc:
                    raise _Retryable(f"truncated or malformed page: {exc}") from None
                if attempt > 1:
                    log.info("%s: %s succeeded at attempt %d", cfg.conn_id, shown, attempt)
                return Fetched(value, raw_path, status, dict(resp.headers))
            except _Retryable as retry:
                last = retry.reason
                wait = retry.wait
            if attempt == cfg.max_attempts:
                break
            if wait is None:
                wait = self._backoff(attempt)
            self.stats["retries"] += 1
            self.stats["waited_seconds"] += wait
            log.warning(
                "%s: %s attempt %d/%d failed: %s; retrying in %.2fs",
                cfg.conn_id,
                shown,
                attempt,
                cfg.max_attempts,
                last,
                wait,
            )
            self.sleep(wait)
        raise ExtractError(f"{cfg.conn_id}: {shown} failed after {cfg.max_attempts} attempt(s): {last}")
