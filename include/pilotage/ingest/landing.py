"""Find each day's delivered export in the landing folder and archive it, keyed by content hash.

The archive is append-only: every delivered version of a file is kept under
``<archive>/<source>/<YYYY>/<MM>/<DD>/<sha256[:16]>__<name>`` (files of several days under
``<archive>/<source>/several_days/``), so raw files are never lost and a
re-delivered file is recognized by its hash. A file is taken only once complete
(:func:`unfinished`): the completeness test of the file-drop pickup, on the landing folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from pilotage.ingest.contracts import Entity
from pilotage.settings import Gates


def file_name(pattern: str, day: date) -> str:
    """A file name pattern (``{yyyymmdd}``, ``{yymmdd}``, ``{yyyy}``, ``{mm}``, ``{dd}``) for a day."""
    return pattern.format(yyyymmdd=day.strftime("%Y%m%d"), yymmdd=day.strftime("%y%m%d"),
                          yyyy=day.strftime("%Y"), mm=day.strftime("%m"), dd=day.strftime("%d"))


def delivery_path(landing_dir: Path, ent: Entity, day: date, pattern: str | None = None) -> Path:
    """The day's file of an entity: named as the layout's ``file`` pattern says if it is there,
    else as the contract names it (what the file drop and the generator write)."""
    default = landing_dir / ent.source / file_name(ent.file_glob, day)
    if pattern:
        named = landing_dir / ent.source / file_name(pattern, day)
        if named.exists() or not default.exists():
            return named
    return default


def refusal(path: Path, landing_dir: Path) -> str | None:
    """Why a delivered path must not be read, or None. A symbolic link (at the file or at any
    folder between the landing folder and it) or a path resolving outside the landing folder is
    refused without reading its target: a drop could otherwise make the pipeline copy any file
    the process can read into the archive and quarantine."""
    root = landing_dir.resolve()
    try:
        relative = path.relative_to(landing_dir)
    except ValueError:
        return f"{path} is not inside the landing folder {landing_dir}"
    current = landing_dir
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            return (f"{current.name} in the landing folder is a symbolic link "
                    f"({current.relative_to(landing_dir)}); links are refused, their target is not read")
    if not path.resolve().is_relative_to(root):
        return f"{relative} resolves outside the landing folder; refused, not read"
    if path.exists() and not path.is_file():
        return f"{relative} is not a regular file; refused, not read"
    return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def archive_file(path: Path, archive_dir: Path, source: str, day: date, sha: str, *,
                 several_days: bool = False) -> Path:
    """Copy a delivered file into the archive once (atomic rename); return its archived path.
    A file of several days is archived once, under ``<source>/several_days/``."""
    folder = "several_days" if several_days else day.strftime("%Y/%m/%d")
    target = archive_dir / source / folder / f"{sha[:16]}__{path.name}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + f".tmp{os.getpid()}")
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
    return target


def unfinished(folder: Path, names: list[str], gates: Gates,
               sleep: Callable[[float], None] = time.sleep) -> dict[str, str]:
    """Landing files of ``folder`` among ``names`` still being written -> why (see
    ``extract.filedrop.incomplete_files``: ``.done``-style marker, or size and modification time
    settled over ``gates.landing_settle_seconds``; same clock, so old files need no wait)."""
    import fsspec
    from pilotage.extract.filedrop import incomplete_files

    if not folder.is_dir():
        return {}
    fs = fsspec.filesystem("file")
    listing = {Path(i["name"]).name: i for i in fs.ls(str(folder), detail=True)}
    return incomplete_files(fs, str(folder), listing, names, complete=gates.landing_complete,
                            settle_seconds=gates.landing_settle_seconds,
                            marker_suffix=gates.landing_marker_suffix, sleep=sleep, now=time.time())
