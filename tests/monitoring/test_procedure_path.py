"""The whole path through services and the procedures: screening → lead → identification case
(home check, data comparison, community review, notice, township, county, announcement) → object
with a plan → the measure delivered → six months later the elimination case → announcement."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from liangfang.domain.problems import ValidationFailed
from liangfang.monitoring.models import Lead, MonitoringObject
from liangfang.monitoring.screening import run_monitoring_month
from liangfang.monitoring.services.leads import leads_to_case, overdue, screening_leads
from liangfang.monitoring.services.objects import earliest_elimination, object_admit
from liangfang.plans.models import Plan
from liangfang.plans.services.delivery import delivery_record
from liangfang.procedures.models import Case
from liangfang.procedures.services import announce, case_open, notice_post, review_decide, step_record
from liangfang.registry.models import ChangeRecord, Household
from liangfang.registry.services.households import household_update

from .conftest import D, World, minutes


def _through(case: Case, world: World, steps: list[tuple[str, object]], notice_on: object, reviews: list[object],
             announce_on: object) -> None:
    for outcome, on in steps:
        case.refresh_from_db()
        needs = {"home_check": [minutes("consent.png", "consent")], "deliberation": [minutes()]}.get(case.step, [])
        step_record(case=case, expected_version=case.version, on=on, actor=world.cadre, people="村两委",  # type: ignore[arg-type]
                    outcome=outcome, attachments=needs)
    case.refresh_from_db()
    notice_post(case=case, expected_version=case.version, on=notice_on, actor=world.cadre)  # type: ignore[arg-type]
    for actor, on in zip((world.reviewer, world.admin), reviews, strict=True):
        case.refresh_from_db()
        review_decide(case=case, expected_version=case.version, on=on, actor=actor, approve=True)  # type: ignore[arg-type]
    case.refresh_from_db()
    announce(cases={case: case.version}, on=announce_on, actor=world.admin)  # type: ignore[arg-type]


def test_the_whole_path(world: World, record_months: Callable[..., int]) -> None:
    home = world.households[0]
    Household.objects.filter(pk=home.pk).update(status="exited", exit_year=2019, water_quality="safe",
                                                water_days_without=0)
    record_months(home, 202201, 202305, wage_income="400")  # 4,800 a year for one person
    run = run_monitoring_month(2023, 6, region=world.regions[home.village.code])
    assert run.results[home.pk].is_lead
    outcome = screening_leads(run, found_on=D(2023, 6, 5), by="cadre")
    lead = Lead.objects.get(household=home)
    assert outcome.created == [lead] and lead.channel == "cadre_screening" and lead.category == "unstable"
    assert lead.reasons[0]["zh"] == "近12个月人均纯收入 4,800 元 < 监测线 7,100 元"
    assert (lead.home_check_due, lead.identification_due) == (D(2023, 6, 12), D(2023, 7, 4))  # 端午 22–23 June
    case = leads_to_case(leads=[lead], on=D(2023, 6, 5), actor=world.cadre)
    assert overdue(Lead.objects.get(pk=lead.pk), D(2023, 6, 13)) == {"home_check": True, "identification": False}
    _through(case, world, [("入户核查属实，签授权书", D(2023, 6, 7)), ("比对无车无房", D(2023, 6, 8)),
                           ("评议同意纳入", D(2023, 6, 9))], D(2023, 6, 12), [D(2023, 6, 20), D(2023, 6, 21)],
             D(2023, 6, 26))
    assert overdue(Lead.objects.get(pk=lead.pk), D(2023, 6, 13))["home_check"] is False
    home.refresh_from_db()
    obj = MonitoringObject.objects.get(household=home)
    assert (home.monitoring, obj.entered_on, obj.category) == ("unstable", D(2023, 6, 26), "unstable")
    assert Lead.objects.get(pk=lead.pk).status == "admitted"
    plan = Plan.objects.get(household=home, status="accepted")
    measure = plan.measures.get()
    assert measure.category == "industry"  # one member able to work: a development measure
    assert earliest_elimination(obj) == D(2023, 12, 1)
    # its gain shows in the months recorded after it (income is monthly from 2021)
    delivery_record(measure=measure, date=D(2023, 7, 10), proof_note="验收单 2023-17", by="cadre")
    record_months(home, 202306, 202402, wage_income="1500")

    later = case_open(kind="risk_elimination", year=2024, households=[home], on=D(2024, 3, 4), actor=world.cadre)
    _through(later, world, [("核实收入稳定", D(2024, 3, 5)), ("评议同意消除", D(2024, 3, 6))], D(2024, 3, 7),
             [D(2024, 3, 14), D(2024, 3, 15)], D(2024, 3, 18))
    home.refresh_from_db()
    obj.refresh_from_db()
    assert home.monitoring == "none" and obj.eliminated_on == D(2024, 3, 18)
    assert ChangeRecord.objects.filter(household_number=home.number, entity="monitoring_object").count() == 2


def test_the_monitoring_type_is_not_set_by_the_edit_service(world: World) -> None:
    home = world.households[1]
    with pytest.raises(ValidationFailed, match="程序"):
        household_update(household=home, data={"monitoring": "edge"}, expected_version=home.version, by="cadre")


def test_a_household_without_a_lead_cannot_be_put_on_an_identification_case(world: World) -> None:
    with pytest.raises(ValidationFailed, match="没有待办线索"):
        case_open(kind="monitoring_identification", year=2023, households=[world.households[2]], on=D(2023, 6, 5),
                  actor=world.cadre)


def test_elimination_is_refused_at_the_announcement_while_a_condition_is_not_met(
        world: World, record_months: Callable[..., int]) -> None:
    home = world.households[1]
    record_months(home, 202201, 202308, wage_income="1500")
    obj = object_admit(household=home, on=D(2023, 6, 26), category="edge", risk_types=["illness"],
                       case_ref="test", by="test")
    early = case_open(kind="risk_elimination", year=2023, households=[home], on=D(2023, 9, 4), actor=world.cadre)
    with pytest.raises(ValidationFailed, match="风险消除条件未全部满足") as err:
        _through(early, world, [("核实收入", D(2023, 9, 5)), ("评议", D(2023, 9, 6))], D(2023, 9, 7),
                 [D(2023, 9, 14), D(2023, 9, 15)], D(2023, 9, 18))
    assert "已监测 3 个月 < 6 个月 — 不满足" in str(err.value)
    assert "纳入后已落实措施 0 项 < 1 项 — 不满足" in str(err.value)
    home.refresh_from_db()
    early.refresh_from_db()
    assert home.monitoring == "edge" and MonitoringObject.objects.get(pk=obj.pk).eliminated_on is None
    assert early.state == "open"  # the announcement wrote nothing
