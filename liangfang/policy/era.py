"""The years the system keeps records for: those the shipped policy packs cover (assessment packs
and monitoring packs), widened by a margin. A record of the programme's work (a first
identification, an exit, an income year, a survey or appraisal date) outside them is a typing
mistake (2104 for 2014, 1020 for 2020), refused with the range and what to do.

>>> first, last = programme_years()
>>> first <= 2014 and last >= 2026
True
"""

from __future__ import annotations

from functools import lru_cache

# Before the first pack year: the previous year's income of the first identification (2013 for
# 2014) and registers kept a year before it. After the last: the year after a pack's end, while
# a newer pack is written.
MARGIN_BEFORE = 2
MARGIN_AFTER = 1


@lru_cache(maxsize=1)
def pack_years() -> tuple[int, int]:
    """The first and last year any shipped pack covers."""
    from .loader import load_pack, shipped_pack_names
    from .monitoring import load_monitoring_pack, shipped_monitoring_pack_names

    spans = [load_pack(name).years for name in shipped_pack_names()]
    spans += [load_monitoring_pack(name).years for name in shipped_monitoring_pack_names()]
    return min(first for first, _ in spans), max(last for _, last in spans)


def programme_years() -> tuple[int, int]:
    """The first and last year a programme record may carry: ``pack_years`` with the margins."""
    first, last = pack_years()
    return first - MARGIN_BEFORE, last + MARGIN_AFTER
