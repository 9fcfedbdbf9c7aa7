"""Figures and chart data of a region's dashboard. Each is computed with grouped queries over the
region's households (a fixed number of queries whatever the region's size) and cached until the
registry next changes: every write goes through a service, which writes a change record, so the
newest change record's id is the registry's version."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from ...registry.models import ChangeRecord, Household, Member, Region
from ...registry.selectors import (
    REGISTERED,
    REMAINING,
    HeadlineFigures,
    headline_from_counts,
    households_in,
    percent,
    poor_village_counts,
    significant_prefix,
)
from .people import GAPS, CoveragePolicy, coverage_conditions, coverage_policy, members_counted


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
    incidence_by_year: list[tuple[int, Decimal]] = field(default_factory=list)  # to the campaign's end
    # from 2021: people of monitoring objects at each year's end over the rural population, a
    # different measure that continues the incidence line (never the same series)
    monitored_by_year: list[tuple[int, Decimal]] = field(default_factory=list)
    causes: list[tuple[str, int]] = field(default_factory=list)
    coverage: list[Rate] = field(default_factory=list)
    housing_grades: list[tuple[str, int]] = field(default_factory=list)
    version: int = 0  # the registry version the figures were computed at
    computed_at: dt.datetime | None = None
    # the day members, ages and dated facts are read on: the newest assessment's reference date
    policy: CoveragePolicy | None = None


def registry_version() -> int:
    return ChangeRecord.objects.aggregate(m=Max("id"))["m"] or 0


CHANGES_READ = 5000  # changes since the figures that are read to see whom they touch; more: recompute
# changes that may touch any area's figures (a region's poor-village flag, a household's move)
AREA_WIDE = frozenset({"region", "village_facilities"})


def changed_within(region: Region, since: int) -> bool:
    """Whether any change recorded after change ``since`` may alter ``region``'s figures: one to a
    household of the region, to regions, or a household's move; more changes than can be read
    cheaply count as a change."""
    rows = list(ChangeRecord.objects.filter(id__gt=since).order_by().values_list(
        "household_number", "entity", "changes")[:CHANGES_READ + 1])
    if len(rows) > CHANGES_READ:
        return True
    numbers = set()
    for number, entity, changes in rows:
        if entity in AREA_WIDE or (isinstance(changes, dict) and "village_code" in changes):
            return True
        if number:
            numbers.add(number)
    return bool(numbers) and households_in(region).filter(number__in=numbers).exists()


def dashboard(region: Region) -> Dashboard:
    """The region's figures, from the cache shared by the server processes. Every write recorded
    in the change log since they were computed is looked at: one that touches the region makes
    them computed again at once (they never disagree with the lists they link to); others leave
    them as they are. The page shows the time the figures were computed."""
    policy = coverage_policy()
    key = f"liangfang:dashboard:{region.pk}:{policy.day.isoformat()}"
    version = registry_version()
    now = timezone.now()
    cached: Dashboard | None = cache.get(key)
    if cached is not None and cached.computed_at is not None and (
            timezone.localdate(cached.computed_at) == timezone.localdate(now)):
        if cached.version == version:
            return cached
        if not changed_within(region, cached.version):
            cached.version = version  # nothing here changed: the same figures, checked up to now
            cache.set(key, cached, 24 * 3600)
            return cached
    data = compute_dashboard(region, policy)
    data.version, data.computed_at = version, now
    cache.set(key, data, 24 * 3600)
    return data


def _village_ids(region: Region) -> list[int]:
    """Ids of the villages in the region: the aggregates below filter households by this list
    (an index lookup) rather than joining regions by code prefix."""
    if region.level == "village":
        return [region.pk]
    return list(Region.objects.filter(level="village", code__startswith=significant_prefix(region))
                .values_list("id", flat=True))


def _households(ids: list[int]) -> QuerySet[Household]:
    return Household.objects.filter(village_id__in=ids)


def compute_dashboard(region: Region, policy: CoveragePolicy | None = None) -> Dashboard:
    policy = policy or coverage_policy()
    ids = _village_ids(region)
    totals = _village_totals(ids, policy)
    registered = _households(ids).filter(status__in=REGISTERED)
    return Dashboard(
        headline=_headline(region, totals),
        children=child_figures(region, totals),
        incidence_by_year=incidence_by_year(ids, sum(n for t in totals.values() for n in t[1].values()), policy),
        monitored_by_year=monitored_by_year(region),
        causes=list(registered.exclude(main_cause="").values("main_cause").annotate(n=Count("id"))
                    .order_by("-n", "main_cause").values_list("main_cause", "n")),
        coverage=coverage_rates(ids, policy),
        housing_grades=housing_grades(registered, policy),
        policy=policy,
    )


MADE_SAFE = "made_safe"  # C/D houses renovated or relocated by the year: safe, not 危房


def housing_grades(registered: QuerySet[Household], policy: CoveragePolicy) -> list[tuple[str, int]]:
    """Registered households by housing grade in the policy's year, as the assessment reads it: a
    C/D house renovated (危房改造) or left for relocation housing by that year counts as made safe."""
    year = policy.year or policy.day.year
    made_safe = (Q(housing_grade__in=("C", "D"))
                 & (Q(housing_renovated_year__lte=year) | (~Q(relocation_mode="none") & Q(relocation_year__lte=year))))
    known = registered.exclude(housing_grade="").filter(Q(housing_appraised_on=None)
                                                        | Q(housing_appraised_on__lte=policy.day))
    rows = list(known.exclude(made_safe).values("housing_grade").annotate(n=Count("id"))
                .order_by("housing_grade").values_list("housing_grade", "n"))
    safe = known.filter(made_safe).count()
    return rows + ([(MADE_SAFE, safe)] if safe else [])


Totals = dict[int, tuple[dict[str, int], dict[str, int]]]  # village id -> (households, people) by status


def _village_totals(ids: list[int], policy: CoveragePolicy) -> Totals:
    """Households and members (on the policy's day) of each village by household status: two
    grouped queries."""
    totals: Totals = defaultdict(lambda: (defaultdict(int), defaultdict(int)))
    for vid, status, n in _households(ids).values("village_id", "status").annotate(
            n=Count("id")).values_list("village_id", "status", "n"):
        totals[vid][0][status] += n
    for vid, status, n in Member.objects.filter(members_counted(policy), household__village_id__in=ids).values(
            "household__village_id", "household__status").annotate(n=Count("id")).values_list(
            "household__village_id", "household__status", "n"):
        totals[vid][1][status] += n
    return totals


def _headline(region: Region, totals: Totals) -> HeadlineFigures:
    """The article's figures (``registry.selectors.headline_from_counts``), from the per-village
    totals already read."""
    hh: dict[str, int] = defaultdict(int)
    people: dict[str, int] = defaultdict(int)
    for h, p in totals.values():
        for status, n in h.items():
            hh[status] += n
        for status, n in p.items():
            people[status] += n
    return headline_from_counts(region.name, hh, people, poor_village_counts(region))


def child_figures(region: Region, totals: Totals) -> list[ChildFigures]:
    """The figures of each region one level down (townships of a county, villages of a township)."""
    children = list(Region.objects.filter(parent=region).order_by("code"))
    if not children or region.level == "village":
        return []
    by_prefix = {significant_prefix(c): c for c in children}
    width = len(significant_prefix(children[0]))
    codes = dict(Region.objects.filter(pk__in=list(totals)).values_list("id", "code"))
    sums: dict[int, list[int]] = {c.pk: [0] * 6 for c in children}
    for vid, (h, p) in totals.items():
        child = by_prefix.get(codes.get(vid, "")[:width])
        if child is None:
            continue
        t = sums[child.pk]
        t[0] += sum(h.values())
        t[1] += sum(p.values())
        t[2] += sum(p.get(s, 0) for s in REGISTERED)
        t[3] += sum(p.get(s, 0) for s in REMAINING)
        t[4] += sum(h.get(s, 0) for s in REGISTERED)
        t[5] += sum(h.get(s, 0) for s in REMAINING)
    return [ChildFigures(c, *sums[c.pk]) for c in children]


def incidence_by_year(ids: list[int], population: int, policy: CoveragePolicy) -> list[tuple[int, Decimal]]:
    """Poverty incidence at the end of each year since registration: people of households
    identified by then and not exited by then, over the population on the policy's day (members
    on that day: the registry keeps no past household sizes before joining and leaving dates)."""
    rows = (Member.objects.filter(members_counted(policy), household__village_id__in=ids,
                                  household__status__in=REGISTERED)
            .annotate(identified=ExtractYear("household__first_identified_on"))
            .values("identified", "household__exit_year", "household__status").annotate(n=Count("id"))
            .values_list("identified", "household__exit_year", "household__status", "n"))
    groups = list(rows)
    if not groups or not population:
        return []
    last = min(timezone.localdate().year, campaign_last_year())
    first = min((g[0] for g in groups if g[0]), default=last)
    series = []
    for year in range(first, last + 1):
        poor = 0
        for identified, exit_year, status, n in groups:
            if identified and identified > year:
                continue
            if exit_year is None or exit_year > year or (year == last and status == "relapsed"):
                poor += n
        series.append((year, percent(poor, population)))
    return series


def campaign_last_year() -> int:
    """The last year of poverty incidence: the household exit procedure's last year (the pack's)."""
    from ...procedures.definitions import DEFAULT_PACK, procedure

    last = procedure("household_exit", DEFAULT_PACK).to_year
    assert last is not None
    return last


def monitored_by_year(region: Region) -> list[tuple[int, Decimal]]:
    """The monitored share of the rural population at each year's end, from the monitoring pack's
    first year to this year (``monitoring.selectors.monitored_share_by_year``); empty when the
    area has no monitoring object at all."""
    from ...monitoring.models import MonitoringObject
    from ...monitoring.packs import current_monitoring_pack
    from ...monitoring.selectors import monitored_share_by_year

    if not MonitoringObject.objects.filter(household__village_id__in=_village_ids(region)).exists():
        return []
    first, last = current_monitoring_pack().years
    shares = monitored_share_by_year(region, range(first, min(last, timezone.localdate().year) + 1))
    return [(year, Decimal(str(share)).quantize(Decimal("0.001"))) for year, (_people, share) in shares.items()
            if share is not None]


def coverage_rates(ids: list[int], policy: CoveragePolicy) -> list[Rate]:
    """Shares of registered households' members (on the policy's day) covered: basic medical
    cover, pension insurance (from the pack's age, not in school), family-doctor contract,
    schooling at the pack's school ages; read as the assessment reads them."""
    members = Member.objects.filter(members_counted(policy), household__village_id__in=ids,
                                    household__status__in=REGISTERED)
    conditions = coverage_conditions(policy)
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


