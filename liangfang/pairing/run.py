"""全覆盖包保: pair every registered household of an area with a responsible cadre and report the
gaps (a household without a cadre, a poor village without a partner department or work team, a
cadre over the maximum). Existing pairings are kept; new ones go through the pairing
service (``services.cadre_pairings_set``), so they are validated and logged like any other."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from ..domain.problems import Problem, ValidationFailed
from ..domain.text import Text
from ..plans.catalogue import catalogue_for
from ..policy import load_pack
from ..registry.models import Cadre, CadrePairing, DepartmentPairing, Household, Region, VillageFacilities
from ..registry.selectors import households_in, significant_prefix
from .assign import assign
from .services import PairingInput, cadre_pairings_set


@dataclass(frozen=True)
class Paired:
    household_number: str
    village: str
    cadre: str
    unit: str
    preferred: bool


@dataclass(frozen=True)
class Loaded:
    cadre: str
    unit: str
    households: int


@dataclass
class PairingReport:
    region: Region
    maximum: int
    households: int  # registered households in the area
    kept: int  # already paired
    new: list[Paired] = field(default_factory=list)
    unpaired: list[tuple[str, str]] = field(default_factory=list)  # (household number, village)
    villages_without_department: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    villages_without_work_team: list[tuple[str, str]] = field(default_factory=list)
    overloaded: list[Loaded] = field(default_factory=list)
    written: bool = False

    @property
    def preferred(self) -> int:
        return sum(1 for p in self.new if p.preferred)

    @property
    def gaps(self) -> int:
        return (len(self.unpaired) + len(self.villages_without_department) + len(self.villages_without_work_team)
                + len(self.overloaded))


def default_maximum(pack: str = "cn-national") -> int:
    return catalogue_for(load_pack(pack)).catalogue.pairing.max_households_per_cadre


def _village_gaps(region: Region, year: int, report: PairingReport) -> None:
    villages = Region.objects.filter(level="village", is_poor_village=True)
    villages = villages.filter(pk=region.pk) if region.level == "village" else villages.filter(
        code__startswith=significant_prefix(region))
    paired = set(DepartmentPairing.objects.filter(village__in=villages, end_date__isnull=True)
                 .values_list("village_id", flat=True))
    teams: dict[int, bool] = {}
    for village_id, has_team in (VillageFacilities.objects.filter(village__in=villages, year__lte=year)
                                 .order_by("village_id", "year").values_list("village_id", "work_team")):
        teams[village_id] = has_team  # the latest year up to ``year`` wins
    for v in villages.order_by("code"):
        if v.pk not in paired:
            report.villages_without_department.append((v.code, v.name))
        if not teams.get(v.pk, False):
            report.villages_without_work_team.append((v.code, v.name))


@transaction.atomic
def pairing_run(*, region: Region, start_date: dt.date, by: str, maximum: int | None = None,
                year: int | None = None, dry_run: bool = False) -> PairingReport:
    """Pair the unpaired registered households of ``region``; ``maximum`` households per cadre
    (default: the catalogue's). With ``dry_run`` nothing is written, the report says what would be."""
    maximum = maximum if maximum is not None else default_maximum()
    if maximum < 1:
        raise ValidationFailed([Problem("maximum", maximum, Text("每名干部至少帮扶 1 户",
                                                                 "the maximum must be at least 1"))])
    registered = households_in(region).filter(is_registered=True)
    open_pairs = CadrePairing.objects.filter(end_date__isnull=True)
    paired_ids = set(open_pairs.filter(household__in=registered).values_list("household_id", flat=True))
    todo = list(registered.exclude(pk__in=paired_ids).values_list("id", "village_id", "number"))
    report = PairingReport(region, maximum, registered.count(), len(paired_ids))
    load = Counter(open_pairs.values_list("cadre_id", flat=True))
    cadres = {c.pk: c for c in Cadre.objects.all()}
    village_departments: dict[int, set[int]] = defaultdict(set)
    for village_id, department_id in DepartmentPairing.objects.filter(end_date__isnull=True).values_list(
            "village_id", "department_id"):
        village_departments[village_id].add(department_id)
    result = assign([(h, v) for h, v, _ in todo], cadres={c: x.department_id for c, x in cadres.items()},
                    load=load, village_departments=village_departments, maximum=maximum)
    numbers = {h: n for h, _, n in todo}
    village_of = {h: v for h, v, _ in todo}
    names = dict(Region.objects.filter(pk__in=set(village_of.values())).values_list("id", "name"))
    for h, c in sorted(result.assigned.items()):
        cadre = cadres[c]
        preferred = cadre.department_id in village_departments.get(village_of[h], set())
        report.new.append(Paired(numbers[h], names.get(village_of[h], ""), cadre.name, cadre.unit_name, preferred))
    report.unpaired = [(numbers[h], names.get(village_of[h], "")) for h in sorted(result.unassigned)]
    for c, n in sorted(load.items()):
        if n > maximum and c in cadres:
            report.overloaded.append(Loaded(cadres[c].name, cadres[c].unit_name, n))
    _village_gaps(region, year or start_date.year, report)
    if not dry_run and result.assigned:
        _write(result.assigned, cadres, numbers, start_date, by)
        report.written = True
    return report


def _write(assigned: dict[int, int], cadres: dict[int, Cadre], numbers: dict[int, str], start: dt.date,
           by: str) -> None:
    households = Household.objects.in_bulk(list(assigned))
    cadre_pairings_set([PairingInput(households[h], cadres[c], start) for h, c in sorted(assigned.items())], by=by)
