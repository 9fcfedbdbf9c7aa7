"""Reads of the registry used by the CLI, the admin and later the web pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..domain.text import Text
from ..engine.statements import REMAINING_STATUSES
from .models import Household, HouseholdStatusHistory, Member, Region


@dataclass(frozen=True)
class HeadlineFigures:
    """The figures the Taobei article leads with, computed from the registry as it stands."""

    region_name: str
    households: int
    people: int
    registered_households: int
    registered_people: int
    exited_households: int
    exited_people: int
    remaining_households: int
    remaining_people: int
    poor_villages: int
    poor_villages_exited: int

    @property
    def incidence_at_registration(self) -> Decimal:
        return percent(self.registered_people, self.people)

    @property
    def incidence_now(self) -> Decimal:
        return percent(self.remaining_people, self.people)


def percent(part: int, whole: int, places: str = "0.001") -> Decimal:
    if not whole:
        return Decimal(0)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(places), ROUND_HALF_UP)


def households_in(region: Region | None) -> QuerySet[Household]:
    """Households whose village lies in ``region`` (the whole registry when None)."""
    qs = Household.objects.all()
    if region is None:
        return qs
    if region.level == "village":
        return qs.filter(village=region)
    # Region codes are hierarchical: a village's code starts with its ancestors' significant digits.
    prefix = significant_prefix(region)
    return qs.filter(village__code__startswith=prefix)


_PREFIX_LENGTHS = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12, "group": 15}


def code_prefix(code: str, level: str) -> str:
    """The leading digits shared by every code under the region of this code and level."""
    return code[: _PREFIX_LENGTHS[level]]


def significant_prefix(region: Region) -> str:
    """The leading digits shared by every code under ``region`` (220802000000 → 220802)."""
    return code_prefix(region.code, region.level)


def member_on(day: dt.date, prefix: str = "") -> Q:
    """Members of their household on ``day``: born and joined by then (a blank joining date: a
    member since registration) and not yet left. The same reading as the engine's
    ``engine.facts.member_in_year`` (its SQL), so figures and assessments count the same people."""
    def q(**kw: object) -> Q:
        return Q(**{f"{prefix}{k}": v for k, v in kw.items()})
    return (q(birth_date__lte=day) & (q(joined_on=None) | q(joined_on__lte=day))
            & (q(is_active=True) | q(left_on__gt=day)))


REGISTERED = ("not_exited", "exited", "relapsed")
REMAINING = REMAINING_STATUSES  # poor by status: the official incidence, as the engine counts it


def status_on(day: dt.date, prefix: str = "") -> Case | Coalesce:
    """The household's status on ``day``: the status history's period holding it (what the dated
    fields no longer tell), else its dated fields: general before it was identified
    (first_identified_on); not exited before its exit year (an exit counts for the whole of its
    year, as the year's figures count it); exited before a relapse (status_since; undated: the
    year after the exit). The same reading as the engine's ``engine.facts.status_on`` (its SQL), so
    figures of a year and that year's assessment count the same households as poor. ``prefix``
    reaches the household from the rows read (``household__`` from members)."""
    fields = _status_from_fields(day, prefix)
    # Always the lookup (indexed by household), never a query first to see whether any history
    # exists: a page reads statuses many times, and an empty table answers the lookup at once.
    outer = OuterRef(f"{prefix[:-2]}_id" if prefix else "pk")
    period = (HouseholdStatusHistory.objects.filter(household_id=outer, valid_to__gt=day)
              .filter(Q(valid_from=None) | Q(valid_from__lte=day)).order_by().values("status")[:1])
    return Coalesce(Subquery(period), fields, output_field=CharField())


def _status_from_fields(day: dt.date, prefix: str) -> Case:
    def q(**kw: object) -> Q:
        return Q(**{f"{prefix}{k}": v for k, v in kw.items()})
    return Case(
        When(q(status="general"), then=Value("general")),
        When(q(first_identified_on__gt=day), then=Value("general")),
        When(q(status__in=("exited", "relapsed"), exit_year__gt=day.year), then=Value("not_exited")),
        When(q(status="relapsed") & (q(status_since__gt=day) | q(status_since=None, exit_year=day.year)),
             then=Value("exited")),
        default=F(f"{prefix}status"), output_field=CharField())


def registered_on(day: dt.date, prefix: str = "") -> Q:
    """Households registered (建档立卡) by ``day``: registered and identified by then (blank: always)."""
    return (Q(**{f"{prefix}is_registered": True})
            & (Q(**{f"{prefix}first_identified_on": None}) | Q(**{f"{prefix}first_identified_on__lte": day})))


def headline_from_counts(region_name: str, households: Mapping[str, int], people: Mapping[str, int],
                         poor_villages: tuple[int, int]) -> HeadlineFigures:
    """The headline figures from households and members counted by household status, and the
    poor villages (all, exited): the one definition the CLI and the dashboard share.

    >>> f = headline_from_counts("X", {"exited": 3, "not_exited": 1, "general": 6}, {"exited": 9, "not_exited": 2,
    ...                          "general": 19}, (2, 1))
    >>> (f.registered_households, f.remaining_people, f.incidence_now)
    (4, 2, Decimal('6.667'))
    """
    return HeadlineFigures(
        region_name=region_name,
        households=sum(households.values()),
        people=sum(people.values()),
        registered_households=sum(households.get(s, 0) for s in REGISTERED),
        registered_people=sum(people.get(s, 0) for s in REGISTERED),
        exited_households=households.get("exited", 0),
        exited_people=people.get("exited", 0),
        remaining_households=sum(households.get(s, 0) for s in REMAINING),
        remaining_people=sum(people.get(s, 0) for s in REMAINING),
        poor_villages=poor_villages[0],
        poor_villages_exited=poor_villages[1],
    )


def poor_village_counts(region: Region | None, on: dt.date | None = None) -> tuple[int, int]:
    """The poor villages (贫困村) of ``region``: how many, and how many had exited (出列) by the year
    of ``on`` (any year when None)."""
    villages = Region.objects.filter(level="village", is_poor_village=True)
    if region is not None:
        villages = villages.filter(code__startswith=significant_prefix(region))
    exited = ~Q(exit_year=None) if on is None else Q(exit_year__lte=on.year)
    counts = villages.aggregate(all=Count("id"), exited=Count("id", filter=exited))
    return counts["all"], counts["exited"]


def headline_figures(region: Region | None = None, on: dt.date | None = None) -> HeadlineFigures:
    """The figures by household status on ``on`` (today by default): the status each household had
    that day (``status_on``), counting the members of that day."""
    day = on or timezone.localdate()
    households = households_in(region)
    people = Member.objects.filter(member_on(day), household__in=households)
    by_status = dict(
        households.annotate(then=status_on(day)).values("then").annotate(n=Count("id")).values_list("then", "n")
    )
    people_by_status = dict(
        people.annotate(then=status_on(day, "household__")).values("then").annotate(n=Count("id"))
        .values_list("then", "n")
    )
    return headline_from_counts(region.name if region else Text("全部", "all"), by_status, people_by_status,
                                poor_village_counts(region, day))


def top_region() -> Region | None:
    """The county when the registry holds one county (the usual case), else the highest level."""
    counties = Region.objects.filter(level="county")
    if counties.count() == 1:
        return counties.first()
    return Region.objects.filter(parent=None).order_by("code").first()
