"""Member conditions shared by the dashboard's coverage rates and the list's "gap" filter, so a
rate and the households behind it always agree. Ages are full years on ``day``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q


def born_between_ages(low: int, high: int, day: dt.date) -> Q:
    """Members aged ``low``..``high`` (inclusive) on ``day``."""
    youngest = _years_before(day, low)  # born on or before this date to be at least `low`
    oldest = _years_before(day, high + 1)  # born after this date to be at most `high`
    return Q(birth_date__lte=youngest, birth_date__gt=oldest)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# gap code -> (members counted, members covered); a household "has the gap" when one of its
# counted active members is not covered.
def coverage_conditions(day: dt.date) -> dict[str, tuple[Q, Q]]:
    adult = Q(birth_date__lte=_years_before(day, 16)) & Q(school_status="not_in_school")
    return {
        "medical": (Q(), Q(medical_insurance=True)),
        "pension": (adult, Q(pension_insurance=True)),
        "doctor": (Q(), Q(family_doctor=True)),
        "school": (born_between_ages(6, 15, day), ~Q(school_status="not_in_school") | ~Q(school_exemption="none")),
    }


GAPS = ("medical", "pension", "doctor", "school")
