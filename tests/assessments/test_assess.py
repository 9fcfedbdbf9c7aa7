import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from liangfang.assessments.models import (
    AreaResult,
    AssessmentRun,
    FactValue,
    HouseholdResult,
    IndicatorResult,
    MemberResult,
)
from liangfang.assessments.selectors import (
    area_explanation,
    find_household,
    find_region,
    household_explanation,
    run_for,
)
from liangfang.assessments.services import assessment_run, verification_record
from liangfang.domain.problems import NotFound, ValidationFailed
from liangfang.registry.models import Household
from liangfang.registry.services.bulk import HouseholdInput, write_many
from liangfang.registry.services.regions import village_facilities_write_many
from tests.factories import COUNTY, OTHER_VILLAGE, VILLAGE, household_data, income_data, make_regions, member_data

pytestmark = pytest.mark.django_db

WATER = {"water_litres_per_day": Decimal("40"), "water_quality": "safe", "water_piped": True,
         "water_days_without": 0}


@pytest.fixture(autouse=True)
def registry() -> None:
    make_regions()
    items = [
        # meets everything: 8,000 / 2 = 4,000 exactly on the 2020 line
        HouseholdInput(village_code=VILLAGE,
                       household=household_data("H-PASS", status="exited", exit_year=2019, **WATER),
                       members=[member_data(), member_data("son", born=dt.date(2008, 1, 1), school_status="junior")],
                       incomes=[income_data(2020, wage_income="7999.99", business_income="0.01"),
                                income_data(2019, wage_income=1000)]),
        # below the line by one fen per person
        HouseholdInput(village_code=VILLAGE, household=household_data("H-POOR", **WATER),
                       members=[member_data(), member_data("spouse", sex="female")],
                       incomes=[income_data(2020, wage_income="7999.98")]),
        # general households make up the rural population
        *[HouseholdInput(village_code=OTHER_VILLAGE if i % 2 else VILLAGE,
                         household=household_data(f"G-{i}", is_registered=False, status="general",
                                                  poverty_attribute="", identification_standard="", main_cause=""),
                         members=[member_data(), member_data("spouse", sex="female")])
          for i in range(20)],
    ]
    write_many(items, by="test")
    village_facilities_write_many([
        {"village_code": VILLAGE, "year": 2020, "hardened_road": True, "clinic": True, "clinic_doctor": True},
        {"village_code": OTHER_VILLAGE, "year": 2020, "hardened_road": False},
    ], by="test")


def test_assess_stores_household_village_and_county_results() -> None:
    run = assessment_run(year=2020, pack="cn-national", by="test")
    assert (run.year, run.pack, run.engine in ("sqlite", "postgres")) == (2020, "cn-national", True)
    verdicts = dict(HouseholdResult.objects.filter(run=run).values_list("household_id", "verdict"))
    passing = Household.objects.get(number="H-PASS").pk
    poor = Household.objects.get(number="H-POOR").pk
    assert verdicts == {passing: "pass", poor: "fail"}
    assert IndicatorResult.objects.get(run=run, level="household", subject_id=poor, indicator="income").status == "fail"
    assert FactValue.objects.get(run=run, level="household", subject_id=poor,
                                 name="per_capita_net_income").number == Decimal("3999.99")
    assert AreaResult.objects.filter(run=run, level="village").count() == 2
    county = AreaResult.objects.get(run=run, level="county")
    assert county.people == 2 * 22
    assert run.summary["households"] == {"assessed": 2, "meeting": 1, "pending": 0, "people": 4, "poor_people": 2}
    assert run.summary["counties"][0]["poverty_incidence"] == str(Decimal(2 * 100) / 44)[:11]


def test_rerunning_replaces_only_that_year_and_pack() -> None:
    first_2020 = assessment_run(year=2020, pack="cn-national")
    run_2019 = assessment_run(year=2019, pack="cn-national")
    again = assessment_run(year=2020, pack="cn-national")
    assert not AssessmentRun.objects.filter(pk=first_2020.pk).exists()
    assert set(AssessmentRun.objects.values_list("pk", flat=True)) == {run_2019.pk, again.pk}
    assert HouseholdResult.objects.filter(run=run_2019).count() == 2
    assert HouseholdResult.objects.filter(run_id=first_2020.pk).count() == 0
    assert HouseholdResult.objects.filter(run=again).count() == 2


