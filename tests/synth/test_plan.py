"""The district's arithmetic: the article's figures and their proportions at any scale."""

from __future__ import annotations

import random

import pytest

from liangfang.synth.geography import taobei_district
from liangfang.synth.plan import headline, plan_households, quotas, sizes_with_total


def test_the_full_district_reproduces_the_article_figures() -> None:
    h = headline(1.0)
    assert (h.exited_households, h.exited_people) == (7001, 12736)
    assert h.rural_population == 215_974
    assert (h.remaining_people, h.registered_people) == (222, 12_958)
    assert round(100 * h.registered_people / h.rural_population, 2) == 6.00
    assert round(100 * h.remaining_people / h.rural_population, 3) == 0.103
    assert h.general_people + h.registered_people == h.rural_population
    assert 2.55 < h.general_people / h.general_households < 2.65
    assert h.renovated_registered + h.renovated_general == 9291


def test_a_small_scale_keeps_the_proportions() -> None:
    h = headline(0.05)
    assert (h.exited_households, h.exited_people, h.rural_population) == (350, 637, 10_799)
    assert round(100 * h.registered_people / h.rural_population) == 6
    assert h.remaining_households >= 1


@pytest.mark.parametrize("scale", [0, -1, 5])
def test_a_scale_out_of_range_is_refused(scale: float) -> None:
    with pytest.raises(ValueError, match="scale"):
        headline(scale)


def test_quotas_add_up_and_follow_the_shares() -> None:
    q = quotas(7001, {2014: 0.02, 2015: 0.09, 2016: 0.2, 2017: 0.24, 2018: 0.22, 2019: 0.17, 2020: 0.06})
    assert sum(q.values()) == 7001
    assert q[2017] == 1680 or q[2017] == 1681


def test_sizes_hit_the_exact_total() -> None:
    sizes = sizes_with_total(random.Random(3), 7001, 12736, (0.42, 0.40, 0.10, 0.05, 0.025, 0.005))
    assert len(sizes) == 7001 and sum(sizes) == 12736 and min(sizes) >= 1 and max(sizes) <= 6
    with pytest.raises(ValueError, match="cannot make"):
        sizes_with_total(random.Random(3), 10, 70, (0.5, 0.5))


def test_the_region_tree_has_129_villages_and_53_poor_ones_named_after_the_article() -> None:
    d = taobei_district()
    assert len(d.villages) == 129 and len(d.poor_villages) == 53
    assert len({v.code for v in d.villages}) == 129
    names = {(v.township_name, v.name): v for v in d.villages}
    assert names[("金祥乡", "新建村")].is_poor and names[("东胜乡", "红日村")].is_poor
    assert {v.exit_year for v in d.poor_villages} <= {2016, 2017, 2018, 2019}
    assert all(v.code.startswith("220802") and len(v.code) == 12 for v in d.villages)
    assert all(len(code) == 15 and code.startswith(v.code) for v in d.villages for code, _ in v.groups)
    assert taobei_district() == d  # fixed whatever the seed


def test_remaining_households_each_fail_something_and_live_outside_poor_villages() -> None:
    plans = plan_households(random.Random(5), taobei_district(), headline(0.2))
    remaining = [p for p in plans if p.remaining]
    assert remaining and all(p.fails for p in remaining)
    assert not any(p.village.is_poor for p in remaining)
    assert all(p.size >= 2 for p in remaining if "schooling" in p.fails)
    renovated = [p for p in plans if p.registered and p.housing_work != "none"]
    assert all(2016 <= (p.work_year or 0) <= min(2019, p.exit_year or 2019) for p in renovated)
