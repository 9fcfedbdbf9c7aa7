import datetime as dt
from decimal import Decimal

import pytest

from liangfang.registry.models import Region
from liangfang.registry.selectors import headline_figures, percent, top_region
from liangfang.registry.services.households import household_create
from tests.factories import OTHER_VILLAGE, VILLAGE, household_data, make_regions, member_data

pytestmark = pytest.mark.django_db


def test_headline_figures_count_people_by_household_status() -> None:
    regions = make_regions()
    village = regions[VILLAGE]
    household_create(village=village, data=household_data(status="exited", exit_year=2019),
                     members=[member_data(), member_data("spouse", sex="female")], by="t")
    household_create(village=village, data=household_data(), members=[member_data()], by="t")
    for _ in range(3):
        household_create(village=regions[OTHER_VILLAGE],
                         data={"number": f"g{_}", "is_registered": False, "status": "general"},
                         members=[member_data(), member_data("son", born=dt.date(1990, 1, 1))], by="t")
    Region.objects.filter(code=VILLAGE).update(exit_year=2019)
    f = headline_figures(top_region())
    assert (f.households, f.people) == (5, 9)
    assert (f.registered_households, f.registered_people) == (2, 3)
    assert (f.exited_households, f.exited_people) == (1, 2)
    assert (f.remaining_households, f.remaining_people) == (1, 1)
    assert (f.poor_villages, f.poor_villages_exited) == (1, 1)
    assert f.incidence_at_registration == Decimal("33.333")
    assert f.incidence_now == Decimal("11.111")
    only_other = headline_figures(regions[OTHER_VILLAGE])
    assert (only_other.households, only_other.registered_people) == (3, 0)


def test_percent_of_nothing_is_zero() -> None:
    assert percent(0, 0) == 0
    assert percent(222, 215974) == Decimal("0.103")
