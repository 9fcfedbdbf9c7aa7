"""The other 2014–2020 kinds: identifying a poor household (两公示一公告) and a poor village's exit."""

from __future__ import annotations

import pytest

from liangfang.procedures.errors import ValidationFailed
from liangfang.procedures.services import announce, case_open, notice_post, review_decide, step_record
from liangfang.registry.models import Household, Region
from liangfang.registry.services.households import household_create
from tests.factories import VILLAGE, member_data

from .conftest import D, World, minutes


def test_identification_registers_the_household_on_the_announcements_day(world: World) -> None:
    h = household_create(village=world.regions[VILLAGE], data={
        "number": f"{VILLAGE}8001", "is_registered": False, "status": "general", "poverty_attribute": "general",
        "identification_standard": "national", "main_cause": "disability"}, members=[member_data()], by="setup")
    assert (h.is_registered, h.status, h.status_via) == (False, "general", "")
    case = case_open(kind="household_identification", year=2016, households=[h], on=D(2016, 3, 1), actor=world.cadre)
    case = step_record(case=case, expected_version=case.version, on=D(2016, 3, 2), actor=world.cadre, outcome="申请",
                       attachments=[minutes("a.png", "application")])
    case = step_record(case=case, expected_version=case.version, on=D(2016, 3, 4), actor=world.cadre,
                       outcome="评议通过", attachments=[minutes()])
    notice_post(case=case, expected_version=case.version, on=D(2016, 3, 7), actor=world.cadre)
    case.refresh_from_db()
    case = review_decide(case=case, expected_version=case.version, on=D(2016, 3, 15), actor=world.reviewer,
                         approve=True)
    notice_post(case=case, expected_version=case.version, on=D(2016, 3, 16), actor=world.reviewer)  # second notice
    case.refresh_from_db()
    case = review_decide(case=case, expected_version=case.version, on=D(2016, 3, 24), actor=world.admin, approve=True)
    announce(cases={case: case.version}, on=D(2016, 3, 28), actor=world.admin)
    h = Household.objects.get(pk=h.pk)
    assert (h.is_registered, h.status, h.first_identified_on, h.status_via) == (
        True, "not_exited", D(2016, 3, 28), "procedure")


def test_a_village_exit_is_the_townships_case_and_sets_the_exit_year(world: World) -> None:
    village = world.regions[VILLAGE]
    with pytest.raises(ValidationFailed, match="不是贫困村"):
        case_open(kind="village_exit", year=2019, villages=[Region.objects.get(code="220802201002")],
                  on=D(2019, 10, 8), actor=world.reviewer)
    case = case_open(kind="village_exit", year=2019, villages=[village], on=D(2019, 10, 8), actor=world.reviewer)
    case = step_record(case=case, expected_version=case.version, on=D(2019, 10, 10), actor=world.reviewer,
                       outcome="贫困发生率降至2%以下", attachments=[minutes()])
    notice_post(case=case, expected_version=case.version, on=D(2019, 10, 11), actor=world.reviewer)
    case.refresh_from_db()
    case = review_decide(case=case, expected_version=case.version, on=D(2019, 10, 21), actor=world.admin, approve=True)
    announce(cases={case: case.version}, on=D(2019, 10, 25), actor=world.admin)
    assert Region.objects.get(pk=village.pk).exit_year == 2019
