"""Registering a household with its members on the web, through the service an import uses; sex and
birth date come from the resident ID when left blank."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from liangfang.ids import make_resident_id
from liangfang.registry.models import ChangeRecord, Household, Member
from tests.factories import OTHER_VILLAGE, VILLAGE

pytestmark = pytest.mark.django_db


def _post_data(number: str, village: str, members: list[dict[str, str]]) -> dict[str, str]:
    data = {"village": village, "h-number": number, "h-is_registered": "true", "h-status": "not_exited",
            "h-poverty_attribute": "general", "h-identification_standard": "national", "h-main_cause": "illness",
            "h-housing_grade": "B", "h-first_identified_on": "2015-06-01"}
    for i, m in enumerate(members):
        data.update({f"m{i}-{k}": v for k, v in m.items()})
    return data


def test_a_household_with_its_members_is_registered(world, login) -> None:  # type: ignore[no-untyped-def]
    head_id = make_resident_id("220802", dt.date(1970, 3, 4), 901, "female")
    child_id = make_resident_id("220802", dt.date(2009, 9, 9), 902, "male")
    c = login("cadre")
    page = c.get("/households/new/").content.decode()
    assert 'name="m0-resident_id"' in page and 'name="m3-resident_id"' in page
    r = c.post("/households/new/", _post_data("2208022010019901", VILLAGE, [
        {"resident_id": head_id, "name": "张桂兰", "relation": "head", "medical_insurance": "true"},
        {"resident_id": child_id, "name": "张小军", "relation": "son", "medical_insurance": "true"},
        {}, {}]))
    assert r.status_code == 302, r.content.decode()
    h = Household.objects.get(number="2208022010019901")
    people = {m.name: m for m in Member.objects.filter(household=h)}
    assert set(people) == {"张桂兰", "张小军"}
    assert (people["张桂兰"].sex, people["张桂兰"].birth_date) == ("female", dt.date(1970, 3, 4))
    assert (people["张小军"].sex, people["张小军"].birth_date) == ("male", dt.date(2009, 9, 9))
    assert ChangeRecord.objects.filter(entity="household", entity_id=h.pk, action="create", actor="cadre").exists()


def test_problems_are_shown_next_to_the_member_they_concern_and_nothing_is_written(world, login) -> None:  # type: ignore[no-untyped-def]
    head_id = make_resident_id("220802", dt.date(1970, 3, 4), 903, "female")
    r = login("cadre").post("/households/new/", _post_data("2208022010019902", VILLAGE, [
        {"resident_id": head_id, "name": "李四", "relation": "head"},
        {"resident_id": "22080220090909123", "name": "李五", "relation": "son"}]))
    html = r.content.decode()
    assert r.status_code == 400
    block = html.split('name="m1-resident_id"')[1].split("</div>")[0]
    assert "18 位" in html and "17 位" in block
    assert not Household.objects.filter(number="2208022010019902").exists()


def test_only_villages_of_the_users_region_are_offered(world, login) -> None:  # type: ignore[no-untyped-def]
    page = login("cadre").get("/households/new/").content.decode()
    offered = re.findall(r'<option value="(\d{12})"', page.split('name="village"')[1].split("</select>")[0])
    assert offered == [VILLAGE]
    head_id = make_resident_id("220802", dt.date(1970, 3, 4), 904, "male")
    r = login("cadre").post("/households/new/", _post_data("2208022010029903", OTHER_VILLAGE, [
        {"resident_id": head_id, "name": "王五", "relation": "head"}]))
    assert r.status_code == 400 and not Household.objects.filter(number="2208022010029903").exists()
    assert login("inspector").get("/households/new/").status_code == 403


def test_adding_a_member_reads_sex_and_birth_date_from_the_id_and_names_the_head(world, login) -> None:  # type: ignore[no-untyped-def]
    c = login("admin")
    url = f"/households/{world.mine.number}/members/add/"
    page = c.get(url)
    head = Member.objects.get(household=world.mine, relation="head")
    assert head.name in page.content.decode().split("<title>")[1].split("</title>")[0]
    form = page.context["form"]
    data = {n: "" if form[n].value() is None else str(form[n].value()) for n in form.fields}
    rid = make_resident_id("220802", dt.date(2015, 5, 5), 905, "female")
    data.update(resident_id=rid, name="新生儿", relation="daughter", medical_insurance="true", joined_on="2015-05-05")
    data["joined_reason"] = "born"
    r = c.post(url, data)
    assert r.status_code == 302, r.content.decode()
    baby = Member.objects.get(resident_id=rid)
    assert (baby.sex, baby.birth_date) == ("female", dt.date(2015, 5, 5))
    assert (baby.joined_on, baby.joined_reason) == (dt.date(2015, 5, 5), "born")
    early = dict(data, resident_id=make_resident_id("220802", dt.date(2016, 6, 6), 906, "male"), name="早",
                 joined_on="2016-01-01")
    refused = c.post(url, early)
    assert refused.status_code == 400 and "增员日期不能早于出生日期" in refused.content.decode()
