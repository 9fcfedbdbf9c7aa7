"""On the synthetic Taobei-like district: a county plan for the registration year (2014) under a stated
budget, with its cost table; delivered through the services, the re-run assessment shows every
household the plan was meant to lift now meeting the standard, and the others still short.
Delivered in one batch; test_plan_services.py checks that the batch and the one-by-one delivery
change the registry alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from liangfang.assessments.models import HouseholdResult
from liangfang.assessments.services import assessment_run
from liangfang.plans.models import Plan
from liangfang.plans.selectors import run_tables
from liangfang.plans.services.delivery import plans_deliver_many
from liangfang.plans.services.plans import plan_area, plans_accept
from liangfang.registry.models import Region
from liangfang.synth.taobei import build_district
from tests.plans.survey import survey_delivered_income

YEAR = 2014  # registration year (建档立卡)


def _plan_deliver_and_reassess(scale: float, budget_per_household: Decimal) -> None:
    build_district(seed=2020, scale=scale)
    before = assessment_run(year=YEAR, by="test")
    failing = set(HouseholdResult.objects.filter(run=before, verdict="fail").values_list("household_id", flat=True))
    county = Region.objects.get(level="county")
    budget = budget_per_household * len(failing)  # the stated budget: not enough for every household
    area = plan_area(region=county, year=YEAR, budget=budget, by="区扶贫办", compare_greedy=True)
    run = area.run
    assert run is not None and run.households_in_need == len(failing)
    assert 0 < run.households_lifted < len(failing)
    assert run.total_cost <= budget
    assert area.prescription.baseline is not None
    assert run.households_lifted >= area.prescription.baseline.lifted  # never worse than greedy
    tables = run_tables(run)
    for name in ("measure", "fund_source", "village", "category"):
        assert sum(r.cost for r in tables[name]) == run.total_cost
    lifted = set(Plan.objects.filter(run=run, lifts=True).values_list("household_id", flat=True))
    assert len(lifted) == run.households_lifted
    plans_accept(plans=list(Plan.objects.filter(run=run)), by="乡镇审核")
    plans_deliver_many(plans=list(Plan.objects.filter(run=run)), date=dt.date(YEAR, 10, 31), proof_note="2014年度验收",
                       by="帮扶责任人")
    survey_delivered_income(year=YEAR)
    after = assessment_run(year=YEAR, by="test")
    verdicts = dict(HouseholdResult.objects.filter(run=after).values_list("household_id", "verdict"))
    assert {verdicts[h] for h in lifted} == {"pass"}
    still = [h for h in failing - lifted if verdicts[h] == "fail"]
    assert len(still) >= 0.9 * len(failing - lifted)  # only accompanying measures reached them


@pytest.mark.django_db
def test_a_registration_year_plan_lifts_the_households_it_was_meant_to_lift() -> None:
    _plan_deliver_and_reassess(0.015, Decimal(8000))


@pytest.mark.slow
@pytest.mark.django_db
def test_a_quarter_of_the_district() -> None:
    # the whole district passes too, in about 3 minutes on this machine (scale 1.0)
    _plan_deliver_and_reassess(0.25, Decimal(8000))
