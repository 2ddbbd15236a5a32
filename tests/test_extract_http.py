"""The HTTP client against a real loopback fake API: retries, backoff, 429, timeouts, tokens."""

from __future__ import annotations

import json
import logging
import time
from datetime import date

import pytest
from conftest import ctr
from fakes.vendors import FakeVendorApis, VendorData
from pilotage.extract import config as api_config
from pilotage.extract.config import ApiConfig, ConfigError, config_from_connection
from pilotage.extract.http import ApiClient, ExtractError
from pilotage.extract.runner import extract
from pilotage.extract.state import RawArchive

SEARCH = {
    "InstanceId": "i",
    "MaxResults": 2,
    "TimeRange": {"StartTime": "2026-10-04T22:00:00.000Z", "EndTime": "2026-10-05T22:00:00.000Z"},
}


@pytest.fixture
def fake():
    records = [ctr(f"c{i}", f"2026-10-05T0{i}:00:00") for i in range(1, 6)]
    with FakeVendorApis(VendorData(ctrs=records)) as server:
        yield server


def _config(fake, **overrides) -> ApiConfig:
    values = {
        "conn_id": "pilotage_acd_api",
        "base_url": fake.url,
        "vendor": "amazon_connect",
        "token": "static-token",
        "page_size": 2,
        "read_timeout": 0.3,
        "connect_timeout": 1.0,
        "max_attempts": 4,
        "backoff_seconds": 0.05,
        "backoff_max_seconds": 1.0,
    }
    values.update(overrides)
    return ApiConfig(**values)


def _client(fake, tmp_path, sleeps, **overrides) -> ApiClient:
    return ApiClient(_config(fake, **overrides), RawArchive(tmp_path / "raw"), sleep=sleeps.append)


def _search(client):
    return client.call("POST", "/contacts/search", label="search", json_body=SEARCH)


def test_5xx_and_dropped_connections_are_retried_with_exponential_jittered_backoff(fake, tmp_path):
    for kind in ("500", "drop", "503"):
        fake.add_fault(kind, path="/contacts/search")
    sleeps: list[float] = []
    client = _client(fake, tmp_path, sleeps)
    page = _search(client)
    assert [c["ContactId"] for c in page.value["Contacts"]] == ["c1", "c2"]
    assert [r.get("status") for r in fake.requests] == [500, "dropped", 503, 200]
    assert len(sleeps) == 3 and client.stats["retries"] == 3
    for attempt, waited in enumerate(sleeps, start=1):  # full jitter within base * 2^(n-1)
        assert 0 <= waited <= 0.05 * 2 ** (attempt - 1)


def test_a_slow_answer_times_out_and_is_retried(fake, tmp_path):
    fake.add_fault("slow", delay=1.5)
    started = time.monotonic()
    page = _search(_client(fake, tmp_path, []))
    assert len(page.value["Contacts"]) == 2
    assert time.monotonic() - started < 1.4  # did not wait for the slow answer


def test_429_waits_what_retry_after_says(fake, tmp_path):
    fake.add_fault("429", retry_after=2, count=2)
    sleeps: list[float] = []
    _search(_client(fake, tmp_path, sleeps))
    assert sleeps == [2.0, 2.0]


def test_a_retry_after_beyond_the_limit_fails_naming_it(fake, tmp_path):
    fake.add_fault("429", retry_after=3600)
    with pytest.raises(ExtractError, match="rate limited .HTTP 429. with Retry-After 3600s.*max_retry_after"):
        _search(_client(fake, tmp_path, []))


def test_truncated_page_is_archived_as_received_then_fetched_again(fake, tmp_path):
    fake.add_fault("truncate")
    page = _search(_client(fake, tmp_path, []))
    archived = sorted((tmp_path / "raw").glob("0*__*"))
    assert len(archived) == 2
    whole = archived[1].read_bytes()
    assert json.loads(whole) == page.value and page.raw_path == archived[1]
    assert whole.startswith(archived[0].read_bytes()) and len(archived[0].read_bytes()) == len(whole) // 2
    index = [json.loads(line) for line in (tmp_path / "raw" / "index.jsonl").read_text().splitlines()]
    assert [i["bytes"] for i in index] == [len(archived[0].read_bytes()), len(whole)]


def test_persistent_errors_fail_naming_the_call_the_cause_and_the_attempts(fake, tmp_path):
    fake.add_fault("500", count=4)
    with pytest.raises(
        ExtractError,
        match=r"pilotage_acd_api: POST /contacts/search failed after 4 "
        r"attempt\(s\): HTTP 500",
    ):
        _search(_client(fake, tmp_path, []))
    fake.add_fault("truncate", count=10)
    with pytest.raises(ExtractError, match="failed after 4 attempt.*truncated or malformed page"):
        _search(_client(fake, tmp_path, []))


