"""Pull packs from the warehouse and write them to the packs folder.

Layout: ``<packs>/<provider>/<committee>/<period>/`` holds ``<stem>_<lang>.xlsx``,
``<stem>_<lang>.html`` and ``csv/*.csv``; a supervisors' pack (agent-level detail) goes to a
``supervisors/`` sub-folder. One folder per provider means the folder itself can be shared with
that provider only. The packs folder is ``settings.packs_dir`` (``PILOTAGE_PACKS_DIR``, default
``<data>/packs``). Packs read the published copy of the marts (:mod:`pilotage.publish`)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pilotage.packs.build import COMMITTEES, build_pack, committee
from pilotage.packs.model import Pack
from pilotage.packs.periods import Period, latest_complete, parse_period
from pilotage.settings import Settings

if TYPE_CHECKING:
    import duckdb

FORMATS = ("xlsx", "csv", "html")
ALL_FORMATS = (*FORMATS, "pdf")  # pdf: printed by Chromium, only when asked for
log = logging.getLogger("pilotage.packs")


def packs_dir(settings: Settings) -> Path:
    """The packs folder of ``settings`` (kept for callers; same as ``settings.packs_dir``)."""
    return settings.packs_dir


def pack_folder(out: Path, pack: Pack) -> Path:
    folder = out / pack.provider_id / pack.committee / pack.period.label
    return folder / "supervisors" if pack.audience == "supervisors" else folder


def write_pack(pack: Pack, out: Path, formats: tuple[str, ...] = FORMATS,
               langs: tuple[str, ...] = ("fr",)) -> list[Path]:
    """Render ``pack`` in ``formats`` and ``langs``; returns the files (the CSV folder for CSVs)."""
    from pilotage.packs.csv import write_csvs
    from pilotage.packs.html import write_html
    from pilotage.packs.pdf import write_pdf
    from pilotage.packs.xlsx import write_xlsx

    folder = pack_folder(out, pack)
    written: list[Path] = []
    for lang in langs:
        if "xlsx" in formats:
            written.append(write_xlsx(pack, folder / f"{pack.stem}_{lang}.xlsx", lang))
        if "html" in formats:
            written.append(write_html(pack, folder / f"{pack.stem}_{lang}.html", lang))
        if "pdf" in formats:
            written.append(write_pdf(pack, folder / f"{pack.stem}_{lang}.pdf", lang))
    if "csv" in formats:
        write_csvs(pack, folder / "csv")
        written.append(folder / "csv")
    return written


@dataclass(frozen=True)
class PackRequest:
    committee: str
    period: str
    provider_id: str
    audience: str = "committee"


class NothingPublished(LookupError):
    """No published copy of the marts yet (published after the first successful dbt build)."""


@contextlib.contextmanager
def reader(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published copy of the marts, the only file packs read: a
    running pipeline neither blocks it nor is blocked by it, and it holds whole builds only.
    Raises :class:`NothingPublished` before the first publication."""
    from pilotage.warehouse import connect

    if settings.warehouse_url:  # the server warehouse: its published schema marts
        from pilotage.backend import published_reader

        server, _what, _ = published_reader(settings)
        try:
            yield server
        finally:
            server.close()
        return
    if not settings.published_path.exists():
        raise NothingPublished(f"no published copy of the marts at {settings.published_path} yet: it is "
                               "written by the first run whose dbt build succeeds (`pilotage run`)")
    con = connect(settings.published_path, read_only=True)
    try:
        yield con
    finally:
        con.close()


def read_packs(settings: Settings, requests: list[PackRequest],
               on_pack: Callable[[PackRequest], object] | None = None) -> list[Pack]:
    """Build the requested packs in one read-only session of the published marts (``on_pack``
    is called after each one, for progress)."""
    packs = []
    with reader(settings) as con:
        for r in requests:
            packs.append(build_pack(con, r.committee, r.period, r.provider_id, audience=r.audience))
            if on_pack is not None:
                on_pack(r)
    return packs


def warehouse_facts(settings: Settings) -> tuple[date | None, list[str]]:
    """(last business day processed, provider ids) of the published marts."""
    from pilotage.packs.queries import Warehouse, last_processed_day

    with reader(settings) as con:
        wh = Warehouse(con)
        return last_processed_day(wh), list(wh.providers())


def latest_period(committee_key: str, through: date) -> Period:
    """The committee's latest period whose last day is on or before ``through``."""
    return latest_complete(committee(committee_key).grain, through)


def due_requests(settings: Settings, committees: tuple[str, ...], out: Path, *,
                 period: str | None = None, providers: list[str] | None = None,
                 audiences: tuple[str, ...] = ("committee",), force: bool = False) -> list[PackRequest]:
    """Packs to write now: for each committee, its latest period complete in the warehouse (or
    ``period``), for each provider and audience, unless that pack's folder already exists (the
    pack handed to a committee is not silently replaced; ``force`` rewrites it). None before the
    first publication."""
    if not settings.published_path.exists():
        log.warning("no published copy of the marts at %s yet: no pack due", settings.published_path)
        return []
    through, known = warehouse_facts(settings)
    if through is None:
        return []
    requests = []
    for key in committees:
        p = parse_period(committee(key).grain, period) if period else latest_period(key, through)
        for provider in providers or known:
            for audience in audiences:
                if audience == "supervisors" and not COMMITTEES[key].supervisor_tables:
                    continue
                folder = out / provider / key / p.label / ("supervisors" if audience == "supervisors" else "")
                if force or not (folder / "csv" / "cover.csv").exists():
                    requests.append(PackRequest(key, p.label, provider, audience))
    return requests


def write_demo_packs(settings: Settings, today: date) -> list[Path]:
    """One pack of each committee for the first provider, its latest complete period before
    ``today`` (French, every format); returns the paths written. Called at the end of
    ``pilotage demo``."""
    through, providers = warehouse_facts(settings)
    if through is None or not providers:
        return []
    through = min(through, today - timedelta(days=1))
    out = packs_dir(settings)
    requests = [PackRequest(key, latest_period(key, through).label, providers[0]) for key in COMMITTEES]
    paths: list[Path] = []
    for pack in read_packs(settings, requests):
        paths += write_pack(pack, out, FORMATS, ("fr",))
    return paths