def test_explain_a_household_in_the_packs_words() -> None:
    run = assessment_run(year=2020, pack="cn-national")
    explanation = household_explanation(run_for(2020), find_household("H-POOR"))
    texts = [line.text() for line in explanation.lines]
    assert texts[0] == "人均纯收入 3,999.99 元 < 扶贫标准 4,000 元 — 未达标"
    assert explanation.verdict == "fail"
    ok = household_explanation(run, find_household("H-PASS"))
    assert ok.lines[0].text() == "人均纯收入 4,000 元 ≥ 扶贫标准 4,000 元 — 达标"


def test_a_household_is_found_by_a_members_resident_id() -> None:
    member = Household.objects.get(number="H-POOR").members.first()
    assert member is not None
    assert find_household(member.resident_id).number == "H-POOR"
    with pytest.raises(NotFound, match="X-NOPE"):
        find_household("X-NOPE")


def test_member_failures_are_stored_per_person() -> None:
    household = Household.objects.get(number="H-PASS")
    child = household.members.get(relation="son")
    child.school_status = "not_in_school"
    child.save()
    run = assessment_run(year=2020, pack="cn-national")
    rows = list(MemberResult.objects.filter(run=run).values_list("member_id", "indicator", "status"))
    assert rows == [(child.pk, "education", "fail")]
    explanation = household_explanation(run, household)
    education = next(line for line in explanation.lines if line.indicator == "education")
    assert education.text() == "适龄儿童少年 1 人，失学辍学 1 人 — 未达标"
    assert "之子，12 岁" in education.members[0] and "在校 否" in education.members[0]


def test_county_is_pending_until_verification_figures_are_recorded() -> None:
    run = assessment_run(year=2020, pack="cn-national")
    county = find_region(COUNTY, "county")
    assert AreaResult.objects.get(run=run, level="county").verdict == "fail"  # 4.5% incidence
    texts = [line.text() for line in area_explanation(run, county).lines]
    assert texts[1] == "综合贫困发生率：待第三方评估填写 — 待核查"
    verification_record(county_code=COUNTY, year=2020, wrong_exit_rate=Decimal("0.5"),
                        missed_poor_rate=Decimal("0.2"), public_approval=Decimal("97.5"),
                        missed_poor_people=0, wrong_exit_people=0, source="评估报告")
    run = assessment_run(year=2020, pack="cn-national")
    texts = [line.text() for line in area_explanation(run, county).lines]
    assert texts[2] == "错退率 0.5% ≤ 2% — 达标"
    assert texts[4] == "群众认可度 97.5% ≥ 90% — 达标"


def test_verification_figures_are_checked() -> None:
    with pytest.raises(ValidationFailed) as err:
        verification_record(county_code="999999000000", year=2020, public_approval=Decimal("120"), source="评估报告")
    fields = {p.field for p in err.value.problems}
    assert fields == {"county", "public_approval"}


def test_a_year_outside_the_pack_is_refused_and_nothing_is_written() -> None:
    with pytest.raises(ValidationFailed, match="2014–2020"):
        assessment_run(year=2023, pack="cn-national")
    with pytest.raises(ValidationFailed, match="no-such-pack"):
        assessment_run(year=2020, pack="no-such-pack")
    assert AssessmentRun.objects.count() == 0


def _planner_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return float(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_an_assessment_leaves_the_planner_knowing_its_results() -> None:
    assessment_run(year=2020)
    # ANALYZE ran in the run's transaction: pg_class counts the rows just written, where it held
    # what autovacuum last saw (nothing, in a fresh test database)
    for model in (IndicatorResult, FactValue, HouseholdResult):
        assert _planner_rows(model._meta.db_table) == model.objects.count() > 0
