"""A decision that overwrites what the dated fields tell keeps the overwritten status for the years
it held (issue 14): a relapsed household exiting again loses its earlier exit year and relapse, so
the status service writes them as periods, in the decision's transaction, and the figures and the
assessment of an earlier year read them. Other decisions need no period."""

from __future__ import annotations

import datetime as dt

import pytest

from liangfang.assessments.models import HouseholdResult
from liangfang.assessments.services import assessment_run
from liangfang.registry.models import Household, HouseholdStatusHistory
from liangfang.registry.selectors import headline_figures, top_region
from liangfang.registry.services.households import household_create
from liangfang.registry.services.status import household_status_decide
from tests.factories import VILLAGE, household_data, make_regions, member_data

pytestmark = pytest.mark.django_db


def _relapsed() -> Household:
    """Imported: identified in 2014, exited in 2017, relapsed (undated: from 2018)."""
    return household_create(village=make_regions()[VILLAGE], data=household_data(status="relapsed", exit_year=2017),
                            members=[member_data(), member_data("spouse", sex="female")], by="import")


def test_a_relapsed_household_exiting_again_keeps_its_earlier_exit_and_relapse() -> None:
    h = _relapsed()
    household_status_decide(household=h, values={"status": "exited", "exit_year": 2020}, on=dt.date(2020, 11, 25),
                            case_ref="退出 #1", by="county")
    periods = list(HouseholdStatusHistory.objects.filter(household=h).values_list(
        "status", "valid_from", "valid_to", "recorded_by"))
    assert periods == [("exited", dt.date(2017, 1, 1), dt.date(2018, 1, 1), "county"),
                       ("relapsed", dt.date(2018, 1, 1), dt.date(2020, 1, 1), "county")]
    county = top_region()
    by_year = {year: headline_figures(county, on=dt.date(year, 8, 31)) for year in (2016, 2017, 2018, 2020)}
    poor = {year: (f.remaining_people, f.exited_people) for year, f in by_year.items()}
    assert poor == {2016: (2, 0), 2017: (0, 2), 2018: (2, 0), 2020: (0, 2)}
    statuses = {year: HouseholdResult.objects.get(run=assessment_run(year=year, pack="cn-national"),
                                                  household_id=h.pk).status for year in (2017, 2019, 2020)}
    assert statuses == {2017: "exited", 2019: "relapsed", 2020: "exited"}


def test_an_identification_or_a_first_exit_needs_no_period() -> None:
    h = _relapsed()
    other = household_create(village=h.village, data=household_data(), members=[member_data()], by="import")
    household_status_decide(household=other, values={"status": "exited", "exit_year": 2019}, on=dt.date(2019, 11, 25),
                            case_ref="退出 #2", by="county")
    assert not HouseholdStatusHistory.objects.exists()
    assert headline_figures(top_region(), on=dt.date(2018, 8, 31)).remaining_households == 2
