"""NICE IEX: exporter endpoints, one delimited text file per export and day (wfm).

Lands ``schedules``, ``forecasts`` and ``roster`` as delivered (default layouts); the adherence
export has no canonical entity, so it is archived with the run, not landed. Extra ``exports``
narrows the list.
"""

from __future__ import annotations

from datetime import date

from pilotage.extract.http import ExtractError
from pilotage.extract.vendors.base import Extractor, PageHook, paged


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
