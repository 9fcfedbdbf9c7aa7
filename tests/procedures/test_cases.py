"""A household exit from opening to announcement, and the refusals on the way."""

from __future__ import annotations

import pytest

from liangfang.audit.verify import verify_chain
from liangfang.procedures.errors import CaseConflict, NotFound, StepRefused, ValidationFailed
from liangfang.procedures.models import Case, Step
from liangfang.procedures.services import (
    announce,
    case_open,
    notice_post,
    objection_record,
    objection_resolve,
    review_decide,
    step_record,
)
from liangfang.procedures.services.guards import clock_of
from liangfang.registry.models import Household
from liangfang.registry.services.households import household_update

from .conftest import D, World, minutes


def _to_notice(world: World, households: list[Household] | None = None) -> Case:
    case = case_open(kind="household_exit", year=2020, households=households or world.households[:2],
                     on=D(2020, 11, 2), actor=world.cadre)
    case = step_record(case=case, expected_version=case.version, on=D(2020, 11, 4), actor=world.cadre,
                       people="村两委、驻村工作队、村民代表 23 人", outcome="同意两户退出", attachments=[minutes()])
    return step_record(case=case, expected_version=case.version, on=D(2020, 11, 5), actor=world.cadre,
                       people="户主", outcome="两户签字认可", attachments=[minutes("consent.png", "consent")])


def test_an_exit_goes_from_the_village_to_the_county_announcement(world: World) -> None:
    first, second = world.households[:2]
    case = _to_notice(world)
    notice = notice_post(case=case, expected_version=case.version, on=D(2020, 11, 6), actor=world.cadre)
    assert notice.ends_on == D(2020, 11, 13) and notice.contact == "0436-1234567"
    case.refresh_from_db()
    objection = objection_record(case=case, expected_version=case.version, on=D(2020, 11, 9), actor=world.cadre,
                                 raised_by="村民张某", content="该户家中新购小轿车", household=second)
    case.refresh_from_db()
    assert clock_of(case, D(2020, 11, 10)).phase == "notice_paused"
    objection_resolve(case=case, expected_version=case.version, objection=objection, on=D(2020, 11, 11),
                      actor=world.cadre, outcome="核实属实，暂缓退出", upheld=True, remove=[second])
    case.refresh_from_db()
    # 7, 8 Nov counted; 9–11 Nov paused; 12–16 Nov counted: the notice now ends on Monday 16 Nov.
    assert clock_of(case, D(2020, 11, 12)).notice_ends == D(2020, 11, 16)
    with pytest.raises(StepRefused, match="不能提前"):
        review_decide(case=case, expected_version=case.version, on=D(2020, 11, 16), actor=world.reviewer,
                      approve=True)
    case.refresh_from_db()  # the refused call wrote nothing, its version included
    review_decide(case=case, expected_version=case.version, on=D(2020, 11, 17), actor=world.reviewer, approve=True)
    case.refresh_from_db()
    review_decide(case=case, expected_version=case.version, on=D(2020, 11, 20), actor=world.admin, approve=True)
    case.refresh_from_db()
    announce(cases={case: case.version}, on=D(2020, 11, 25), actor=world.admin)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.exit_year, first.status_since, first.status_via) == (
        "exited", 2020, D(2020, 11, 25), "procedure")
    assert second.status == "not_exited"
    case.refresh_from_db()
    assert case.state == "decided" and case.decided_on == D(2020, 11, 25)
    assert [s.action for s in Step.objects.filter(case=case).order_by("seq")] == [
        "open", "done", "done", "posted", "objection", "resolved", "done", "approved", "approved", "announced"]
    assert verify_chain().ok


def test_a_step_cannot_be_skipped(world: World) -> None:
    case = case_open(kind="household_exit", year=2020, households=world.households[:1], on=D(2020, 11, 2),
                     actor=world.cadre)
    with pytest.raises(StepRefused, match="不能跳过"):
        review_decide(case=case, expected_version=case.version, on=D(2020, 11, 3), actor=world.reviewer,
                      approve=True)
    with pytest.raises(StepRefused, match="不能跳过"):
        notice_post(case=case, expected_version=case.version, on=D(2020, 11, 3), actor=world.cadre)


