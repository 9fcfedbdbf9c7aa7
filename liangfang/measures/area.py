"""The measures of one region in one year, from any engine: what ``liangfang measures`` and the
measures page show. No Django: the caller gives an engine ``Session`` (Django's connection, or
DuckDB over a Parquet registry)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..domain.codes import label as code_label
from ..domain.text import Text
from ..engine.session import Session
from ..policy.schema import Pack
from .arguments import Floats, MeasureError
from .frames import Dimension, age_groups, household_frame, regions, villages_under
from .inequality import lorenz
from .poverty import tip_curve
from .report import AreaMeasures, area_measures

# A household is multidimensionally poor when deprived in at least this share of the weighted
# 两不愁三保障 dimensions (equal weights). An analysis choice, not a policy threshold: the command
# takes --k; one third follows the global MPI's convention (Alkire & Santos 2014).
DEFAULT_K = 1 / 3
CURVE_POINTS = 200


class RegionNotFound(LookupError):
    pass


@dataclass(frozen=True)
class AreaReport:
    code: str
    name: str
    level: str
    year: int
    pack: str
    line: float
    line_reliability: str  # the pack's mark for the year's line; "" when the line was given
    measures: AreaMeasures
    households_without_income: int
    dimensions: tuple[Dimension, ...]
    lorenz: tuple[Floats, Floats]
    tip: tuple[Floats, Floats]


def _thin(curve: tuple[Floats, Floats], points: int = CURVE_POINTS) -> tuple[Floats, Floats]:
    x, y = curve
    if x.size <= points:
        return x, y
    keep = np.unique(np.linspace(0, x.size - 1, points).round().astype(int))
    return x[keep], y[keep]


def area_report(session: Session, pack: Pack, year: int, region_code: str, *, line: float | None = None,
                by: str | None = None, k: float = DEFAULT_K, lang: str = "zh") -> AreaReport:
    """Every measure of the region (and of its groups ``by``) with standard errors, and its curves."""
    all_regions = regions(session)
    region = next((r for r in all_regions.values() if r.code == region_code), None)
    if region is None:
        raise RegionNotFound(Text(f"没有代码为 {region_code} 的区划", f"no region with code {region_code}"))
    villages = villages_under(all_regions, region)
    if line is None:
        entry = pack.poverty_lines.years.get(year)
        if entry is None:
            raise MeasureError("line", Text(f"政策包 {pack.pack} 没有 {year} 年扶贫标准，请用 --line 给出",
                                            f"pack {pack.pack} has no poverty line for {year}: give --line"))
        amount, reliability = float(entry.amount), entry.source.reliability.value
    else:
        amount, reliability = float(line), ""
    frame = household_frame(session, pack, year, villages)
    if len(frame) == 0:
        raise MeasureError("region", Text(f"{region.name}（{region.code}）没有农户",
                                          f"{region.name} ({region.code}) has no households"))
    groups = None
    labels: dict[str, dict[str, str]] = {}
    if by in ("township", "village"):
        def place(village_id: int) -> tuple[str, str]:
            village, township = villages[int(village_id)]
            chosen = village if by == "village" else township
            return (chosen.code, chosen.name) if chosen is not None else ("", "—")
        pairs = [place(v) for v in frame.village_id]
        groups = np.array([code for code, _ in pairs], dtype=object)
        labels[by] = {code: f"{name} {code}" for code, name in pairs}
    elif by == "cause":
        groups = frame.main_cause
        labels["cause"] = {c: code_label("poverty_cause", c, lang) if c else "—" for c in set(groups.tolist())}
    elif by == "sex":
        labels["sex"] = {c: code_label("sex", c, lang) for c in frame.people_by.get("sex", {})}
    elif by == "age_group":
        labels["age_group"] = {name: name for name, _, _ in age_groups(pack)}
    measures = area_measures(frame, amount, k=k, by=by, labels=labels, household_groups=groups)
    with_income = ~np.isnan(frame.income) & (frame.people > 0)
    income, people = frame.income[with_income], frame.people[with_income]
    curves_ok = people.sum() > 0 and float(np.dot(people, income)) > 0
    empty = (np.zeros(1), np.zeros(1))
    return AreaReport(region.code, region.name, region.level, year, pack.pack, amount, reliability, measures,
                      int((np.isnan(frame.income) & (frame.people > 0)).sum()), frame.dimensions,
                      _thin(lorenz(income, people)) if curves_ok else empty,
                      _thin(tip_curve(income, amount, people)) if people.sum() > 0 else empty)


__all__ = ["DEFAULT_K", "AreaReport", "RegionNotFound", "area_report"]
