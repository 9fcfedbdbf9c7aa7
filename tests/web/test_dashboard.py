"""The dashboard's figures agree with the registry's own definitions, and each links to the
households behind it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from liangfang.registry.selectors import headline_figures
from liangfang.web.selectors.dashboard import compute_dashboard
from tests.factories import COUNTY, OTHER_VILLAGE, TOWNSHIP, VILLAGE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", [COUNTY, TOWNSHIP, VILLAGE, OTHER_VILLAGE])
def test_headline_matches_the_registry_selector(world, code: str) -> None:
    region = world.regions[code]
    assert compute_dashboard(region).headline == headline_figures(region)


def test_children_add_up_and_charts_have_data(world) -> None:
    d = compute_dashboard(world.regions[TOWNSHIP])
    assert [c.region.code for c in d.children] == [VILLAGE, OTHER_VILLAGE]
    assert sum(c.people for c in d.children) == d.headline.people == 9
    assert sum(c.remaining_households for c in d.children) == d.headline.remaining_households == 2
    assert dict(d.causes) == {"illness": 2, "disability": 1}
    assert dict(d.housing_grades) == {"B": 3}
    rates = {r.code: (r.covered, r.counted) for r in d.coverage}
    assert rates["medical"] == (9, 9) and rates["school"] == (3, 3)  # the sons born 2012 are in school
    years = dict(d.incidence_by_year)
    assert years[2018] > years[2019]  # one household exited in 2019


def test_every_figure_links_to_its_households(world, login) -> None:
    body = login("admin").get(f"/region/{COUNTY}/").content.decode()
    for query in ["status=registered", "status=exited", "status=remaining", "cause=illness", "grade=B",
                  "gap=medical"]:
        assert query in body, query
    listed = login("admin").get(f"/households/?region={COUNTY}&status=exited").content.decode()
    assert world.mine_exited.number in listed and world.mine.number not in listed


def test_figures_follow_every_change_to_their_area_and_only_those(world) -> None:
    """The figures agree with the lists they link to right after a change in the area; a change
    elsewhere leaves them as computed (no recomputation), and a move between villages or a change
    to regions refreshes every area."""
    from liangfang.registry.models import Household
    from liangfang.registry.services.regions import regions_write_many
    from liangfang.registry.services.status import household_status_decide
    from liangfang.web.selectors.dashboard import dashboard

    village, other = world.regions[VILLAGE], world.regions[OTHER_VILLAGE]
    first, first_other = dashboard(village), dashboard(other)
    h = Household.objects.get(pk=world.mine.pk)
    # an exit's announcement (the one way the status changes; see tests/procedures for the procedure)
    household_status_decide(household=h, values={"status": "exited", "exit_year": 2020}, on=dt.date(2020, 11, 25),
                            case_ref="test", by="t")
    fresh = dashboard(village)
    assert fresh.headline.exited_households == first.headline.exited_households + 1
    assert fresh.headline.exited_households == Household.objects.filter(village=village, status="exited").count()
    assert dashboard(other).computed_at == first_other.computed_at  # not its area: the same figures
    county = dashboard(world.regions[COUNTY])
    assert county.headline.exited_households == Household.objects.filter(status="exited").count()
    regions_write_many([{"code": OTHER_VILLAGE, "name": "红日村", "level": "village",
                         "parent_code": "220802201000", "is_poor_village": True}], by="t")
    assert dashboard(other).computed_at != first_other.computed_at
    assert dashboard(other).headline.poor_villages == 1


def test_incidence_ends_with_the_campaign_and_the_monitored_share_continues_it(world, login) -> None:
    """Poverty incidence runs to 2020 only; from 2021 a second, dashed line shows the monitored
    share, labelled as another measure (it is not appended to the incidence series)."""
    from liangfang.monitoring.services.objects import object_admit
    from liangfang.registry.models import Member

    county = world.regions[COUNTY]
    before = compute_dashboard(county)
    assert max(y for y, _ in before.incidence_by_year) == 2020 and before.monitored_by_year == []
    object_admit(household=world.mine_exited, on=dt.date(2022, 5, 10), category="unstable", risk_types=["illness"],
                 case_ref="test", by="test")
    d = compute_dashboard(county)
    assert d.incidence_by_year == before.incidence_by_year
    shares = dict(d.monitored_by_year)
    assert min(shares) == 2021 and max(shares) == dt.date.today().year
    people = Member.objects.filter(household=world.mine_exited, is_active=True).count()
    assert shares[2021] == 0 and shares[2022] == round(Decimal(people * 100) / d.headline.people, 3) > 0
    body = login("admin").get(f"/region/{COUNTY}/").content.decode()
    assert 'class="series then"' in body and "监测对象占比（另一指标）" in body and "不是贫困发生率" in body
