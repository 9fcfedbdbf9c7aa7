"""The dashboard reads the registry as the newest assessment does: members, ages and dated facts
on its reference date, the pack's ages, any basic medical scheme, a finished 初中 as schooling
complete, and a renovated C/D house as made safe."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from liangfang.assessments.services import assessment_run
from liangfang.registry.models import Region
from liangfang.registry.services.bulk import HouseholdInput, write_many
from liangfang.web.selectors.dashboard import MADE_SAFE, compute_dashboard
from liangfang.web.selectors.people import coverage_policy
from tests.factories import COUNTY, VILLAGE, household_data, income_data, make_regions, member_data

pytestmark = pytest.mark.django_db

WATER = {"water_litres_per_day": Decimal("40"), "water_quality": "safe", "water_piped": True,
         "water_days_without": 0}


@pytest.fixture
def regions() -> dict[str, Region]:
    found = make_regions()
    write_many([HouseholdInput(
        village_code=VILLAGE,
        household=household_data("H-1", status="exited", exit_year=2019, housing_grade="D",
                                 housing_safety_via="renovated", housing_renovated_year=2018, **WATER),
        members=[member_data(),
                 member_data("son", born=dt.date(1995, 1, 1), medical_insurance=False, medical_scheme="employee"),
                 member_data("daughter", born=dt.date(2005, 6, 1), sex="female", education="junior",
                             compulsory_completed=True),
                 member_data("grandchild", born=dt.date(2020, 12, 1), medical_insurance=False)],
        incomes=[income_data(2020, wage_income=30000)])], by="test")
    return found


def test_the_dashboard_uses_the_assessments_reference_date_and_readings(regions: dict[str, Region]) -> None:
    county = regions[COUNTY]
    assessment_run(year=2020, pack="cn-national", by="test")
    from django.core.cache import cache
    cache.clear()
    policy = coverage_policy()
    assert (policy.day, policy.school_ages, policy.pension_age) == (dt.date(2020, 8, 31), (6, 15), 16)
    data = compute_dashboard(county, policy)
    rates = {r.code: (r.covered, r.counted) for r in data.coverage}
    # 3 members on 31 August 2020 (the December baby is not yet one); the son in 职工医保 is covered;
    # the 15-year-old who finished 初中 has completed compulsory schooling
    assert rates["medical"] == (3, 3)
    assert rates["school"] == (1, 1)
    assert data.headline.people == 3
    # the D-grade house renovated in 2018 is not a 危房 in 2020
    assert data.housing_grades == [(MADE_SAFE, 1)]


def test_without_an_assessment_the_dashboard_reads_today_with_the_default_pack(regions: dict[str, Region]) -> None:
    from django.core.cache import cache
    cache.clear()
    policy = coverage_policy()
    assert policy.year is None and policy.school_ages == (6, 15)
    data = compute_dashboard(regions[COUNTY], policy)
    assert data.headline.people == 4  # the baby has been born by today
