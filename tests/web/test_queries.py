"""List pages and the household page read in a fixed number of queries (no N+1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from liangfang.registry.models import Cadre, Household
from liangfang.registry.services.bulk import HouseholdInput, write_many
from liangfang.registry.services.pairings import cadre_pairing_set
from tests.factories import VILLAGE, household_data, member_data

pytestmark = pytest.mark.django_db


def _more_households(n: int) -> None:
    write_many([HouseholdInput(VILLAGE, household_data(), [member_data(), member_data("spouse", sex="female")])
                for _ in range(n)], by="test")
    cadre = Cadre.objects.create(name="赵干部", unit_name="区民政局", unit_level="county")
    for h in Household.objects.filter(cadre_pairings=None)[:n]:
        cadre_pairing_set(household=h, cadre=cadre, start_date=dt.date(2017, 1, 1), expected_version=h.version, by="t")


def _count(client, url: str, django_assert_max_num_queries, limit: int) -> int:  # type: ignore[no-untyped-def]
    cache.clear()  # compare uncached pages
    with django_assert_max_num_queries(limit) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/households/", "/households/?status=registered&sort=-people",
                                 "/households/?q=测试", "/households/?gap=pension&cause=illness"])
def test_the_list_does_not_grow_with_the_page(world, login, django_assert_max_num_queries, url: str) -> None:
    c = login("admin")
    c.get("/households/")  # the session's first request records its start; not part of the count
    few = _count(c, url, django_assert_max_num_queries, 16)
    _more_households(30)
    many = _count(c, url, django_assert_max_num_queries, 16)
    assert many == few


def test_household_page_and_dashboard_query_counts(world, login, django_assert_max_num_queries) -> None:
    c = login("admin")
    # 14, and one that finds the household never monitored (no monitoring history to show)
    _count(c, f"/households/{world.mine.number}/", django_assert_max_num_queries, 15)
    first = _count(c, f"/region/{world.regions['220802000000'].code}/", django_assert_max_num_queries, 25)
    with django_assert_max_num_queries(8):  # the same registry version: figures come from the cache
        c.get(f"/region/{world.regions['220802000000'].code}/")
    assert first > 8