def test_a_token_that_expires_mid_run_is_refreshed_and_the_run_completes(fake, tmp_path, settings):
    fake.add_fault("expire_token", path="/contacts/search", skip=1)  # the second page finds it expired
    cfg = _config(
        fake, token=None, client_id="pilotage-client", client_secret="s3cret-value", token_url="/oauth/token"
    )
    summary = extract("acd", date(2026, 10, 5), date(2026, 10, 6), settings, config=cfg, sleep=lambda s: None)
    assert summary["records"] == 5 and summary["pages"] == 3
    assert summary["http"]["token_refreshes"] == 2
    assert [r["status"] for r in fake.requests_to("/contacts/search")] == [200, 401, 200, 200]


def test_wrong_client_secret_or_token_fail_clearly(fake, tmp_path):
    cfg = {
        "token": None,
        "client_id": "pilotage-client",
        "client_secret": "wrong",
        "token_url": "/oauth/token",
    }
    with pytest.raises(
        ExtractError, match="pilotage_acd_api: authentication failed: the token endpoint answered HTTP 401"
    ):
        _search(_client(fake, tmp_path, [], **cfg))
    with pytest.raises(ExtractError, match="POST /contacts/search answered HTTP 401"):
        _search(_client(fake, tmp_path, [], token="not-the-token"))


class _Conn:
    def __init__(
        self, host="api.example.test", login=None, password="tok-123456", schema=None, port=None, extra=None
    ):
        self.host, self.login, self.password, self.schema, self.port = host, login, password, schema, port
        self.extra_dejson = extra if extra is not None else {"vendor": "genesys_cloud", "page_size": "50"}


def test_connection_settings_and_errors_naming_the_key():
    cfg = config_from_connection(_Conn(schema="http", port=8080), "pilotage_acd_api")
    assert (
        cfg.base_url == "http://api.example.test:8080" and cfg.page_size == 50 and cfg.token == "tok-123456"
    )
    assert "tok-123456" not in repr(cfg)
    oauth = config_from_connection(
        _Conn(login="id", password="secret-xyz", extra={"vendor": "zendesk", "token_url": "/oauth/token"}),
        "c",
    )
    assert oauth.uses_oauth and oauth.token is None and "secret-xyz" not in repr(oauth)
    for conn, key in (
        (_Conn(host=""), "'host'"),
        (_Conn(extra={}), "extra 'vendor'"),
        (_Conn(password=None), "no credentials"),
        (_Conn(extra={"vendor": "x", "read_timeout": "soon"}), "extra 'read_timeout'"),
        (_Conn(extra={"vendor": "x", "token_url": "/t"}), "'login'"),
    ):
        with pytest.raises(ConfigError, match=key):
            config_from_connection(conn, "pilotage_acd_api")


def test_no_connection_means_no_api_extraction(settings, monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_PILOTAGE_QA_API", raising=False)
    assert extract("qa", date(2026, 10, 5), date(2026, 10, 6), settings) == {
        "source": "qa",
        "status": "skipped",
        "reason": "no connection pilotage_qa_api",
    }


def test_connection_from_airflow_and_no_secret_in_logs(fake, settings, monkeypatch, caplog):
    secret = "very-secret-client-value"
    fake.client_secret = secret
    conn = {
        "conn_type": "http",
        "host": fake.url,
        "login": "pilotage-client",
        "password": secret,
        "extra": {
            "vendor": "amazon_connect",
            "token_url": "/oauth/token",
            "page_size": 2,
            "backoff_seconds": 0.01,
        },
    }
    monkeypatch.setenv("AIRFLOW_CONN_PILOTAGE_ACD_API", json.dumps(conn))
    fake.add_fault("500")
    fake.add_fault("expire_token", path="/contacts/search", skip=1)
    caplog.set_level(logging.DEBUG)
    cfg = api_config.lookup("acd")
    assert cfg is not None and cfg.conn_id == "pilotage_acd_api" and cfg.uses_oauth
    summary = extract("acd", date(2026, 10, 5), date(2026, 10, 6), settings)
    assert summary["records"] == 5
    issued = [t for t in fake._tokens]
    assert secret not in caplog.text and all(t not in caplog.text for t in issued)
    assert "retrying" in caplog.text  # the retry itself is logged
    for path in settings.data_dir.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
