"""Which layout file maps an entity: the user's selection of vendor layouts, then the folders.

The selection (setting ``layouts``, ``PILOTAGE_LAYOUTS`` or Variable ``pilotage_layouts``) names a
vendor layout per entity; a user's layouts folder (setting ``layouts_dir``) is searched before the
shipped one, ``pilotage/layouts/``. Settings are passed in, never read from the environment here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from pilotage.ingest.layout_parser import read_layout_file
from pilotage.ingest.layout_spec import Layout, LayoutError
from pilotage.settings import LAYOUTS_ENV, Settings

DEFAULT_LAYOUTS_DIR = Path(__file__).resolve().parents[1] / "layouts"
VENDOR_SUBDIR = "vendors"
LAYOUT_SELECTION_ENV = LAYOUTS_ENV


def layout_selection(text: str) -> dict[str, str]:
    """The setting ``layouts`` (``PILOTAGE_LAYOUTS``) read as entity -> vendor layout name; it is
    JSON or ``key=name,key=name``."""
    text = text.strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            chosen = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LayoutError(f"{LAYOUT_SELECTION_ENV}: not valid JSON: {exc}") from None
        if not isinstance(chosen, dict):
            raise LayoutError(f"{LAYOUT_SELECTION_ENV}: must be a JSON object entity -> layout")
        return {str(k): str(v) for k, v in chosen.items()}
    out = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, name = part.partition("=")
        if not sep or not key.strip() or not name.strip():
            raise LayoutError(f"{LAYOUT_SELECTION_ENV}: {part!r} is not entity=layout_name")
        out[key.strip()] = name.strip()
    return out


def vendor_layout_path(name: str, layouts_dir: Path | None = None) -> Path:
    """Where the vendor layout ``name`` lives: a path, or ``vendors/<name>.yml`` of the layouts
    folder (the user's first, then the shipped one)."""
    if name.endswith((".yml", ".yaml")) or "/" in name:
        candidate = Path(name).expanduser()
        if not candidate.is_absolute() and layouts_dir is not None:
            candidate = layouts_dir / candidate
        return candidate
    for folder in filter(None, (layouts_dir, DEFAULT_LAYOUTS_DIR)):
        candidate = folder / VENDOR_SUBDIR / f"{name}.yml"
        if candidate.exists():
            return candidate
    return DEFAULT_LAYOUTS_DIR / VENDOR_SUBDIR / f"{name}.yml"


def vendor_layouts(layouts_dir: Path | None = None) -> dict[str, Path]:
    """Every vendor layout by name (the user's folder overrides the shipped ones)."""
    found: dict[str, Path] = {}
    for folder in filter(None, (DEFAULT_LAYOUTS_DIR, layouts_dir)):
        for path in sorted((folder / VENDOR_SUBDIR).glob("*.yml")):
            found[path.stem] = path
    return found


def layout_of(entity_key: str, settings: Settings) -> Layout:
    """The layout the pipeline reads ``entity_key`` with, as ``settings`` select it."""
    return load_layout(entity_key, settings.layouts_dir, layout_selection(settings.layouts))


def load_layout(entity_key: str, layouts_dir: Path | None = None,
                selection: Mapping[str, str] | None = None) -> Layout:
    """The layout of an entity: the vendor layout ``selection`` names for it if any, else
    ``<entity_key>.yml`` of the user's ``layouts_dir``, else of the shipped layouts."""
    chosen = (selection or {}).get(entity_key)
    if chosen:
        path = vendor_layout_path(chosen, layouts_dir)
        if not path.exists():
            known = sorted(vendor_layouts(layouts_dir))
            raise LayoutError(f"{LAYOUT_SELECTION_ENV} selects {chosen!r} for {entity_key}, but {path} "
                              f"does not exist; vendor layouts: {known}")
        layout = read_layout_file(path)
        if layout.entity.key != entity_key:
            raise LayoutError(f"{LAYOUT_SELECTION_ENV} selects {chosen!r} for {entity_key}, but that "
                              f"layout maps {layout.entity.key}")
        return layout
    for folder in filter(None, (layouts_dir, DEFAULT_LAYOUTS_DIR)):
        path = folder / f"{entity_key}.yml"
        if path.exists():
            return read_layout_file(path)
    raise LayoutError(f"no layout for {entity_key}: {entity_key}.yml is in neither "
                      f"{layouts_dir} nor {DEFAULT_LAYOUTS_DIR}")
