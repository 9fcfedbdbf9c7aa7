"""The synthetic district at the end of 2019 is the district of the article (16 April 2020, on the
situation at the end of 2019): 7,001 households / 12,736 people exited, 53 poor villages exited,
an incidence of 0.103%, and the 2019 assessment agreeing with the statuses (no 应退未退, no
疑似错退); and its people are about as many men as women, as in Jilin (sex ratio about 100)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from liangfang.assessments.differences import area_differences
from liangfang.assessments.services import assessment_run
from liangfang.registry.models import Household, Member, Region
from liangfang.registry.selectors import headline_figures, top_region
from liangfang.synth.district import generate_district
from liangfang.synth.plan import ARTICLE_YEAR, EXITED_HOUSEHOLDS, EXITED_PEOPLE, headline
from liangfang.synth.taobei import build_district, pack_lines

SCALE = 0.05
END_2019 = dt.date(2019, 12, 31)
# Tolerances: counts are the article's times the scale, rounded (exact); the incidence is the
# article's 0.103% give or take 0.01 percentage points (rounding of a few hundred people); the sex
# ratio is Jilin's ~100 give or take 3.
INCIDENCE = Decimal("0.103")
INCIDENCE_TOLERANCE = Decimal("0.010")
SEX_RATIO = (97, 103)


def test_the_full_scale_plan_is_the_articles() -> None:
    target = headline(1.0)
    assert (target.exited_households, target.exited_people) == (EXITED_HOUSEHOLDS, EXITED_PEOPLE) == (7001, 12736)
    assert abs(Decimal(target.remaining_people * 100) / target.rural_population - INCIDENCE) <= INCIDENCE_TOLERANCE


@pytest.mark.slow
def test_the_whole_district_on_31_december_2019_has_the_articles_incidence() -> None:
    data = generate_district(seed=2020, scale=1.0, lines=pack_lines())
    people: Counter[str] = Counter()
    for h in data.households:
        people[h.household["status"]] += sum(1 for m in h.members if m["birth_date"] <= END_2019)
    assert (people["exited"], sum(people.values())) == (12736, headline(1.0).rural_population)
    assert round(Decimal(100 * people["not_exited"]) / sum(people.values()), 3) == INCIDENCE


def test_the_generated_people_are_about_as_many_men_as_women() -> None:
    data = generate_district(seed=2020, scale=0.1, lines=pack_lines())
    sexes = Counter(m["sex"] for h in data.households for m in h.members)
    ratio = 100 * sexes["male"] / sexes["female"]
    assert SEX_RATIO[0] <= ratio <= SEX_RATIO[1], ratio


@pytest.mark.django_db
@pytest.mark.slow
def test_at_the_end_of_2019_the_district_reads_as_the_article() -> None:
    build_district(seed=2020, scale=SCALE)
    target = headline(SCALE)
    assert set(Household.objects.filter(status="exited").values_list("exit_year", flat=True)) <= set(
        range(2014, ARTICLE_YEAR + 1))
    county = top_region()
    assert county is not None
    figures = headline_figures(county, on=END_2019)
    assert (figures.exited_households, figures.exited_people) == (target.exited_households, target.exited_people)
    assert (figures.poor_villages, figures.poor_villages_exited) == (53, 53)
    assert set(Region.objects.filter(is_poor_village=True).values_list("exit_year", flat=True)) <= set(
        range(2014, ARTICLE_YEAR + 1))
    assert abs(figures.incidence_now - INCIDENCE) <= INCIDENCE_TOLERANCE, figures.incidence_now
    run = assessment_run(year=ARTICLE_YEAR, pack="cn-national")
    differences = area_differences(run, county)
    assert (differences.should_exit, differences.suspected_wrong_exit) == ([], [])
    sexes = Counter(Member.objects.values_list("sex", flat=True))
    assert SEX_RATIO[0] <= 100 * sexes["male"] / sexes["female"] <= SEX_RATIO[1]
