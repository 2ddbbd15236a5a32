"""One extractor per source system and API style, modelled on the vendors' public APIs.

* acd ``genesys_cloud``: async analytics job (POST job, poll its state, GET results by cursor);
  lands contacts for layout ``genesys_cloud__conversation_details``;
* acd ``amazon_connect``: SearchContacts-style POST with ``NextToken`` pages; lands contacts in
  the default CTR layout;
* crm ``zendesk``: incremental ticket export, cursor based (``after_cursor``, ``end_of_stream``);
  lands cases for layout ``zendesk__tickets``;
* crm ``salesforce``: REST ``query`` (SOQL on CreatedDate) with ``nextRecordsUrl`` pages; lands
  cases in the default Case export layout;
* wfm ``nice_iex``: exporter endpoints, one pipe-delimited file per export and day; lands
  schedules, forecasts and roster in the default layouts; adherence is archived, not landed;
* qa ``amazon_connect``: evaluation listing with ``nextToken`` pages; lands evaluations for
  layouts ``amazon_connect__evaluations`` / ``amazon_connect__evaluation_answers``.

Each extractor fetches pages into the run's checkpoint (``fetch``), then turns the archived pages
into records (``records``), which the runner de-duplicates (``key``/``version``), splits by
business day (``day_of``) and writes as landing files (``render``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pilotage.extract.http import ApiClient, ExtractError, parse_json
from pilotage.extract.state import RunState

LOCAL_TZ = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Window:
    """Business days [start, end) and their UTC bounds (local midnights, Europe/Paris)."""

    start: date
    end: date

    @property
    def start_utc(self) -> datetime:
        return datetime.combine(self.start, time(0), tzinfo=LOCAL_TZ).astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        return datetime.combine(self.end, time(0), tzinfo=LOCAL_TZ).astimezone(UTC)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days)]

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day < self.end


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def local_day(text: str | None) -> date | None:
    """Local business day of an ISO instant (``Z`` or offset)."""
    if not text:
        return None
    value = text.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ).date()


PageHook = Callable[[int], None]


def paged(
    client: ApiClient,
    run: RunState,
    part: str,
    request: Callable[[Any], dict[str, Any]],
    next_cursor: Callable[[Any], Any],
    on_page: PageHook,
) -> None:
    """Fetch the pages of one part from its saved cursor on; checkpoint after each page."""
    saved = run.cursor.get(part) or {}
    if saved.get("done"):
        return
    cursor = saved.get("next")
    while True:
        call = request(cursor)
        fetched = client.call(label=f"{part}-p{len(run.data['pages']) + 1}", **call)
        nxt = next_cursor(fetched.value)
        new = dict(run.cursor)
        new[part] = {"next": nxt} if nxt else {"done": True}
        on_page(run.accept_page(fetched.raw_path, part=part, cursor=new))
        if not nxt:
            return
        cursor = nxt


class Extractor:
    source: str = ""
    vendor: str = ""
    layouts: dict[str, str | None] = {}  # entity key -> vendor layout its landing files need
    file_names: dict[str, str] = {}  # entity key -> landing name with {yyyymmdd}

    def __init__(self, client: ApiClient, run: RunState, window: Window) -> None:
        self.client, self.run, self.window = client, run, window
        self.cfg = client.config

    def fetch(self, on_page: PageHook) -> None:
        raise NotImplementedError

    def records(self) -> dict[str, list[dict]]:
        raise NotImplementedError

    def key(self, entity_key: str, record: Any) -> Any:
        return None  # None: no de-duplication

    def version(self, entity_key: str, record: Any) -> Any:
        return ""

    def day_of(self, entity_key: str, record: Any) -> date | None:
        raise NotImplementedError

    def render(self, entity_key: str, day: date, records: list[Any]) -> bytes:
        raise NotImplementedError


def _jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


# ---------------------------------------------------------------------------------- ACD
class GenesysConversationJobs(Extractor):
    """Genesys Cloud analytics conversation details *jobs* (asynchronous export)."""

    source, vendor = "acd", "genesys_cloud"
    layouts = {"acd__contacts": "genesys_cloud__conversation_details"}
    file_names = {"acd__contacts": "contacts_{yyyymmdd}.jsonl"}
    JOBS = "/api/v2/analytics/conversations/details/jobs"

    def _job(self) -> str:
        job = self.run.cursor.get("job")
        if job:
            return job
        interval = f"{_iso(self.window.start_utc)}/{_iso(self.window.end_utc)}"
        created = self.client.call("POST", self.JOBS, label="job-create", json_body={"interval": interval})
        job = created.value.get("jobId")
        if not job:
            raise ExtractError(f"{self.cfg.conn_id}: the job request answered no jobId: {created.value!r}")
        self.run.data["cursor"] = {"job": job}
        self.run.save()
        return job

    def _wait(self, job: str) -> str:
        """Poll the job until it is FULFILLED; returns its final state."""
        waited = 0.0
        while True:
            status = self.client.call("GET", f"{self.JOBS}/{job}", label="job-status").value
            state = str(status.get("state", "")).upper()
            if state in ("FULFILLED", "EXPIRED"):
                return state
            if state in ("FAILED", "CANCELLED"):
                raise ExtractError(
                    f"{self.cfg.conn_id}: export job {job} ended {state}: "
                    f"{status.get('errorMessage') or 'no message'}"
                )
            if waited >= self.cfg.job_timeout_seconds:
                raise ExtractError(
                    f"{self.cfg.conn_id}: export job {job} still {state or '?'} after "
                    f"{waited:.0f}s (job_timeout_seconds)"
                )
            self.client.sleep(self.cfg.poll_seconds)
            waited += self.cfg.poll_seconds

    def fetch(self, on_page: PageHook) -> None:
        for _ in range(3):
            job = self._job()
            if self._wait(job) == "EXPIRED":
                self.run.reset_pages(f"job {job} expired")
                continue
            results = f"{self.JOBS}/{job}/results"
            paged(
                self.client,
                self.run,
                "conversations",
                lambda cursor, results=results: {
                    "method": "GET",
                    "path": results,
                    "params": {"pageSize": self.cfg.page_size, **({"cursor": cursor} if cursor else {})},
                },
                lambda page: page.get("cursor"),
                on_page,
            )
            return
        raise ExtractError(f"{self.cfg.conn_id}: export jobs kept expiring before their results were read")

    def records(self) -> dict[str, list[dict]]:
        out = []
        for _, body in self.run.pages("conversations"):
            out.extend(parse_json(body).get("conversations") or [])
        return {"acd__contacts": out}

    def key(self, entity_key, record):
        return record.get("conversationId")

    def version(self, entity_key, record):
        return record.get("conversationEnd") or ""

    def day_of(self, entity_key, record):
        return local_day(record.get("conversationStart"))

    def render(self, entity_key, day, records):
        return (json.dumps({"conversations": records}, ensure_ascii=False) + "\n").encode("utf-8")


class ConnectContactSearch(Extractor):
    """Amazon Connect SearchContacts-style listing (``NextToken`` pages) of full contact records."""

    source, vendor = "acd", "amazon_connect"
    layouts = {"acd__contacts": None}
    file_names = {"acd__contacts": "contacts_{yyyymmdd}.jsonl"}

    def fetch(self, on_page: PageHook) -> None:
        instance = self.cfg.options.get("instance_id", "default")

        def request(token):
            body = {
                "InstanceId": instance,
                "MaxResults": self.cfg.page_size,
                "TimeRange": {
                    "Type": "INITIATION_TIMESTAMP",
                    "StartTime": _iso(self.window.start_utc),
                    "EndTime": _iso(self.window.end_utc),
                },
            }
            if token:
                body["NextToken"] = token
            return {"method": "POST", "path": "/contacts/search", "json_body": body}

        paged(self.client, self.run, "contacts", request, lambda page: page.get("NextToken"), on_page)

    def records(self):
        out = []
        for _, body in self.run.pages("contacts"):
            out.extend(parse_json(body).get("Contacts") or [])
        return {"acd__contacts": out}

    def key(self, entity_key, record):
        return record.get("ContactId")

    def version(self, entity_key, record):
        return record.get("LastUpdateTimestamp") or ""

    def day_of(self, entity_key, record):
        return local_day(record.get("InitiationTimestamp"))

    def render(self, entity_key, day, records):
        return _jsonl(records)


# ---------------------------------------------------------------------------------- CRM
class ZendeskIncrementalTickets(Extractor):
    """Zendesk incremental ticket export, cursor based; keeps the tickets created in the window
    (the export returns every ticket *updated* since ``start_time``, latest state)."""

    source, vendor = "crm", "zendesk"
    layouts = {"crm__cases": "zendesk__tickets"}
    file_names = {"crm__cases": "cases_{yyyymmdd}.csv"}
    PATH = "/api/v2/incremental/tickets/cursor.json"

    def fetch(self, on_page: PageHook) -> None:
        start = int(self.window.start_utc.timestamp())

        def request(cursor):
            params = {"cursor": cursor} if cursor else {"start_time": start, "include": "metric_sets"}
            params["per_page"] = self.cfg.page_size
            return {"method": "GET", "path": self.PATH, "params": params}

        def next_cursor(page):
            return None if page.get("end_of_stream") else page.get("after_cursor")

        paged(self.client, self.run, "tickets", request, next_cursor, on_page)

    def records(self):
        out = []
        for _, body in self.run.pages("tickets"):
            out.extend(parse_json(body).get("tickets") or [])
        return {"crm__cases": out}

    def key(self, entity_key, record):
        return record.get("id")

    def version(self, entity_key, record):
        return (record.get("generated_timestamp") or 0, record.get("updated_at") or "")

    def day_of(self, entity_key, record):
        return local_day(record.get("created_at"))

    def render(self, entity_key, day, records):
        # the landing name is the contract's (cases_YYYYMMDD.csv); the content is the vendor's
        return (json.dumps({"tickets": records}, ensure_ascii=False) + "\n").encode("utf-8")



CASE_FIELDS = ("Id", "CaseNumber", "ContactId", "AccountId", "Origin", "Reason", "Type", "Status",
               "Priority", "IsClosed", "CreatedDate", "ClosedDate", "Call_Id__c", "SuppliedEmail",
               "SuppliedPhone")


def _sf_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _csv_cell(value: Any) -> str:
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    return '"' + text.replace('"', '""') + '"'


class SalesforceCaseQuery(Extractor):
    """Salesforce REST ``query`` (SOQL) of the Cases created in the window, ``nextRecordsUrl``
    pages; lands the Case export layout the default mapping reads (API field names, quoted CSV)."""

    source, vendor = "crm", "salesforce"
    layouts = {"crm__cases": None}
    file_names = {"crm__cases": "cases_{yyyymmdd}.csv"}

    def soql(self) -> str:
        return (f"SELECT {', '.join(CASE_FIELDS)}, LastModifiedDate FROM Case "
                f"WHERE CreatedDate >= {_sf_time(self.window.start_utc)} "
                f"AND CreatedDate < {_sf_time(self.window.end_utc)} ORDER BY CreatedDate, Id")

    def fetch(self, on_page: PageHook) -> None:
        version = self.cfg.options.get("api_version", "v62.0")

        def request(next_url):
            if next_url:
                return {"method": "GET", "path": next_url}
            return {"method": "GET", "path": f"/services/data/{version}/query", "params": {"q": self.soql()}}

        paged(self.client, self.run, "cases", request,
              lambda page: None if page.get("done") else page.get("nextRecordsUrl"), on_page)

    def records(self):
        out = []
        for _, body in self.run.pages("cases"):
            out.extend(parse_json(body).get("records") or [])
        return {"crm__cases": out}

    def key(self, entity_key, record):
        return record.get("Id")

    def version(self, entity_key, record):
        return record.get("LastModifiedDate") or ""

    def day_of(self, entity_key, record):
        return local_day(record.get("CreatedDate"))

    def render(self, entity_key, day, records):
        lines = [",".join(CASE_FIELDS)]
        lines += [",".join(_csv_cell(r.get(f)) for f in CASE_FIELDS) for r in records]
        return ("\n".join(lines) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------- WFM
def parse_delimited(body: bytes, delimiter: str = "|") -> list[str]:
    """Check an exporter's text file is whole: ends with a newline, same field count per line."""
    text = body.decode("utf-8")
    if text and not text.endswith("\n"):
        raise ValueError("file does not end with a line break (truncated?)")
    lines = [line for line in text.splitlines() if line]
    if not lines:
        return []
    fields = lines[0].count(delimiter)
    for number, line in enumerate(lines[1:], start=2):
        if line.count(delimiter) != fields:
            raise ValueError(f"line {number} has {line.count(delimiter) + 1} fields, header has {fields + 1}")
    return lines


