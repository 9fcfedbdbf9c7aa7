"""Ranges of household ids for a plan run in rounds."""

from __future__ import annotations

from itertools import pairwise

from liangfang.engine.monitor.plan import batch_ranges


def test_ranges_cover_every_id_once_in_about_equal_parts() -> None:
    assert batch_ranges(1, 10, 10, 4) == [(1, 4), (5, 8), (9, 10)]
    assert batch_ranges(5, 5, 1, 10) == [(5, 5)]
    ranges = batch_ranges(1000, 30_999_999, 30_000_000, 8_000_000)
    assert len(ranges) == 4 and ranges[0][0] == 1000 and ranges[-1][1] == 30_999_999
    assert all(b[0] == a[1] + 1 for a, b in pairwise(ranges))