def test_a_role_that_may_not_act_is_refused(world: World) -> None:
    case = case_open(kind="household_exit", year=2020, households=world.households[:1], on=D(2020, 11, 2),
                     actor=world.cadre)
    with pytest.raises(StepRefused, match="村干部"):
        step_record(case=case, expected_version=case.version, on=D(2020, 11, 3), actor=world.reviewer,
                    outcome="x", attachments=[minutes()])
    with pytest.raises(StepRefused):
        case_open(kind="household_exit", year=2020, households=world.households[1:2], on=D(2020, 11, 2),
                  actor=world.reviewer)


def test_a_case_outside_the_actors_region_is_not_found(world: World) -> None:
    case = case_open(kind="household_exit", year=2020, households=world.households[:1], on=D(2020, 11, 2),
                     actor=world.cadre)
    with pytest.raises(NotFound):
        step_record(case=case, expected_version=case.version, on=D(2020, 11, 3), actor=world.other_cadre,
                    outcome="x", attachments=[minutes()])
    with pytest.raises(ValidationFailed, match="不在您的辖区"):
        case_open(kind="household_exit", year=2020, households=[world.theirs], on=D(2020, 11, 2), actor=world.cadre)


def test_of_two_reviewers_acting_on_one_version_only_the_first_is_written(world: World) -> None:
    case = _to_notice(world)
    notice_post(case=case, expected_version=case.version, on=D(2020, 11, 6), actor=world.cadre)
    case.refresh_from_db()
    seen = case.version
    review_decide(case=case, expected_version=seen, on=D(2020, 11, 16), actor=world.reviewer, approve=True)
    with pytest.raises(CaseConflict, match="reviewer"):
        review_decide(case=Case.objects.get(pk=case.pk), expected_version=seen, on=D(2020, 11, 16),
                      actor=world.reviewer, approve=False, reason="材料不全")
    assert Step.objects.filter(case=case, action="sent_back").count() == 0


def test_a_required_attachment_and_a_reason_to_send_back_are_required(world: World) -> None:
    case = case_open(kind="household_exit", year=2020, households=world.households[:1], on=D(2020, 11, 2),
                     actor=world.cadre)
    with pytest.raises(ValidationFailed, match="会议记录"):
        step_record(case=case, expected_version=case.version, on=D(2020, 11, 3), actor=world.cadre, outcome="同意")
    assert Case.objects.get(pk=case.pk).version == case.version  # nothing written
    case = _to_notice(world, world.households[1:2])
    notice_post(case=case, expected_version=case.version, on=D(2020, 11, 6), actor=world.cadre)
    case.refresh_from_db()
    with pytest.raises(ValidationFailed, match="理由"):
        review_decide(case=case, expected_version=case.version, on=D(2020, 11, 16), actor=world.reviewer,
                      approve=False)
    case.refresh_from_db()
    review_decide(case=case, expected_version=case.version, on=D(2020, 11, 16), actor=world.reviewer,
                  approve=False, reason="收入材料不全")
    case.refresh_from_db()
    assert case.step == "verification"


def test_a_household_on_an_open_case_cannot_be_on_a_second_one(world: World) -> None:
    case_open(kind="household_exit", year=2020, households=world.households[:1], on=D(2020, 11, 2), actor=world.cadre)
    with pytest.raises(ValidationFailed, match="已在办理中"):
        case_open(kind="household_exit", year=2020, households=world.households[:2], on=D(2020, 11, 2),
                  actor=world.cadre)


def test_the_exit_status_cannot_be_set_by_the_edit_service(world: World) -> None:
    h = world.households[0]
    with pytest.raises(ValidationFailed, match="程序"):
        household_update(household=h, data={"status": "exited", "exit_year": "2020"}, expected_version=h.version,
                         by="cadre")
    household_update(household=h, data={"group_name": "前屯"}, expected_version=h.version, by="cadre")
