"""The default synthetic district, modelled on the 2020 Taobei article, written into the
configured database through the registry's services.

>>> report = build_district(seed=2020, scale=0.05)  # doctest: +SKIP
>>> report.exited_households, report.poor_villages  # doctest: +SKIP
(350, 53)

How the figures are reached is in ``plan.py``; what makes each exit honest in ``district.py``.
The poverty lines come from a policy pack (``cn-national`` by default), never from this code.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from ..domain.problems import RegistryError
from ..domain.text import Text
from ..pairing.services import cadre_pairings_write_many
from ..registry.models import Household
from ..registry.selectors import percent
from ..registry.services.bulk_create import create_many
from ..registry.services.cadres import (
    cadres_write_many,
    department_pairings_write_many,
    departments_write_many,
)
from ..registry.services.regions import regions_write_many, village_facilities_write_many
from .district import YEARS, generate_district
from .partners import MAX_LOAD
from .plan import headline

DEFAULT_PACK = "cn-national"


class DistrictNotEmpty(RegistryError):
    """The database already holds households; a synthetic district goes only into an empty one."""

    def __init__(self, households: int) -> None:
        self.households = households
        super().__init__(
            Text(f"数据库中已有 {households} 户农户，合成数据只能写入空库；"
                 "请换一个数据库（LIANGFANG_DB 或 DATABASE_URL）或先清空",
                 f"the database already holds {households} households; synthetic data goes only into an "
                 "empty registry: point LIANGFANG_DB or DATABASE_URL at another database, or empty this one"))


@dataclass(frozen=True)
class DistrictReport:
    seed: int
    scale: float
    regions: int
    villages: int
    poor_villages: int
    households: int
    people: int
    registered_households: int
    registered_people: int
    exited_households: int
    exited_people: int
    remaining_households: int
    remaining_people: int
    incomes: int
    facilities: int
    departments: int
    department_pairings: int
    cadres: int
    cadre_pairings: int
    seconds: float

    @property
    def incidence_at_registration(self) -> Decimal:
        """Registered people as a percentage of the rural population."""
        return percent(self.registered_people, self.people)

    @property
    def incidence_end_2019(self) -> Decimal:
        """People of households not exited as a percentage of the rural population: the article's
        0.103% at the end of 2019 (no household exits in 2020 in the synthetic data)."""
        return percent(self.remaining_people, self.people)



def pack_lines(pack: str = DEFAULT_PACK) -> dict[int, Decimal]:
    """The yearly poverty lines 2014–2020 of a policy pack."""
    from ..policy import load_pack

    loaded = load_pack(pack)
    return {year: Decimal(loaded.poverty_line(year)) for year in YEARS}


def pack_rules(pack: str = DEFAULT_PACK) -> dict[int, Any]:
    """The pack's household exit conditions 2014–2020 (``standard.ExitRules``) by year."""
    from ..policy import load_pack
    from .standard import ExitRules

    loaded = load_pack(pack)
    return {year: ExitRules.of(loaded, year) for year in YEARS}


def build_district(*, seed: int = 2020, scale: float = 1.0, by: str = "synth", progress: Any = None,
                   lines: Mapping[int, Decimal] | None = None, pack: str = DEFAULT_PACK) -> DistrictReport:
    """Generate the district and write it into the configured database, all or nothing.

    ``progress`` is called with a number of steps done (``progress(n)``); if it has
    ``set_total(n)`` and ``describe(text)`` they are used too. Raises DistrictNotEmpty when the
    registry already holds households.
    """
    started = time.monotonic()
    existing = Household.objects.count()
    if existing:
        raise DistrictNotEmpty(existing)
    step = _Steps(progress)
    step.describe("生成合成数据 / generating")
    step.total(2 * headline(scale).households)
    data = generate_district(seed=seed, scale=scale, lines=lines if lines is not None else pack_lines(pack),
                             progress=step)
    households = data.households
    step.describe("写入数据库 / writing")
    partners = data.partners
    with transaction.atomic():
        regions, _ = regions_write_many(data.region_rows, by=by)
        facilities = village_facilities_write_many(data.facility_rows, by=by)
        departments, _ = departments_write_many(partners.departments, by=by)
        department_pairings = department_pairings_write_many(partners.department_pairings, by=by)
        written = create_many(households, by=by, note=f"合成数据 seed={seed} scale={scale} / synthetic", progress=step)
        cadres, _ = cadres_write_many(partners.cadres, by=by)
        cadre_pairings = cadre_pairings_write_many(partners.cadre_pairings, by=by, max_open_per_cadre=MAX_LOAD)
    registered = [h for h in households if h.household["is_registered"]]
    exited = [h for h in registered if h.household["status"] == "exited"]
    remaining = [h for h in registered if h.household["status"] == "not_exited"]
    return DistrictReport(
        seed=seed, scale=scale, regions=regions, villages=len(data.district.villages),
        poor_villages=len(data.district.poor_villages), households=written.households_created,
        people=written.members_created, registered_households=len(registered),
        registered_people=sum(len(h.members) for h in registered), exited_households=len(exited),
        exited_people=sum(len(h.members) for h in exited), remaining_households=len(remaining),
        remaining_people=sum(len(h.members) for h in remaining), incomes=written.incomes_written,
        facilities=facilities, departments=departments, department_pairings=department_pairings,
        cadres=cadres, cadre_pairings=cadre_pairings, seconds=round(time.monotonic() - started, 1),
    )


class _Steps:
    """Adapts an optional progress callback (a plain ``f(n)`` or the CLI's progress bar)."""

    def __init__(self, progress: Callable[[int], None] | None) -> None:
        self.progress = progress

    def __call__(self, n: int) -> None:
        if self.progress is not None:
            self.progress(n)

    def total(self, n: int) -> None:
        set_total = getattr(self.progress, "set_total", None)
        if set_total is not None:
            set_total(n)

    def describe(self, text: str) -> None:
        describe = getattr(self.progress, "describe", None)
        if describe is not None:
            describe(text)
