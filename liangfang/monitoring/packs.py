"""Which monitoring pack a region uses: the shipped Jilin example by default, or the pack named by
``LIANGFANG_MONITORING_PACK`` (a shipped name or a file path). The procedures app finds the two
monitoring procedures here (``FINDER``, registered when the app is ready)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection
from functools import cache
from pathlib import Path

from ..domain.problems import Problem, ValidationFailed
from ..domain.text import Text
from ..policy.monitoring import MonitoringPack, load_monitoring_pack
from ..procedures.packs import PackFinder, ProcedurePack

DEFAULT_PACK = "jilin-monitoring-2021"


def monitoring_pack_name() -> str:
    return os.environ.get("LIANGFANG_MONITORING_PACK", DEFAULT_PACK)


def current_monitoring_pack() -> MonitoringPack:
    return load_monitoring_pack(monitoring_pack_name())


def _kinds() -> Collection[str]:
    name = monitoring_pack_name()
    path = Path(name)
    return _kinds_of(name, path.stat().st_mtime if path.is_file() else 0.0)


@cache
def _kinds_of(name: str, stamp: float) -> frozenset[str]:
    """The kinds the pack defines (a county's file read again once it changes)."""
    return frozenset(load_monitoring_pack(name).procedures)


def _current(kind: str, year: int, on: dt.date) -> tuple[str, ProcedurePack]:
    """The monitoring pack current on ``on``; refused when its years do not cover the date."""
    name = monitoring_pack_name()
    pack = load_monitoring_pack(name)
    first, last = pack.years
    if not first <= on.year <= last:
        raise ValidationFailed([Problem("on", on.isoformat(), Text(
            f"监测政策包 {pack.pack} 适用于 {first}–{last} 年，{on.isoformat()} 不在其内；请先更新监测政策包",
            f"monitoring pack {pack.pack} covers {first}–{last}, not {on.isoformat()}: update the monitoring pack "
            "first"))])
    return name, pack


def _load(reference: str) -> ProcedurePack:
    return load_monitoring_pack(reference)


def _offered() -> list[tuple[str, ProcedurePack]]:
    """The monitoring pack in force only: a case of these kinds uses the region's pack."""
    name = monitoring_pack_name()
    return [(name, load_monitoring_pack(name))]


FINDER = PackFinder("monitoring", _kinds, _current, _load, _offered)
