"""A window's files are parsed and validated a bounded chunk at a time."""

from __future__ import annotations

from datetime import date, timedelta

from pilotage.ingest.entity_check import chunks_of
from pilotage.ingest.reader import Delivered

D1 = date(2026, 10, 5)


def _delivered(tmp_path, sizes: list[int], shared: dict[int, int] | None = None) -> list[Delivered]:
    """One file per size; ``shared`` maps a delivery to an earlier one whose file it reads (the
    days of one several-day file)."""
    out = []
    for i, size in enumerate(sizes):
        if shared and i in shared:
            path = out[shared[i]].path
        else:
            path = tmp_path / f"f{i}.csv"
            path.write_bytes(b"x" * size)
        out.append(Delivered(path, D1 + timedelta(days=i), "0" * 64, path.name))
    return out


def test_files_are_grouped_in_order_up_to_the_budget(tmp_path):
    deliveries = _delivered(tmp_path, [40, 40, 30, 100, 0, 10])
    assert chunks_of(deliveries, budget=80) == [[0, 1], [2], [3], [4, 5]]
    assert chunks_of(deliveries, budget=1) == [[0], [1], [2], [3], [4], [5]]
    assert chunks_of(deliveries, budget=10**9) == [[0, 1, 2, 3, 4, 5]]


def test_the_days_of_one_file_stay_in_one_chunk(tmp_path):
    deliveries = _delivered(tmp_path, [50, 0, 0, 50], shared={1: 0, 2: 0})
    assert chunks_of(deliveries, budget=1) == [[0, 1, 2], [3]]


def test_a_window_of_only_empty_files_is_one_chunk(tmp_path):
    assert chunks_of(_delivered(tmp_path, [0, 0]), budget=1) == [[0, 1]]