class IexExporters(Extractor):
    """NICE IEX-style exporter endpoints: one pipe-delimited file per export and day."""

    source, vendor = "wfm", "nice_iex"
    EXPORTS = {
        "schedules": ("agent-schedule-detail", "wfm__schedules", "|"),
        "forecasts": ("ct-active-forecast", "wfm__forecasts", "|"),
        "roster": ("agent-roster", "wfm__roster", ","),
        "adherence": ("agent-adherence-summary", None, "|"),
    }
    layouts = {"wfm__schedules": None, "wfm__forecasts": None, "wfm__roster": None}
    file_names = {
        "wfm__schedules": "schedules_{yyyymmdd}.txt",
        "wfm__forecasts": "forecasts_{yyyymmdd}.txt",
        "wfm__roster": "roster_{yyyymmdd}.csv",
    }

    def _exports(self) -> list[str]:
        wanted = self.cfg.options.get("exports") or list(self.EXPORTS)
        unknown = set(wanted) - set(self.EXPORTS)
        if unknown:
            raise ExtractError(
                f"{self.cfg.conn_id}: extra 'exports' has unknown export(s) {sorted(unknown)}; "
                f"known: {sorted(self.EXPORTS)}"
            )
        return list(wanted)

    def fetch(self, on_page: PageHook) -> None:
        for export in self._exports():
            endpoint, _, delimiter = self.EXPORTS[export]
            for day in self.window.days():
                part = f"{export}:{day.isoformat()}"
                paged(
                    self.client,
                    self.run,
                    part,
                    lambda _c, endpoint=endpoint, day=day, delimiter=delimiter: {
                        "method": "GET",
                        "path": f"/wfm/exporters/{endpoint}",
                        "params": {"date": day.isoformat()},
                        "parse": lambda body, d=delimiter: parse_delimited(body, d),
                    },
                    lambda _page: None,
                    on_page,
                )

    def records(self):
        out: dict[str, list] = {}
        for part, body in self.run.pages():
            export, _, day = part.partition(":")
            entity_key = self.EXPORTS[export][1]
            if entity_key:  # adherence has no canonical entity: archived, not landed
                out.setdefault(entity_key, []).append((date.fromisoformat(day), body))
        return out

    def day_of(self, entity_key, record):
        return record[0]

    def render(self, entity_key, day, records):
        return records[-1][1]


