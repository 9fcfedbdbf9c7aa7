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


REFERENCE_2016 = dt.date(2016, 8, 31)


def _registry_of_2016() -> Region:
    """新建村: A not exited (2 people), B exited in 2018 (3), C identified in March 2019 (2), D exited in
    2015 (1); 红日村: a general household (2). On 31 August 2016 B was not exited and C was not yet
    registered: 5 poor people of 10, 1 exited."""
    regions = make_regions()
    village = regions[VILLAGE]
    for status, people, extra in (("not_exited", 2, {}), ("exited", 3, {"exit_year": 2018}),
                                  ("not_exited", 2, {"first_identified_on": dt.date(2019, 3, 1)}),
                                  ("exited", 1, {"exit_year": 2015})):
        household_create(village=village, data=household_data(status=status, **extra),
                         members=[member_data(), *(member_data("son", born=dt.date(1990, 1, 1))
                                                   for _ in range(people - 1))], by="t")
    household_create(village=regions[OTHER_VILLAGE], data={"number": "g1", "is_registered": False, "status": "general"},
                     members=[member_data(), member_data("spouse", sex="female")], by="t")
    Region.objects.filter(code=VILLAGE).update(exit_year=2019)
    county = top_region()
    assert county is not None
    return county


def test_figures_of_a_year_read_each_status_as_it_was_on_its_reference_date() -> None:
    county = _registry_of_2016()
    then = headline_figures(county, on=REFERENCE_2016)
    assert (then.households, then.people) == (5, 10)
    assert (then.registered_households, then.registered_people) == (3, 6)  # C not yet identified
    assert (then.remaining_households, then.remaining_people) == (2, 5)  # B exited only in 2018
    assert (then.exited_households, then.exited_people) == (1, 1)
    assert (then.poor_villages, then.poor_villages_exited) == (1, 0)  # the village exited in 2019
    now = headline_figures(county)
    assert (now.remaining_people, now.exited_people, now.poor_villages_exited) == (4, 4, 1)


def test_figures_of_a_year_agree_with_that_years_assessment_and_dashboard() -> None:
    """``liangfang figures --year``, the dashboard and the 2016 assessment count the same poor."""
    from django.core.cache import cache

    from liangfang.assessments.models import FactValue
    from liangfang.assessments.services import assessment_run
    from liangfang.cli.setup_cmds import figures_listing
    from liangfang.web.selectors.dashboard import compute_dashboard

    cache.clear()
    county = _registry_of_2016()
    run = assessment_run(year=2016, pack="cn-national")
    poor = FactValue.objects.get(run=run, level="county", subject_id=county.pk, name="poor_population").number
    assessed = FactValue.objects.get(run=run, level="county", subject_id=county.pk, name="assessed_households").number
    listing = {row["key"]: row["value"] for row in figures_listing(county.code, 2016).rows}
    dashboard = compute_dashboard(county)
    assert poor == listing["remaining_people"] == dashboard.headline.remaining_people == 5
    assert assessed == listing["registered_households"] == 3
    # coverage counts the members of the households registered then: not C's, identified in 2019
    assert {r.code: r.counted for r in dashboard.coverage}["medical"] == 6
