"""Standardized committee packs: committee × period × provider -> Excel, CSV, HTML and PDF.

Layers (one job each):

* ``periods``  - ISO week / month / quarter / half-year labels and their days
* ``queries``  - which mart rows (the ``marts`` schema only; always ``provider_id = ?`` in SQL;
  anonymous benchmark): ``warehouse``, ``columns``, ``privacy``, ``tables``, ``levels``,
  ``freshness``, ``definitions``
* ``build``    - the committees' fixed table lists; the :class:`~pilotage.packs.model.Pack` model
  with its cover (data freshness from ``mart_pipeline_load_status``, definitions used)
* ``executive`` - the executive page's tiles and what changed (``executive_html`` renders it)
* ``xlsx`` / ``csv`` / ``html`` / ``pdf`` (Chromium) - renderers; ``charts`` (SVG plots); ``labels``
  and ``vocabulary`` (fr/en), ``display``, ``sanitize`` (formula injection)
* ``deliver``  - folders, due packs for the DAGs, ``write_demo_packs`` for ``pilotage demo``
"""

from __future__ import annotations

__all__ = ["build_pack", "write_pack", "write_demo_packs", "packs_dir", "COMMITTEES"]


def __getattr__(name: str):  # lazy: importing the package stays cheap
    if name in ("build_pack", "COMMITTEES"):
        from pilotage.packs import build

        return getattr(build, name)
    if name in ("write_pack", "write_demo_packs", "packs_dir"):
        from pilotage.packs import deliver

        return getattr(deliver, name)
    raise AttributeError(name)
