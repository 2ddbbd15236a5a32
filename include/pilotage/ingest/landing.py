"""Find each day's delivered export in the landing folder and archive it, keyed by content hash.

The archive is append-only: every delivered version of a file is kept under
``<archive>/<source>/<YYYY>/<MM>/<DD>/<sha256[:16]>__<name>``, so raw files are never lost and a
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


def delivery_path(landing_dir: Path, ent: Entity, day: date) -> Path:
    return landing_dir / ent.source / ent.file_glob.format(yyyymmdd=day.strftime("%Y%m%d"))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def archive_file(path: Path, archive_dir: Path, source: str, day: date, sha: str) -> Path:
    """Copy a delivered file into the archive once (atomic rename); return its archived path."""
    target = archive_dir / source / day.strftime("%Y/%m/%d") / f"{sha[:16]}__{path.name}"
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
