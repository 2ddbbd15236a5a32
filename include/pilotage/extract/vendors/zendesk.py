"""Zendesk: incremental ticket export, cursor based (crm).

Starts at ``start_time`` = the window's first UTC instant, follows ``after_cursor`` until
``end_of_stream``; the export returns every ticket *updated* since then (latest state), so the
runner keeps the tickets created in the window. Lands ``cases`` for the vendor layout
``zendesk__tickets``.
"""

from __future__ import annotations

from pilotage.extract.vendors.base import Extractor, PageHook, json_document, local_day, paged, records_of


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
        return {"crm__cases": records_of(self.run, "tickets", "tickets")}

    def key(self, entity_key, record):
        return record.get("id")

    def version(self, entity_key, record):
        return (record.get("generated_timestamp") or 0, record.get("updated_at") or "")

    def day_of(self, entity_key, record):
        return local_day(record.get("created_at"), self.window.zone)

    def render(self, entity_key, day, records):
        # the landing name is the contract's (cases_YYYYMMDD.csv); the content is the vendor's
        return json_document("tickets", records)
