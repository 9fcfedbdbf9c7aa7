"""Where a kind of procedure is defined: the lookup hook of the procedures core.

Each family of packs registers a ``PackFinder``: the kinds it defines, the pack in force for a
case's year and date, and how to load a pack a case names. The procedures app registers the
national (2014–2020) kinds, read from the assessment pack for the year; the monitoring app
registers its two kinds, read from the monitoring pack current on the date. No kind is defined in
two families (``finder_for`` refuses a kind two finders claim).

>>> import datetime as dt
>>> pack_in_force("household_exit", 2019, dt.date(2019, 10, 8))[0]   # doctest: +SKIP
'cn-national'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Protocol

from ..domain.problems import Problem, ValidationFailed
from ..domain.text import Text
from ..policy.schema import HolidayYear, NoticePeriod, Procedure

DEFAULT_PACK = "cn-national"


class ProcedurePack(Protocol):
    """What the core reads from a pack: an exit pack (``Pack``) and a monitoring pack
    (``MonitoringPack``) both are one."""

    @property
    def pack(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def procedures(self) -> Mapping[str, Procedure]: ...

    @property
    def notice_periods(self) -> Mapping[str, NoticePeriod]: ...

    @property
    def holidays(self) -> Mapping[int, HolidayYear]: ...


@dataclass(frozen=True)
class PackFinder:
    """A family of packs. ``kinds()``: the kinds it defines; ``current(kind, year, on)``: the pack in
    force for a case of ``year`` opened ``on``, with the reference a case records for it (a shipped
    name or a county's file path); ``load(reference)``: the pack a case records; ``offered()``: the
    packs a user may choose when opening a case, with their references."""

    name: str
    kinds: Callable[[], Collection[str]]
    current: Callable[[str, int, dt.date], tuple[str, ProcedurePack]]
    load: Callable[[str], ProcedurePack]
    offered: Callable[[], list[tuple[str, ProcedurePack]]]


_FINDERS: dict[str, PackFinder] = {}


def register_pack_finder(finder: PackFinder) -> None:
    _FINDERS[finder.name] = finder


def finders() -> list[PackFinder]:
    return list(_FINDERS.values())


def finder_for(kind: str) -> PackFinder:
    """The family that defines ``kind``; refused when none (or more than one) does."""
    found = [f for f in _FINDERS.values() if kind in f.kinds()]
    if len(found) == 1:
        return found[0]
    known = sorted({k for f in _FINDERS.values() for k in f.kinds()})
    if not found:
        why = Text(f"没有政策包定义程序 {kind!r}；可用：{', '.join(known)}",
                   f"no pack defines a procedure {kind!r}; known: {', '.join(known)}")
    else:
        names = ", ".join(f.name for f in found)
        why = Text(f"程序 {kind!r} 在多个政策包族中定义（{names}）", f"procedure {kind!r} is defined twice ({names})")
    raise ValidationFailed([Problem("kind", kind, why)])


def pack_in_force(kind: str, year: int, on: dt.date) -> tuple[str, ProcedurePack]:
    """The pack that defines ``kind`` for a case of ``year`` opened ``on``, and its reference."""
    return finder_for(kind).current(kind, year, on)


def pack_named(kind: str, name: str) -> ProcedurePack:
    """The pack ``name`` (as a case records it), read by the family that defines ``kind``."""
    return finder_for(kind).load(name)


def offered_kinds() -> list[tuple[str, str, Procedure]]:
    """(pack reference, kind, definition) for every kind a user may open, family by family."""
    return [(ref, kind, proc) for f in _FINDERS.values() for ref, pack in f.offered()
            for kind, proc in pack.procedures.items() if kind in f.kinds()]


# -- the national kinds (2014–2020), from the assessment pack for the year -------------------------

def _national_kinds() -> Collection[str]:
    from ..policy.loader import load_pack

    return load_pack(DEFAULT_PACK).procedures.keys()


def _national_load(name: str) -> ProcedurePack:
    from ..policy.loader import load_pack

    return load_pack(name)


def _national_current(kind: str, year: int, on: dt.date) -> tuple[str, ProcedurePack]:
    """The pack of the year's latest finished assessment when it defines ``kind`` (a county's pack
    over cn-national with its own periods), else cn-national."""
    from ..assessments.models import AssessmentRun
    from ..policy.loader import PackError, load_pack

    for name in (AssessmentRun.objects.filter(year=year, finished_at__isnull=False)
                 .order_by("-finished_at", "-pk").values_list("pack", flat=True)[:5]):
        try:
            pack = load_pack(name)
        except PackError:  # a run of a county file since moved: the national pack decides
            continue
        if kind in pack.procedures:
            return name, pack
    return DEFAULT_PACK, load_pack(DEFAULT_PACK)


def _national_offered() -> list[tuple[str, ProcedurePack]]:
    """Every shipped exit pack (a county's pack repeats the national kinds with its own periods)."""
    from ..policy.loader import load_pack, shipped_pack_names

    return [(name, load_pack(name)) for name in shipped_pack_names()]


NATIONAL = PackFinder("national", _national_kinds, _national_current, _national_load, _national_offered)