# ---------------------------------------------------------------------------------- QA
class ConnectEvaluationListing(Extractor):
    """Amazon Connect evaluation listing (``nextToken`` pages of evaluation documents), by the
    evaluation's submit time; a day's file holds the evaluations submitted that local day."""

    source, vendor = "qa", "amazon_connect"
    layouts = {
        "qa__evaluations": "amazon_connect__evaluations",
        "qa__evaluation_answers": "amazon_connect__evaluation_answers",
    }
    file_names = {"qa__evaluations": "evaluations_{yyyymmdd}.jsonl"}

    def fetch(self, on_page: PageHook) -> None:
        def request(token):
            params = {
                "startTime": _iso(self.window.start_utc),
                "endTime": _iso(self.window.end_utc),
                "maxResults": self.cfg.page_size,
            }
            if token:
                params["nextToken"] = token
            return {"method": "GET", "path": "/evaluations", "params": params}

        paged(self.client, self.run, "evaluations", request, lambda page: page.get("nextToken"), on_page)

    def records(self):
        out = []
        for _, body in self.run.pages("evaluations"):
            out.extend(parse_json(body).get("evaluations") or [])
        return {"qa__evaluations": out}

    def key(self, entity_key, record):
        return record.get("evaluationId")

    def version(self, entity_key, record):
        return (record.get("metadata") or {}).get("evaluationSubmitTimestamp") or ""

    def day_of(self, entity_key, record):
        return local_day((record.get("metadata") or {}).get("evaluationSubmitTimestamp"))

    def render(self, entity_key, day, records):
        return _jsonl(records)


EXTRACTORS: dict[tuple[str, str], type[Extractor]] = {
    (cls.source, cls.vendor): cls
    for cls in (
        SalesforceCaseQuery,
        GenesysConversationJobs,
        ConnectContactSearch,
        ZendeskIncrementalTickets,
        IexExporters,
        ConnectEvaluationListing,
    )
}
