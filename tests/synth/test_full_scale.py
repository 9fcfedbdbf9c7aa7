"""The whole district (scale 1) carries the article's headline figures, and its exits are honest.
Generated in memory: writing it is covered at a small scale in test_build.py."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from liangfang.ids import age_on
from liangfang.synth import standard
from liangfang.synth.district import generate_district
from liangfang.synth.taobei import pack_lines, pack_rules

pytestmark = pytest.mark.slow


def test_the_full_district_has_the_article_headline_figures_and_honest_exits() -> None:
    lines = pack_lines()
    rules = pack_rules()
    data = generate_district(seed=2020, scale=1.0, lines=lines)
    households: Counter[str] = Counter()
    people: Counter[str] = Counter()
    for h in data.households:
        households[h.household["status"]] += 1
        people[h.household["status"]] += len(h.members)
    rural = sum(people.values())
    registered = people["exited"] + people["not_exited"]
    assert (households["exited"], people["exited"]) == (7001, 12736)
    assert len(data.district.poor_villages) == 53
    assert round(100 * registered / rural, 1) == 6.0
    assert round(100 * people["not_exited"] / rural, 3) == 0.103
    assert len(data.partners.departments) == 104 and len(data.partners.cadres) == 2400
    renovated = Counter(h.household["is_registered"] for h in data.households
                        if h.household["housing_safety_via"] == "renovated")
    assert (renovated[True], renovated[True] + renovated[False]) == (3497, 9291)  # 改造危房9291户，建档立卡户3497户
    # 全区527名义务教育阶段贫困家庭学生: school-age pupils of registered households, within 10%
    pupils = sum(1 for h in data.households if h.household["is_registered"] for m in h.members
                 if 6 <= age_on(m["birth_date"], dt.date(2020, 8, 31)) <= 15 and m["school_status"] != "not_in_school")
    assert abs(pupils - 527) < 53
    exits = Counter(h.household["exit_year"] for h in data.households if h.household["status"] == "exited")
    assert sum(n for y, n in exits.items() if 2016 <= y <= 2019) > 0.75 * 7001

    for h in data.households:
        status = h.household["status"]
        incomes = {i["year"]: i for i in h.incomes}
        if status == "exited":
            year = h.household["exit_year"]
            assert standard.failures(h.household, h.members, incomes[year], year, rules[year]) == []
            assert standard.failures(h.household, h.members, incomes[2020], 2020, rules[2020]) == []
        elif status == "not_exited":
            assert standard.failures(h.household, h.members, incomes[2020], 2020, rules[2020])
