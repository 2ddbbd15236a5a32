"""Crash points for the kill-and-rerun tests: the process SIGKILLs itself at a named step.

``PILOTAGE_KILL_AT=<step>`` (or ``<step>#<n>``: at the n-th time the step is reached, default
the first) makes :func:`checkpoint` send SIGKILL to its own process there, as an out-of-memory
kill or a lost container would, with no cleanup. Unset (always, outside tests) it does nothing.
Steps: ``load`` (inside an entity's raw transaction, after its days are replaced),
``dbt_model`` (a model built, dbt still running), ``publish_copy`` (a mart copied into, or
updated in, the new published file), ``publish_parquet`` (a mart exported or linked as
Parquet), ``publish_swap`` (between the Parquet export and the renames)."""

from __future__ import annotations

import os
import signal

from pilotage.settings import Settings

_reached: dict[str, int] = {}


def checkpoint(settings: Settings, step: str) -> None:
    """Kill this process here if ``settings.kill_at`` names this step (and its count is reached)."""
    if not settings.kill_at:
        return
    name, _, nth = settings.kill_at.partition("#")
    if name != step:
        return
    _reached[step] = _reached.get(step, 0) + 1
    if _reached[step] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
