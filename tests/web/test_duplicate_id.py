"""A resident ID already registered elsewhere: the editor learns only that, never which household,
village or township holds the person; the case goes into the holding household's history, where
those who may see that household find it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from liangfang.accounts.services import user_create
from liangfang.registry.models import ChangeRecord, Member, Region
from liangfang.registry.services.households import household_create
from liangfang.registry.services.regions import regions_write_many
from tests.factories import COUNTY, household_data, member_data
from tests.web.conftest import PASSWORD
from tests.web.test_editing import _form

pytestmark = pytest.mark.django_db

FAR_TOWNSHIP, FAR_VILLAGE = "220802202000", "220802202001"


@pytest.fixture
def far(world):  # type: ignore[no-untyped-def]
    """Another township (德顺乡 → 德胜村) with one household and its village cadre."""
    regions_write_many([
        {"code": FAR_TOWNSHIP, "name": "德顺乡", "level": "township", "parent_code": COUNTY},
        {"code": FAR_VILLAGE, "name": "德胜村", "level": "village", "parent_code": FAR_TOWNSHIP},
    ], by="test")
    village = Region.objects.get(code=FAR_VILLAGE)
    household = household_create(village=village, data=household_data(number=f"{FAR_VILLAGE}0001"),
                                 members=[member_data()], by="setup")
    user_create(username="far_cadre", password=PASSWORD, region_code=FAR_VILLAGE, role="village_cadre", by="setup")
    return household


def _add(client, number: str, resident_id: str):  # type: ignore[no-untyped-def]
    url = f"/households/{number}/members/add/"
    person = member_data("son", born=dt.date(int(resident_id[6:10]), int(resident_id[10:12]), int(resident_id[12:14])),
                         sex="male" if int(resident_id[16]) % 2 else "female")
    person["resident_id"] = resident_id
    return client.post(url, {**_form(client, url), **{k: str(v) for k, v in person.items()}})


def test_an_editor_in_another_township_is_not_told_who_holds_the_person(world, login, far) -> None:
    held = Member.objects.get(household=world.mine, relation="head")
    client = Client()
    client.force_login(User.objects.get(username="far_cadre"))
    r = _add(client, far.number, held.resident_id)
    assert r.status_code == 400
    body = r.content.decode()
    assert "已在另一农户登记" in body
    for secret in (world.mine.number, "新建村", "金祥乡", held.name):
        assert secret not in body, secret
    assert not Member.objects.filter(household=far, resident_id=held.resident_id).exists()


def test_the_case_is_recorded_where_those_who_may_see_it_look(world, login, far) -> None:
    held = Member.objects.get(household=world.mine, relation="head")
    client = Client()
    client.force_login(User.objects.get(username="far_cadre"))
    _add(client, far.number, held.resident_id)
    record = ChangeRecord.objects.get(action="duplicate_resident_id")
    assert record.household_number == world.mine.number and record.changes["attempted_in"] == far.number
    page = login("admin").get(f"/households/{world.mine.number}/").content.decode()
    assert "为另一农户填写了该成员的身份证号码" in page and far.number in page
    assert login("cadre").get(f"/households/{world.mine.number}/").status_code == 200  # the holder's village sees it
    assert client.get(f"/households/{world.mine.number}/").status_code == 404  # the one who tried does not


def test_within_the_same_village_the_message_is_the_same(world, login) -> None:
    held = Member.objects.get(household=world.mine_exited, relation="head")
    r = _add(login("cadre"), world.mine.number, held.resident_id)
    assert r.status_code == 400 and world.mine_exited.number not in r.content.decode()
