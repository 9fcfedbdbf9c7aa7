"""Member conditions shared by the dashboard's coverage rates and the list's "gap" filter, so a
rate and the households behind it always agree; and with the assessment: the day, the ages and
the reading of each fact are the pack's and the engine's (``CoveragePolicy``). Ages are full
years on the policy's day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from ...engine.facts import BASIC_MEDICAL_SCHEMES
from ...policy import load_pack
from ...policy.schema import Pack
from ...registry.selectors import member_on

DEFAULT_PACK = "cn-national"


@dataclass(frozen=True)
class CoveragePolicy:
    """The day members, ages and dated facts are read on, and the pack's ages: the newest
    assessment's reference date and pack, or today and the default pack when none ran."""

    day: dt.date
    school_ages: tuple[int, int]
    pension_age: int
    year: int | None = None  # the assessment's year, when there is one

    @classmethod
    def of(cls, pack: Pack, day: dt.date, year: int | None) -> CoveragePolicy:
        p = pack.parameters
        return cls(day, (int(p["school_age_min"].value), int(p["school_age_max"].value)),
                   int(p["pension_age_min"].value), year)


def coverage_policy() -> CoveragePolicy:
    from .assessments import latest_run

    run = latest_run()
    if run is None:
        return CoveragePolicy.of(load_pack(DEFAULT_PACK), timezone.localdate(), None)
    key = f"liangfang:coverage-policy:{run.pk}:{run.started_at.timestamp()}"
    found: CoveragePolicy | None = cache.get(key)
    if found is None:
        pack = run.policy()
        ref = pack.reference_date
        found = CoveragePolicy.of(pack, dt.date(run.year, ref.month, ref.day), run.year)
        cache.set(key, found, 24 * 3600)
    return found


def born_between_ages(low: int, high: int, day: dt.date, by_birth_year: bool = False) -> Q:
    """Members aged ``low``..``high`` (inclusive) on ``day``; ``by_birth_year``: reaching those ages
    in the day's year (for a reader shown birth years: the exact day would split a boundary
    year's birthdays, ``disclosure.in_age_band``)."""
    if by_birth_year:
        return Q(birth_date__year__gte=day.year - high, birth_date__year__lte=day.year - low)
    youngest = _years_before(day, low)  # born on or before this date to be at least `low`
    oldest = _years_before(day, high + 1)  # born after this date to be at most `high`
    return Q(birth_date__lte=youngest, birth_date__gt=oldest)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# gap code -> (members counted, members covered); a household "has the gap" when one of its
# counted members (on the policy's day) is not covered. The engine's readings: any basic medical
# scheme from insured_since; finished 初中 is schooling complete; a status checked after the day
# is unknown (not counted).
def coverage_conditions(policy: CoveragePolicy, by_birth_year: bool = False) -> dict[str, tuple[Q, Q]]:
    """``by_birth_year``: ages reached in the policy's year, for a reader shown birth years only."""
    day = policy.day
    low, high = policy.school_ages
    old_enough = (Q(birth_date__year__lte=day.year - policy.pension_age) if by_birth_year
                  else Q(birth_date__lte=_years_before(day, policy.pension_age)))
    adult = old_enough & Q(school_status="not_in_school")
    insured = ((Q(medical_insurance=True) | Q(medical_scheme__in=BASIC_MEDICAL_SCHEMES))
               & (Q(insured_since=None) | Q(insured_since__lte=day)))
    status_known = Q(school_status_on=None) | Q(school_status_on__lte=day)
    schooled = (~Q(school_status="not_in_school") | ~Q(school_exemption="none") | Q(compulsory_completed=True)
                | Q(education__in=("senior", "college")))
    return {
        "medical": (Q(), insured),
        "pension": (adult, Q(pension_insurance=True)),
        "doctor": (Q(), Q(family_doctor=True)),
        "school": (born_between_ages(low, high, day, by_birth_year) & status_known, schooled),
    }


def members_counted(policy: CoveragePolicy, prefix: str = "") -> Q:
    """Members on the policy's day (the engine's ``member_in_year``)."""
    return member_on(policy.day, prefix)


GAPS = ("medical", "pension", "doctor", "school")
