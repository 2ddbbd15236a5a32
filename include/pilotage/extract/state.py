"""An extraction run on disk: raw responses archived as received, and a resumable checkpoint.

``<data>/extract/<source>/<vendor>/<first>_<last>/run-NNN/``

* ``raw/NNNNNN__<label>.<ext>``: every successful response body, byte for byte, written before it
  is parsed (a truncated body is archived too, then retried); ``raw/index.jsonl`` has one line per
  body (sequence, label, URL path, status, content type, sha256, size);
* ``state.json``: the checkpoint, rewritten atomically after each accepted page: the accepted
  pages (their raw file), the cursor / token / job id to continue from, and ``done``.

A page is accepted only after its body is archived and parsed, and the checkpoint records it
together with the cursor that follows it; a crash between the two re-fetches that one page from
the saved cursor, so a resumed run has no page twice and none missing.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class RawArchive:
    """Append-only archive of response bodies."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._index = folder / "index.jsonl"
        existing = sorted(p.name for p in folder.glob("[0-9]*__*"))
        self._seq = int(existing[-1].split("__", 1)[0]) if existing else 0

    def store(self, label: str, body: bytes, *, url_path: str, status: int, content_type: str) -> Path:
        self._seq += 1
        ext = "json" if "json" in content_type else "txt" if content_type.startswith("text/") else "bin"
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in label)[:60]
        path = self.folder / f"{self._seq:06d}__{safe}.{ext}"
        _atomic_write(path, body)
        line = {
            "seq": self._seq,
            "file": path.name,
            "label": label,
            "path": url_path,
            "status": status,
            "content_type": content_type,
            "bytes": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
            "received_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        with open(self._index, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
        return path


class RunState:
    """The checkpoint of one extraction run (see the module docstring)."""

    def __init__(self, folder: Path, data: dict[str, Any]) -> None:
        self.folder = folder
        self.data = data
        self.archive = RawArchive(folder / "raw")

    @classmethod
    def open(cls, window_dir: Path, *, refresh: bool = False) -> RunState:
        """The window's latest run if unfinished or finished (reused); a new run if ``refresh``
        or none exists yet."""
        runs = sorted(p for p in window_dir.glob("run-[0-9][0-9][0-9]") if p.is_dir())
        if runs and not refresh:
            folder = runs[-1]
            state_file = folder / "state.json"
            data = json.loads(state_file.read_text(encoding="utf-8")) if state_file.exists() else {}
        else:
            folder = window_dir / f"run-{len(runs) + 1:03d}"
            data = {}
        data.setdefault("pages", [])
        data.setdefault("cursor", {})
        data.setdefault("done", False)
        state = cls(folder, data)
        state.save()
        return state

    @property
    def done(self) -> bool:
        return bool(self.data.get("done"))

    @property
    def resumed(self) -> bool:
        return bool(self.data["pages"]) and not self.done

    @property
    def cursor(self) -> dict[str, Any]:
        return self.data["cursor"]

    def save(self) -> None:
        _atomic_write(self.folder / "state.json", json.dumps(self.data, indent=1).encode("utf-8"))

    def accept_page(self, raw_path: Path, *, part: str, cursor: dict[str, Any]) -> int:
        """Record an archived, parsed page and the cursor to continue from (one atomic write)."""
        self.data["pages"].append({"part": part, "raw": raw_path.name})
        self.data["cursor"] = cursor
        self.save()
        return len(self.data["pages"])

    def reset_pages(self, reason: str) -> None:
        """Forget accepted pages (e.g. an expired export job must be started again)."""
        self.data.setdefault("restarts", []).append(reason)
        self.data["pages"] = []
        self.data["cursor"] = {}
        self.save()

    def finish(self, summary: dict[str, Any]) -> None:
        self.data["done"] = True
        self.data["summary"] = summary
        self.save()

    def pages(self, part: str | None = None) -> list[tuple[str, bytes]]:
        """(part, body) of every accepted page, in order, read back from the archive."""
        out = []
        for page in self.data["pages"]:
            if part is None or page["part"] == part:
                out.append((page["part"], (self.archive.folder / page["raw"]).read_bytes()))
        return out
