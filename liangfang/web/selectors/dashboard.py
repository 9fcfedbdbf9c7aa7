"""Figures and chart data of a region's dashboard. Each is computed with grouped queries over the
region's households (a fixed number of queries whatever the region's size) and cached until the
registry next changes: every write goes through a service, which writes a change record, so the
newest change record's id is the registry's version."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max
from django.db.models.functions import ExtractYear
from django.utils import timezone

from ...registry.models import ChangeRecord, Member, Region
from ...registry.selectors import HeadlineFigures, headline_figures, households_in, percent, significant_prefix
from .people import GAPS, coverage_conditions

REGISTERED = ("not_exited", "exited", "relapsed")
REMAINING = ("not_exited", "relapsed")


@dataclass(frozen=True)
class ChildFigures:
    region: Region
    households: int
    people: int
    registered_people: int
    remaining_people: int
    registered_households: int
    remaining_households: int

    @property
    def incidence_at_registration(self) -> Decimal:
        return percent(self.registered_people, self.people)

    @property
    def incidence_now(self) -> Decimal:
        return percent(self.remaining_people, self.people)


@dataclass(frozen=True)
class Rate:
    code: str
    covered: int
    counted: int

    @property
    def percent(self) -> Decimal:
        return percent(self.covered, self.counted, "0.1")


@dataclass
class Dashboard:
    headline: HeadlineFigures
    children: list[ChildFigures] = field(default_factory=list)
    incidence_by_year: list[tuple[int, Decimal]] = field(default_factory=list)
    causes: list[tuple[str, int]] = field(default_factory=list)
    coverage: list[Rate] = field(default_factory=list)
    housing_grades: list[tuple[str, int]] = field(default_factory=list)


def registry_version() -> int:
    return ChangeRecord.objects.aggregate(m=Max("id"))["m"] or 0


def dashboard(region: Region) -> Dashboard:
    key = f"liangfang:dashboard:{region.pk}:{registry_version()}:{timezone.localdate()}"
    cached = cache.get(key)
    if cached is None:
        cached = compute_dashboard(region)
        cache.set(key, cached, 3600)
    return cached


def compute_dashboard(region: Region) -> Dashboard:
    households = households_in(region)
    registered = households.filter(status__in=REGISTERED)
    return Dashboard(
        headline=headline_figures(region),
        children=child_figures(region),
        incidence_by_year=incidence_by_year(region),
        causes=list(registered.exclude(main_cause="").values("main_cause").annotate(n=Count("id"))
                    .order_by("-n", "main_cause").values_list("main_cause", "n")),
        coverage=coverage_rates(region),
        housing_grades=list(registered.exclude(housing_grade="").values("housing_grade").annotate(n=Count("id"))
                            .order_by("housing_grade").values_list("housing_grade", "n")),
    )


def child_figures(region: Region) -> list[ChildFigures]:
    """The figures of each region one level down (townships of a county, villages of a township)."""
    children = list(Region.objects.filter(parent=region).order_by("code"))
    if not children or region.level == "village":
        return []
    by_prefix = {significant_prefix(c): c for c in children}
    width = len(significant_prefix(children[0]))
    villages = dict(Region.objects.filter(level="village", code__startswith=significant_prefix(region))
                    .values_list("id", "code"))
    hh: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    people: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for vid, status, n in households_in(region).values("village_id", "status").annotate(
            n=Count("id")).values_list("village_id", "status", "n"):
        hh[vid][status] += n
    for vid, status, n in Member.objects.filter(is_active=True, household__in=households_in(region)).values(
            "household__village_id", "household__status").annotate(n=Count("id")).values_list(
            "household__village_id", "household__status", "n"):
        people[vid][status] += n
    totals: dict[int, list[int]] = {c.pk: [0] * 6 for c in children}
    for vid, code in villages.items():
        child = by_prefix.get(code[:width])
        if child is None:
            continue
        t = totals[child.pk]
        h, p = hh.get(vid, {}), people.get(vid, {})
        t[0] += sum(h.values())
        t[1] += sum(p.values())
        t[2] += sum(p.get(s, 0) for s in REGISTERED)
        t[3] += sum(p.get(s, 0) for s in REMAINING)
        t[4] += sum(h.get(s, 0) for s in REGISTERED)
        t[5] += sum(h.get(s, 0) for s in REMAINING)
    return [ChildFigures(c, *totals[c.pk]) for c in children]


def incidence_by_year(region: Region) -> list[tuple[int, Decimal]]:
    """Poverty incidence at the end of each year since registration: people of households
    identified by then and not exited by then, over today's population. Members are today's;
    the registry keeps no past household sizes."""
    population = Member.objects.filter(is_active=True, household__in=households_in(region)).count()
    rows = (Member.objects.filter(is_active=True, household__in=households_in(region).filter(status__in=REGISTERED))
            .annotate(identified=ExtractYear("household__first_identified_on"))
            .values("identified", "household__exit_year", "household__status").annotate(n=Count("id"))
            .values_list("identified", "household__exit_year", "household__status", "n"))
    groups = list(rows)
    if not groups or not population:
        return []
    this_year = timezone.localdate().year
    first = min((g[0] for g in groups if g[0]), default=this_year)
    series = []
    for year in range(first, this_year + 1):
        poor = 0
        for identified, exit_year, status, n in groups:
            if identified and identified > year:
                continue
            if exit_year is None or exit_year > year or (year == this_year and status == "relapsed"):
                poor += n
        series.append((year, percent(poor, population)))
    return series


def coverage_rates(region: Region) -> list[Rate]:
    """Shares of registered households' members covered: basic medical insurance, pension
    insurance (aged 16+, not in school), family-doctor contract, school enrolment at 6–15."""
    members = Member.objects.filter(is_active=True, household__in=households_in(region).filter(status__in=REGISTERED))
    conditions = coverage_conditions(timezone.localdate())
    aggregates = {}
    for gap in GAPS:
        counted, covered = conditions[gap]
        aggregates[f"{gap}_n"] = Count("id", filter=counted) if counted else Count("id")
        aggregates[f"{gap}_c"] = Count("id", filter=counted & covered)
    values = members.aggregate(**aggregates)
    return [Rate(gap, values[f"{gap}_c"], values[f"{gap}_n"]) for gap in GAPS]


def poor_villages(region: Region) -> list[Region]:
    return list(Region.objects.filter(level="village", is_poor_village=True,
                                      code__startswith=significant_prefix(region)).order_by("code"))


