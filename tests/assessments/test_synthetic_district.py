"""The synthetic Taobei district (liangfang.synth) assessed end to end: the engine's rules and the
generator's plan must agree on every household, and the county must meet the computed standard."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from liangfang.assessments.models import HouseholdResult
from liangfang.assessments.selectors import household_explanation
from liangfang.assessments.services import assessment_run, verification_record
from liangfang.registry.models import Household, Region
from liangfang.synth import taobei

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.mark.parametrize("pack", ["cn-national", "jilin-taobei-2020"])
def test_the_district_assessment_agrees_with_its_plan(pack: str) -> None:
    report = taobei.build_district(seed=2020, scale=0.05)
    run = assessment_run(year=2020, pack=pack)
    households, villages = run.summary["households"], run.summary["villages"]
    assert households["assessed"] == report.registered_households
    assert households["meeting"] == report.exited_households
    assert households["poor_people"] == report.remaining_people
    assert (villages["poor_villages"], villages["poor_meeting"]) == (report.poor_villages, report.poor_villages)
    county = run.summary["counties"][0]
    assert Decimal(county["poverty_incidence"]) == pytest.approx(
        Decimal(report.remaining_people * 100) / report.people, abs=Decimal("1e-8"))
    # every exited household meets the standard and every remaining one does not
    verdicts = dict(HouseholdResult.objects.filter(run=run).values_list("household_id", "verdict"))
    statuses = dict(Household.objects.filter(is_registered=True).values_list("pk", "status"))
    disagree = [pk for pk, status in statuses.items() if (status == "exited") != (verdicts[pk] == "pass")]
    assert disagree == []
    for household in random.Random(1).sample(list(Household.objects.filter(is_registered=True)), 20):
        explanation = household_explanation(run, household)
        assert explanation.lines[0].text().startswith("人均纯收入 ")
    # with third-party figures within the limits the county meets the standard
    county_code = Region.objects.get(level="county").code
    verification_record(county_code=county_code, year=2020, wrong_exit_rate=Decimal(0), missed_poor_rate=Decimal(0),
                        public_approval=Decimal(96), missed_poor_people=0, wrong_exit_people=0, source="test")
    assert assessment_run(year=2020, pack=pack).summary["counties"][0]["verdict"] == "pass"
