"""What the fake vendor APIs serve: vendor-shaped records built from default-layout files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pilotage.samples import defaults

from fakes.vendors import amazon_connect, genesys_cloud, nice_iex, salesforce, zendesk


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
            data.tickets.extend(zendesk.ticket(c) for c in day_cases)
            data.sf_cases.extend(salesforce.case_record(c) for c in day_cases)
            data.evaluations.extend(amazon_connect.evaluation(e) for e in defaults.evaluations(landing_dir, day))
            data.exporter_files.update(nice_iex.exporter_files(landing_dir, day))
        data.conversations = genesys_cloud.conversations(list(latest.values()))
        data.ctrs.sort(
            key=lambda r: (r["InitiationTimestamp"], r["ContactId"], r.get("LastUpdateTimestamp", ""))
        )
        data.conversations.sort(key=lambda r: (r["conversationStart"], r["conversationId"]))
        data.tickets.sort(key=lambda t: (t["generated_timestamp"], t["id"]))
        data.sf_cases.sort(key=lambda r: (r["CreatedDate"], r["Id"]))
        data.evaluations.sort(key=lambda e: (e["metadata"]["evaluationSubmitTimestamp"], e["evaluationId"]))
        return data
