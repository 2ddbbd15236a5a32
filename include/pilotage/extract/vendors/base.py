"""What every vendor extractor shares: the window, the paging loop, the ``Extractor`` contract,
the registry and the landing-file helpers.

An extractor fetches pages into the run's checkpoint (``fetch``), then turns the archived pages
into records (``records``), which the runner de-duplicates (``key``/``version``), splits by
business day (``day_of``) and writes as landing files (``render``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pilotage.extract.http import ApiClient, parse_json
from pilotage.extract.state import RunState
from pilotage.window import Window


def iso_ms(moment: datetime) -> str:
    """UTC instant as ``YYYY-MM-DDTHH:MM:SS.000Z`` (the form Genesys and Connect take)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def local_day(text: str | None, zone: ZoneInfo) -> date | None:
    """Business day, in ``zone``, of an ISO instant (``Z`` or offset)."""
    if not text:
        return None
    value = text.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()


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
    """One source system's API in one vendor's style (subclass per API, see the module docstring)."""

    source: str = ""
    vendor: str = ""  # the Connection's extra ``vendor``; also the module's name
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


def registry(classes: Iterable[type[Extractor]]) -> dict[tuple[str, str], type[Extractor]]:
    """``(source, vendor) -> extractor``; two extractors for the same pair is a mistake."""
    out: dict[tuple[str, str], type[Extractor]] = {}
    for cls in classes:
        pair = (cls.source, cls.vendor)
        if pair in out:
            raise ValueError(f"two extractors for {pair}: {out[pair].__name__}, {cls.__name__}")
        out[pair] = cls
    return out


# --------------------------------------------------------------------------- landing helpers
def records_of(run: RunState, part: str, field: str) -> list[dict]:
    """The records listed under ``field`` in every archived JSON page of ``part``, in order."""
    out: list[dict] = []
    for _, body in run.pages(part):
        out.extend(parse_json(body).get(field) or [])
    return out


def jsonl(records: list[dict]) -> bytes:
    """One JSON object per line, UTF-8 (non-ASCII kept)."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def json_document(key: str, records: list[dict]) -> bytes:
    """One JSON object ``{key: records}`` and a line break, UTF-8 (non-ASCII kept)."""
    return (json.dumps({key: records}, ensure_ascii=False) + "\n").encode("utf-8")
