"""Area plans on the operational database: proposed, decided, accepted, delivered through the
registry's services, and the re-run assessment shows the households lifted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from liangfang.assessments.models import HouseholdResult
from liangfang.assessments.services import assessment_run
from liangfang.domain.problems import ValidationFailed
from liangfang.plans.models import Delivery, Plan, PlanMeasure, PlanRun
from liangfang.plans.services.delivery import delivery_record, plan_deliver, plans_deliver_many
from liangfang.plans.services.plans import (
    DecisionConflict,
    measure_change,
    measure_decide,
    measure_state,
    plan_accept,
    plan_area,
    plan_revise,
    plan_state,
    plans_accept,
)
from liangfang.registry.models import ChangeRecord, Household, IncomeRecord, Region
from liangfang.registry.services.households import household_create, income_set, member_remove
from tests.factories import COUNTY, VILLAGE, household_data, make_regions, member_data
from tests.plans.survey import survey_delivered_income

pytestmark = pytest.mark.django_db
YEAR = 2015  # poverty line 2,855


def _household(village: Region, data: dict[str, Any], members: list[dict[str, Any]], income: dict[str, Any]
               ) -> Household:
    h = household_create(village=village, data=household_data(**data), members=members, by="test")
    income_set(household=h, year=YEAR, data={k: Decimal(v) for k, v in income.items()}, expected_version=h.version,
               by="test")
    h.refresh_from_db()
    return h


@pytest.fixture
def district() -> dict[str, Household]:
    regions = make_regions()
    village = regions[VILLAGE]
    born_1980 = dt.date(1980, 5, 1)
    return {
        "house": _household(village, {"housing_grade": "D", "housing_safety_via": "not_safe"},
                            [member_data(born=born_1980), member_data("spouse", sex="female", born=born_1980)],
                            {"wage_income": "3000"}),
        "school": _household(village, {}, [member_data(born=born_1980),
                                           member_data("son", born=dt.date(2006, 3, 1), school_status="not_in_school")],
                             {"wage_income": "4000"}),
        "alone": _household(village, {}, [member_data(born=dt.date(1938, 1, 1), labor_ability="none")],
                            {"transfer_pension": "1000"}),
        "uninsured": _household(village, {}, [member_data(born=born_1980, medical_insurance=False)],
                                {"wage_income": "9000"}),
    }


def _county() -> Region:
    return Region.objects.get(code=COUNTY)


def test_area_plan_lifts_every_household_it_can_and_explains_each_measure(district: dict[str, Household]) -> None:
    area = plan_area(region=_county(), year=YEAR, budget=None, by="区扶贫办")
    run = area.run
    assert run is not None and run.households_in_need == 4 and run.households_lifted == 4
    assert run.solver_status == "optimal"
    house = Plan.objects.get(household=district["house"], year=YEAR)
    assert (house.version, house.status, house.lifts) == (1, "proposed", True)
    reasons = list(house.measures.values_list("reason_zh", flat=True))
    assert "D级危房 → 危房改造（拆除重建），补助 30,000 元" in reasons
    school = Plan.objects.get(household=district["school"])
    assert {m.measure for m in school.measures.all()} >= {"school_return_primary", "education_subsidy"}
    pupil = school.measures.get(measure="school_return_primary").member
    assert pupil is not None and pupil.name.startswith("测试")
    alone = Plan.objects.get(household=district["alone"])
    assert alone.measures.get(stage="close").measure == "minimum_living"  # cheaper than 特困供养 and enough
    assert run.summary["tables"]["fund_source"][0]["key"] == "housing_subsidy"
    assert ChangeRecord.objects.filter(action="propose_plan").count() == 4


def test_a_second_run_makes_a_new_version_and_keeps_the_old(district: dict[str, Household]) -> None:
    plan_area(region=_county(), year=YEAR, budget=None, by="a")
    plan_area(region=_county(), year=YEAR, budget=Decimal(2000), by="b")
    versions = list(Plan.objects.filter(household=district["house"]).order_by("version")
                    .values_list("version", "status", "lifts"))
    assert versions == [(1, "superseded", True), (2, "proposed", False)]
    reasons = Plan.objects.get(household=district["house"], version=2).reasons
    assert reasons[0]["code"] == "budget"


def test_capacity_override_and_bad_input_are_checked(district: dict[str, Household]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        plan_area(region=_county(), year=YEAR, budget=Decimal(-1), by="x", capacities={"posts": 3})
    fields = {p.field for p in caught.value.problems}
    assert fields == {"budget", "capacity"}
    assert PlanRun.objects.count() == 0 and Plan.objects.count() == 0
    with pytest.raises(ValidationFailed):
        plan_area(region=_county(), year=2013, budget=None, by="x")


def test_dry_run_writes_nothing(district: dict[str, Household]) -> None:
    area = plan_area(region=_county(), year=YEAR, budget=None, by="x", save=False)
    assert area.prescription.lifted == 4
    assert Plan.objects.count() == 0 and PlanRun.objects.count() == 0


def test_decisions_need_reasons_and_only_proposed_plans_change(district: dict[str, Household]) -> None:
    plan_area(region=_county(), year=YEAR, budget=None, by="x")
    plan = Plan.objects.get(household=district["house"])
    measure = plan.measures.get(measure="d_rebuild")
    with pytest.raises(ValidationFailed):
        measure_decide(measure=measure, decision="rejected", by="cadre")
    changed = measure_change(measure=measure, by="cadre", note="按实际预算调整", cost=Decimal(28000))
    assert (changed.status, changed.cost) == ("changed", Decimal(28000))
    plan_accept(plan=plan, by="township")
    assert set(plan.measures.values_list("status", flat=True)) <= {"accepted", "changed"}
    with pytest.raises(ValidationFailed):
        measure_decide(measure=plan.measures.first(), decision="accepted", by="cadre")  # type: ignore[arg-type]
    revised = plan_revise(plan=Plan.objects.get(pk=plan.pk), by="cadre")
    assert (revised.version, revised.status, revised.measures.count()) == (2, "proposed", plan.measures.count())
    plan_accept(plan=revised, by="township")
    statuses = dict(Plan.objects.filter(household=district["house"]).values_list("version", "status"))
    assert statuses == {1: "superseded", 2: "accepted"}


def test_a_changed_cost_is_what_the_explanation_then_says(district: dict[str, Household]) -> None:
    plan_area(region=_county(), year=YEAR, budget=None, by="x")
    measure = Plan.objects.get(household=district["house"]).measures.get(measure="d_rebuild")
    assert "补助 30,000 元" in measure.reason_zh and "subsidy 30,000 yuan" in measure.reason_en
    changed = measure_change(measure=measure, by="cadre", note="按实际预算调整", cost=Decimal(28000))
    stored = PlanMeasure.objects.get(pk=changed.pk)
    assert stored.reason_zh == "D级危房 → 危房改造（拆除重建），补助 28,000 元"
    assert "subsidy 28,000 yuan" in stored.reason_en and "30,000" not in stored.reason_en
    revised = plan_revise(plan=plan_accept(plan=stored.plan, by="township"), by="cadre")
    copy = revised.measures.get(measure="d_rebuild")
    measure_change(measure=copy, by="cadre", note="再次调整", cost=Decimal(26000))
    assert "补助 26,000 元" in PlanMeasure.objects.get(pk=copy.pk).reason_zh


@pytest.mark.parametrize("bulk", [False, True], ids=["one_by_one", "batch"])
def test_delivery_updates_the_registry_and_the_reassessment_lifts_them(district: dict[str, Household],
                                                                      bulk: bool) -> None:
    before = assessment_run(year=YEAR, by="test")
    assert set(HouseholdResult.objects.filter(run=before).values_list("verdict", flat=True)) == {"fail"}
    plan_area(region=_county(), year=YEAR, budget=None, by="x")
    plans_accept(plans=list(Plan.objects.filter(year=YEAR)), by="township")
    if bulk:
        count = len(plans_deliver_many(plans=list(Plan.objects.filter(year=YEAR)), date=dt.date(YEAR, 10, 15),
                                       proof_note="验收单 2015-001", by="cadre"))
        assert count == PlanMeasure.objects.count()
    for plan in Plan.objects.filter(year=YEAR):
        plan_deliver(plan=plan, date=dt.date(YEAR, 10, 15), proof_note="验收单 2015-001", by="cadre")
    house = Household.objects.get(pk=district["house"].pk)
    assert (house.housing_safety_via, house.housing_renovated_year) == ("renovated", YEAR)
    # A delivery records what was delivered; the 低保 paid is income only once the survey records it.
    assert IncomeRecord.objects.get(household=district["alone"], year=YEAR).transfer_minimum_living == 0
    unsurveyed = assessment_run(year=YEAR, by="test")
    assert HouseholdResult.objects.get(run=unsurveyed, household_id=district["alone"].pk).verdict == "fail"
    assert survey_delivered_income(year=YEAR) >= 1
    after = assessment_run(year=YEAR, by="test")
    assert set(HouseholdResult.objects.filter(run=after).values_list("verdict", flat=True)) == {"pass"}
    assert Delivery.objects.count() == PlanMeasure.objects.filter(status__in=["accepted", "changed"]).count()
    school = district["school"].members.get(relation="son")
    assert school.school_status == "primary"
    assert ChangeRecord.objects.filter(action="deliver_measure").count() == Delivery.objects.count()


def test_a_delivery_needs_proof_an_accepted_plan_and_is_recorded_once(district: dict[str, Household]) -> None:
    plan_area(region=_county(), year=YEAR, budget=None, by="x")
    plan = Plan.objects.get(household=district["uninsured"])
    measure = plan.measures.get(measure="insurance_premium")
    with pytest.raises(ValidationFailed) as caught:
        delivery_record(measure=measure, date=dt.date(YEAR, 3, 1), proof_note=" ", by="cadre")
    assert {p.field for p in caught.value.problems} == {"plan", "status", "proof_note"}
    assert Delivery.objects.count() == 0
    plan_accept(plan=plan, by="township")
    measure.refresh_from_db()
    delivery_record(measure=measure, date=dt.date(YEAR, 3, 1), proof_note="参保凭证", by="cadre")
    assert district["uninsured"].members.get().medical_insurance is True
    with pytest.raises(ValidationFailed):
        delivery_record(measure=measure, date=dt.date(YEAR, 3, 2), proof_note="again", by="cadre")


def test_a_decision_given_the_state_it_saw_is_refused_when_stale(district: dict[str, Household]) -> None:
    plan_area(region=_county(), year=YEAR, budget=None, by="x")
    plan = Plan.objects.get(household=district["house"])
    measure = plan.measures.get(measure="d_rebuild")
    seen = measure_state(measure, plan.status)
    seen_plan = plan_state(plan, plan.measures.values_list("decided_at", flat=True))
    measure_decide(measure=measure, decision="accepted", by="甲", expected_state=seen)
    with pytest.raises(DecisionConflict, match="甲"):
        measure_decide(measure=measure, decision="rejected", note="乙的理由", by="乙", expected_state=seen)
    with pytest.raises(DecisionConflict):
        measure_change(measure=measure, by="乙", note="n", cost=Decimal(1), expected_state=seen)
    with pytest.raises(DecisionConflict, match="甲"):
        plan_accept(plan=plan, by="乙", expected_state=seen_plan)
    measure.refresh_from_db()
    assert (measure.status, measure.decided_by, measure.cost) == ("accepted", "甲", Decimal(30000))
    assert Plan.objects.get(pk=plan.pk).status == "proposed"
    fresh = plan_state(plan, plan.measures.values_list("decided_at", flat=True))
    plan_accept(plan=plan, by="乙", expected_state=fresh)
    with pytest.raises(DecisionConflict, match="乙"):  # the plan was accepted meanwhile
        measure_decide(measure=measure, decision="rejected", note="n", by="丙",
                       expected_state=measure_state(measure, "proposed"))


def _accepted(district: dict[str, Household]) -> None:
    plan_area(region=_county(), year=YEAR, budget=None, by="x")
    plans_accept(plans=list(Plan.objects.filter(year=YEAR)), by="township")


@pytest.mark.parametrize("path", ["one_by_one", "plan", "batch"])
def test_every_delivery_path_refuses_a_date_long_before_the_plans_year(district: dict[str, Household],
                                                                       path: str) -> None:
    _accepted(district)
    plan = Plan.objects.get(household=district["uninsured"])
    early = dt.date(YEAR - 2, 12, 31)
    with pytest.raises(ValidationFailed) as caught:
        if path == "one_by_one":
            delivery_record(measure=plan.measures.get(measure="insurance_premium"), date=early, proof_note="凭证",
                            by="cadre")
        elif path == "plan":
            plan_deliver(plan=plan, date=early, proof_note="凭证", by="cadre")
        else:
            plans_deliver_many(plans=list(Plan.objects.filter(year=YEAR)), date=early, proof_note="凭证", by="cadre")
    assert {p.field for p in caught.value.problems} == {"date"}
    assert Delivery.objects.count() == 0 and not ChangeRecord.objects.filter(action="deliver_measure").exists()


@pytest.mark.parametrize("bulk", [False, True], ids=["one_by_one", "batch"])
def test_a_delivered_income_measure_keeps_its_gain_as_a_projection(district: dict[str, Household],
                                                                   bulk: bool) -> None:
    _accepted(district)
    plan = Plan.objects.get(household=district["alone"])
    measure = plan.measures.get(measure="minimum_living")
    before = IncomeRecord.objects.get(household=district["alone"], year=YEAR)
    if bulk:
        plans_deliver_many(plans=[plan], date=dt.date(YEAR, 10, 15), proof_note="低保审批表", by="cadre")
    else:
        delivery_record(measure=measure, date=dt.date(YEAR, 10, 15), proof_note="低保审批表", by="cadre")
    after = IncomeRecord.objects.get(household=district["alone"], year=YEAR)
    assert [getattr(after, f.attname) for f in IncomeRecord._meta.concrete_fields] == [
        getattr(before, f.attname) for f in IncomeRecord._meta.concrete_fields]
    delivery = Delivery.objects.get(measure=measure)
    assert (delivery.income_year, delivery.income_gain) == (YEAR, measure.expected_gain) and measure.expected_gain > 0
    assert "income" not in delivery.applied
    assert not ChangeRecord.objects.filter(action="set_income", at__gte=delivery.recorded_at).exists()


def test_an_income_is_recorded_with_its_source_and_who_recorded_it(district: dict[str, Household]) -> None:
    h = district["alone"]
    income_set(household=h, year=YEAR, data={"transfer_pension": Decimal(1000), "transfer_minimum_living":
                                             Decimal(2400)}, expected_version=h.version, by="村会计",
               source="年度收入核查 / yearly income survey")
    record = ChangeRecord.objects.filter(action="set_income").latest("id")
    assert (record.actor, record.note) == ("村会计", "年度收入核查 / yearly income survey")
    assert Decimal(record.changes["transfer_minimum_living"][1]) == 2400


@pytest.mark.parametrize("bulk", [False, True], ids=["one_by_one", "batch"])
def test_a_delivery_to_a_member_moves_the_households_version_on(district: dict[str, Household], bulk: bool) -> None:
    _accepted(district)
    plan = Plan.objects.get(household=district["uninsured"])
    version = Household.objects.get(pk=district["uninsured"].pk).version
    if bulk:
        plans_deliver_many(plans=[plan], date=dt.date(YEAR, 3, 1), proof_note="参保凭证", by="cadre")
    else:
        delivery_record(measure=plan.measures.get(measure="insurance_premium"), date=dt.date(YEAR, 3, 1),
                        proof_note="参保凭证", by="cadre")
    assert district["uninsured"].members.get().medical_insurance is True
    assert Household.objects.get(pk=district["uninsured"].pk).version > version
    delivery = Delivery.objects.get(measure__measure="insurance_premium")
    assert ChangeRecord.objects.get(action="deliver_measure", entity_id=delivery.pk).household_number == \
        district["uninsured"].number


@pytest.mark.parametrize("bulk", [False, True], ids=["one", "batch"])
def test_accepting_a_plan_is_the_same_write_alone_or_in_a_batch(district: dict[str, Household], bulk: bool) -> None:
    plan_area(region=_county(), year=YEAR, budget=None, by="x")
    first = Plan.objects.get(household=district["house"])
    plan_accept(plan=first, by="township")
    revised = plan_revise(plan=Plan.objects.get(pk=first.pk), by="cadre")
    if bulk:
        assert plans_accept(plans=[revised], by="township") == 1
    else:
        plan_accept(plan=revised, by="township")
    record = ChangeRecord.objects.filter(action="accept_plan", entity_id=revised.pk).get()
    assert record.changes == {"year": YEAR, "version": 2, "replaces": [1]}
    assert dict(Plan.objects.filter(household=district["house"]).values_list("version", "status")) == {
        1: "superseded", 2: "accepted"}
    with pytest.raises(ValidationFailed) as caught:
        if bulk:
            plans_accept(plans=[revised], by="township")
        else:
            plan_accept(plan=revised, by="township")
    assert [p.field for p in caught.value.problems] == ["status"]


@pytest.mark.parametrize("bulk", [False, True], ids=["one_by_one", "batch"])
def test_a_measure_for_a_member_who_left_is_not_recorded_as_delivered(district: dict[str, Household],
                                                                      bulk: bool) -> None:
    _accepted(district)
    plan = Plan.objects.get(household=district["school"])
    measure = plan.measures.get(measure="school_return_primary")
    son = district["school"].members.get(relation="son")
    household = Household.objects.get(pk=district["school"].pk)
    member_remove(member=son, reason="moved_out", on=dt.date(YEAR, 2, 1), expected_version=household.version, by="t")
    with pytest.raises(ValidationFailed) as caught:
        if bulk:
            plans_deliver_many(plans=[plan], date=dt.date(YEAR, 9, 1), proof_note="入学通知", by="cadre")
        else:
            delivery_record(measure=measure, date=dt.date(YEAR, 9, 1), proof_note="入学通知", by="cadre")
    assert "member" in {p.field for p in caught.value.problems}
    assert not Delivery.objects.filter(measure=measure).exists()
