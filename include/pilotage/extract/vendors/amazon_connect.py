"""Amazon Connect: contact search (acd) and evaluation listing (qa).

* acd: SearchContacts-style POST over the window's initiation time, ``NextToken`` pages of full
  contact records; lands ``contacts`` in the default CTR layout;
* qa: evaluation listing by submit time, ``nextToken`` pages; lands ``evaluations`` for the vendor
  layouts ``amazon_connect__evaluations`` and ``amazon_connect__evaluation_answers``.
"""

from __future__ import annotations

from pilotage.extract.vendors.base import Extractor, PageHook, iso_ms, jsonl, local_day, paged, records_of


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
                    "StartTime": iso_ms(self.window.start_utc),
                    "EndTime": iso_ms(self.window.end_utc),
                },
            }
            if token:
                body["NextToken"] = token
            return {"method": "POST", "path": "/contacts/search", "json_body": body}

        paged(self.client, self.run, "contacts", request, lambda page: page.get("NextToken"), on_page)

    def records(self):
        return {"acd__contacts": records_of(self.run, "contacts", "Contacts")}

    def key(self, entity_key, record):
        return record.get("ContactId")

    def version(self, entity_key, record):
        return record.get("LastUpdateTimestamp") or ""

    def day_of(self, entity_key, record):
        return local_day(record.get("InitiationTimestamp"), self.window.zone)

    def render(self, entity_key, day, records):
        return jsonl(records)


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
                "startTime": iso_ms(self.window.start_utc),
                "endTime": iso_ms(self.window.end_utc),
                "maxResults": self.cfg.page_size,
            }
            if token:
                params["nextToken"] = token
            return {"method": "GET", "path": "/evaluations", "params": params}

        paged(self.client, self.run, "evaluations", request, lambda page: page.get("nextToken"), on_page)

    def records(self):
        return {"qa__evaluations": records_of(self.run, "evaluations", "evaluations")}

    def key(self, entity_key, record):
        return record.get("evaluationId")

    def version(self, entity_key, record):
        return (record.get("metadata") or {}).get("evaluationSubmitTimestamp") or ""

    def day_of(self, entity_key, record):
        return local_day((record.get("metadata") or {}).get("evaluationSubmitTimestamp"), self.window.zone)

    def render(self, entity_key, day, records):
        return jsonl(records)
