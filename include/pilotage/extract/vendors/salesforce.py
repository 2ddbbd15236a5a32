"""Salesforce: REST ``query`` (SOQL) of the Cases created in the window (crm).

``nextRecordsUrl`` pages until ``done``; lands ``cases`` in the Case export layout the default
mapping reads (API field names, every value quoted).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pilotage.extract.vendors.base import Extractor, PageHook, local_day, paged, records_of

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
        return {"crm__cases": records_of(self.run, "cases", "records")}

    def key(self, entity_key, record):
        return record.get("Id")

    def version(self, entity_key, record):
        return record.get("LastModifiedDate") or ""

    def day_of(self, entity_key, record):
        return local_day(record.get("CreatedDate"), self.window.zone)

    def render(self, entity_key, day, records):
        lines = [",".join(CASE_FIELDS)]
        lines += [",".join(_csv_cell(r.get(f)) for f in CASE_FIELDS) for r in records]
        return ("\n".join(lines) + "\n").encode("utf-8")
