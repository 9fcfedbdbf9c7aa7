"""Diagnosis in plain words, visits and overdue work, projects and funds, and the roll-ups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from liangfang.assessments.services import assessment_run
from liangfang.domain.problems import ValidationFailed
from liangfang.plans.models import Plan, Project, ProjectSpending, Visit
from liangfang.plans.selectors import diagnosis, overdue, plan_of_record, rollup, run_tables
from liangfang.plans.services.delivery import delivery_record, visit_record
from liangfang.plans.services.plans import plan_accept, plan_area
from liangfang.plans.services.projects import project_create, project_spend
from liangfang.registry.models import ChangeRecord, Household, Region
from liangfang.registry.services.households import household_create, income_set
from tests.factories import COUNTY, OTHER_VILLAGE, VILLAGE, household_data, make_regions, member_data

pytestmark = pytest.mark.django_db
YEAR = 2015


@pytest.fixture
def household() -> Household:
    regions = make_regions()
    h = household_create(village=regions[VILLAGE], data=household_data(
        housing_grade="C", housing_safety_via="not_safe", main_cause="illness", other_cause_1="lack_labor"),
        members=[member_data(health_status="chronic", labor_ability="weak", born=dt.date(1960, 1, 1)),
                 member_data("son", born=dt.date(2007, 1, 1), school_status="not_in_school")], by="t")
    for year, wage in ((2014, "3000"), (2015, "2600")):
        income_set(household=h, year=year, data={"wage_income": Decimal(wage)}, expected_version=h.version, by="t")
        h.refresh_from_db()
    return h


def test_diagnosis_names_failing_indicators_and_risks_in_plain_words(household: Household) -> None:
    before = diagnosis(household, year=YEAR)
    assert before.verdict is None and "liangfang assess" in before.note_zh
    assessment_run(year=YEAR, by="t")
    d = diagnosis(household, year=YEAR)
    assert d.verdict == "fail"
    assert {line.indicator for line in d.failing} == {"income", "food", "clothing", "education", "housing"}
    risks = {r.topic: r.zh for r in d.risks}
    assert risks["cause"] == "主要致贫原因：因病；其他：缺劳力"
    assert risks["schooling"] == "义务教育阶段 1 人，其中失学辍学 1 人"
    assert risks["housing"] == "住房：C级危房，尚未保障"
    assert risks["income"] == "人均纯收入 2014 1,500 → 2015 1,300 元（下降）"
    assert "长期慢性病 1 人" in risks["health"]


def test_a_household_the_assessment_left_out_is_said_in_each_language(household: Household) -> None:
    assessment_run(year=YEAR, by="t")
    later = household_create(village=Region.objects.get(code=VILLAGE), data=household_data(),
                             members=[member_data()], by="t")
    d = diagnosis(later, year=YEAR)
    assert d.verdict is None
    assert d.note_zh.endswith("评估范围内（非建档立卡户？）") and "assessed" not in d.note_zh
    assert d.note_en.startswith(f"household {later.number} was not assessed") and "评估" not in d.note_en


def test_visits_are_checked_and_overdue_work_is_listed(household: Household) -> None:
    with pytest.raises(ValidationFailed) as caught:
        visit_record(household=household, date=dt.date(2015, 6, 1), findings=" ", by="t")
    assert {p.field for p in caught.value.problems} == {"visitor", "findings"}
    assert Visit.objects.count() == 0
    county = Region.objects.get(code=COUNTY)
    assert [v.household_number for v in overdue(county, as_of=dt.date(2015, 7, 1)).visits] == [household.number]
    visit_record(household=household, date=dt.date(2015, 6, 20), findings="入户核实收入", visitor="张三", by="t")
    assert overdue(county, as_of=dt.date(2015, 7, 1)).visits == []
    late = overdue(county, as_of=dt.date(2015, 8, 1)).visits
    assert (late[0].last_visit, late[0].days) == (dt.date(2015, 6, 20), 42)
    plan_area(region=county, year=YEAR, budget=None, by="t")
    plan = plan_accept(plan=Plan.objects.get(household=household), by="t")
    measures = overdue(county, as_of=dt.date(2015, 11, 30)).measures
    assert {m.measure for m in measures} >= {"c_repair", "school_return_primary"}
    repair = plan.measures.get(measure="c_repair")
    delivery_record(measure=repair, date=dt.date(2015, 10, 1), proof_note="验收单", by="t")
    assert "c_repair" not in {m.measure for m in overdue(county, as_of=dt.date(2015, 11, 30)).measures}
    assert plan_of_record(household, YEAR) == plan
    tables = run_tables(plan.run)  # type: ignore[arg-type]
    assert tables["fund_source"][0].key == "housing_subsidy"


def test_projects_keep_funds_within_their_sources_and_roll_up(household: Household) -> None:
    county = Region.objects.get(code=COUNTY)
    village = Region.objects.get(code=VILLAGE)
    with pytest.raises(ValidationFailed) as caught:
        project_create(name="庭院豆角基地", kind="industry", year=2016, region=county, budget=Decimal(100000),
                       funds={"fiscal_poverty_fund": Decimal(60000), "bank": Decimal(1)}, by="t",
                       villages=[village, Region.objects.get(code=COUNTY)])
    assert {p.field for p in caught.value.problems} == {"funds", "villages"}
    assert Project.objects.count() == 0
    project = project_create(name="庭院豆角基地", kind="industry", year=2016, region=county, budget=Decimal(100000),
                             funds={"fiscal_poverty_fund": Decimal(60000), "integrated_fund": Decimal(40000)},
                             villages=[village], beneficiaries=[household], by="t")
    project_spend(project=project, date=dt.date(2016, 5, 1), amount=Decimal(50000), fund_source="fiscal_poverty_fund",
                  note="种苗", by="t")
    with pytest.raises(ValidationFailed) as over:
        project_spend(project=project, date=dt.date(2016, 6, 1), amount=Decimal(20000),
                      fund_source="fiscal_poverty_fund", note="大棚", by="t")
    assert "超出该资金来源安排" in over.value.problems[0].message
    assert ProjectSpending.objects.count() == 1
    project_create(name="通屯硬化路", kind="infrastructure", year=2017, region=county, budget=Decimal(300000), by="t",
                   villages=[Region.objects.get(code=OTHER_VILLAGE)])
    figures = rollup(county, 2014, 2020)
    assert (figures.industry_projects, figures.industry_budget, figures.industry_spent) == (1, 100000, 50000)
    assert (figures.infrastructure_projects, figures.houses_renovated) == (1, 0)
    assert ChangeRecord.objects.filter(entity="project").count() == 3


def test_roll_up_counts_renovated_houses_students_and_the_medical_fund(household: Household) -> None:
    from liangfang.plans.services.delivery import plan_deliver

    county = Region.objects.get(code=COUNTY)
    plan_area(region=county, year=YEAR, budget=None, by="t")
    plan = plan_accept(plan=Plan.objects.get(household=household), by="t")
    plan_deliver(plan=plan, date=dt.date(YEAR, 10, 1), proof_note="验收", by="t")
    figures = rollup(county, YEAR, YEAR)
    assert (figures.houses_renovated, figures.houses_renovated_registered) == (1, 1)
    assert figures.students_supported == 1
    health = plan.measures.filter(category="health")
    assert health.exists() and figures.medical_fund == sum(m.cost for m in health)
    assert figures.measures_delivered == plan.measures.count()
    assert rollup(county, YEAR + 1, YEAR + 2).measures_delivered == 0
