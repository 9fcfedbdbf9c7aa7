"""Money through the plan pages and the plans services (issue 13, high 3): ``cost=1e999999`` once
stored Inf on SQLite and every page reading the measure answered 500. Each amount is now checked
against the field table's range by the service every caller uses, with one message per field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangfang.assessments.services import assessment_run
from liangfang.domain.fields import PLAN_MONEY_FIELDS, fields_by_name
from liangfang.domain.problems import ValidationFailed
from liangfang.plans.models import Plan, PlanMeasure, Project
from liangfang.plans.services.delivery import delivery_record
from liangfang.plans.services.plans import measure_change, measure_state, plan_accept, plan_area
from liangfang.plans.services.projects import project_create, project_spend
from liangfang.registry.models import Region
from tests.factories import COUNTY, VILLAGE

pytestmark = pytest.mark.django_db
YEAR = 2020
MONEY = fields_by_name(PLAN_MONEY_FIELDS)
HOSTILE = ["1e999999", "-1e999999", "Infinity", "NaN", "sNaN", "-0.01", "10000000000.01", "1e12", "abc", "12,3,4x"]
BAD = st.one_of(st.sampled_from(HOSTILE), st.decimals(allow_nan=True, allow_infinity=True).filter(
    lambda d: not d.is_finite() or d < 0 or d > Decimal("1e10")), st.floats(allow_nan=True).filter(
    lambda f: f != f or f < 0 or f > 1e10))
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def plan(world) -> Plan:  # type: ignore[no-untyped-def]
    assessment_run(year=YEAR, by="setup")
    plan_area(region=Region.objects.get(code=COUNTY), year=YEAR, budget=None, by="区扶贫办")
    cache.clear()
    return Plan.objects.get(household=world.mine, year=YEAR)


def _measure(plan: Plan) -> PlanMeasure:
    m = plan.measures.order_by("id").first()
    assert m is not None
    return m


def test_a_huge_cost_is_refused_and_every_page_still_answers(world, login, plan) -> None:
    m = _measure(plan)
    c = login("cadre")
    seen = measure_state(m, plan.status)
    r = c.post(f"/households/{world.mine.number}/measures/{m.pk}/change/",
               {"cost": "1e999999", "note": "x", "state": seen})
    assert r.status_code == 400
    assert "「费用（元）」不能大于 100000000" in r.content.decode()
    m.refresh_from_db()
    assert m.cost.is_finite() and m.status == "proposed"
    admin = login("admin")
    for url in (f"/households/{world.mine.number}/", f"/households/{world.mine.number}/measures/{m.pk}/",
                f"/region/{VILLAGE}/plans/", f"/region/{COUNTY}/plans/"):
        assert admin.get(url).status_code == 200, url


@pytest.mark.parametrize(("budget", "words"), [("1e999999", "「预算（元）」不能大于"), ("NaN", "请输入金额"),
                                               ("10000000000.01", "「预算（元）」不能大于")])
def test_the_area_plans_budget_is_bounded(world, login, budget: str, words: str) -> None:
    assessment_run(year=YEAR, by="setup")
    r = login("admin").post(f"/region/{COUNTY}/plans/propose/", {"year": YEAR, "budget": budget})
    assert r.status_code == 400 and words in r.content.decode()


def _refused(call, field: str, value: object) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as caught:
        call()
    problems = [p for p in caught.value.problems if p.field == field]
    assert problems, caught.value.problems
    assert problems[0].value is value or problems[0].value == value or str(problems[0].value) == str(value)


def test_measure_change_refuses_every_bad_cost(plan) -> None:
    m = _measure(plan)

    @FUZZ
    @given(BAD)
    def check(cost: object) -> None:
        _refused(lambda: measure_change(measure=m, by="t", note="n", cost=cost), "cost", cost)  # type: ignore[arg-type]

    check()
    m.refresh_from_db()
    assert m.status == "proposed"


def test_a_delivery_refuses_every_bad_amount(plan) -> None:
    plan_accept(plan=plan, by="t")
    m = _measure(plan)

    @FUZZ
    @given(BAD)
    def check(value: object) -> None:
        _refused(lambda: delivery_record(measure=m, date=dt.date(2020, 6, 1), proof_note="发票", by="t",
                                         amount=value), "amount", value)  # type: ignore[arg-type]

    check()
    assert not m.deliveries.exists()


def test_projects_refuse_every_bad_budget_fund_and_spending(world) -> None:
    village = Region.objects.get(code=VILLAGE)

    @FUZZ
    @given(BAD)
    def budgets(value: object) -> None:
        _refused(lambda: project_create(name="p", kind="industry", year=YEAR, region=village,
                                        budget=value, by="t"), "budget", value)  # type: ignore[arg-type]
        _refused(lambda: project_create(name="p", kind="industry", year=YEAR, region=village, budget=Decimal(100),
                                        funds={"integrated_fund": value}, by="t"), "funds", value)  # type: ignore[dict-item]

    budgets()
    assert not Project.objects.exists()
    project = project_create(name="p", kind="industry", year=YEAR, region=village, budget=Decimal(100),
                             funds={"integrated_fund": Decimal(100)}, by="t")

    @FUZZ
    @given(BAD)
    def spendings(value: object) -> None:
        _refused(lambda: project_spend(project=project, date=dt.date(2020, 6, 1), amount=value,  # type: ignore[arg-type]
                                       fund_source="integrated_fund", note="n", by="t"), "amount", value)

    spendings()
    assert not project.spendings.exists()


def test_the_ranges_come_from_the_field_table() -> None:
    assert MONEY["cost"].maximum == Decimal("100000000") and MONEY["budget"].maximum == Decimal("10000000000")
