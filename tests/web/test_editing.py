"""Edit forms call the registry services: a bad value is shown next to its field and nothing is
written; a save over someone else's newer save is refused, showing what changed and keeping the
user's input."""

from __future__ import annotations

import datetime as dt

import pytest

from liangfang.registry.models import ChangeRecord, Household, IncomeRecord, Member
from liangfang.registry.services.households import household_update

pytestmark = pytest.mark.django_db


def _form(client, url: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The values a browser would submit for the form at ``url``."""
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        data[name] = "" if value is None else str(value)
        if field.show_hidden_initial:
            data[form.add_initial_prefix(name)] = data[name]
    return data


def test_member_edit_shows_the_problem_next_to_the_field_and_writes_nothing(world, login) -> None:
    c = login("cadre")
    spouse = Member.objects.get(household=world.mine, relation="spouse")
    url = f"/households/{world.mine.number}/members/{spouse.pk}/edit/"
    data = _form(c, url)
    before = ChangeRecord.objects.count()
    r = c.post(url, {**data, "months_worked": "13"})
    assert r.status_code == 400
    errors = r.context["form"].errors
    assert "务工时间（月）" in errors["months_worked"][0] and "12" in errors["months_worked"][0]
    r = c.post(url, {**data, "birth_date": "1990-01-01"})
    assert "不一致" in r.context["form"].errors["birth_date"][0]
    assert ChangeRecord.objects.count() == before
    assert Member.objects.get(pk=spouse.pk).months_worked == 0
    body = c.post(url, {**data, "months_worked": "13"}).content.decode()
    assert 'data-field="months_worked"' in body and 'value="13"' in body  # the input is kept


def test_member_edit_saves_a_correct_value(world, login) -> None:
    c = login("cadre")
    spouse = Member.objects.get(household=world.mine, relation="spouse")
    url = f"/households/{world.mine.number}/members/{spouse.pk}/edit/"
    r = c.post(url, {**_form(c, url), "months_worked": "6", "work_status": "county"})
    if r.status_code != 302:
        print(r.context["form"].errors)
    assert r.status_code == 302
    assert Member.objects.get(pk=spouse.pk).months_worked == 6
    assert Household.objects.get(pk=world.mine.pk).version == world.mine.version + 1


def test_english_messages_in_english(world, login) -> None:
    c = login("cadre")
    c.cookies["django_language"] = "en"
    spouse = Member.objects.get(household=world.mine, relation="spouse")
    url = f"/households/{world.mine.number}/members/{spouse.pk}/edit/"
    r = c.post(url, {**_form(c, url), "months_worked": "13"})
    assert r.context["form"].errors["months_worked"] == ["months worked must be at most 12"]


def test_concurrent_edit_is_refused_with_what_changed_and_input_kept(world, login) -> None:
    c = login("cadre")
    url = f"/households/{world.mine.number}/edit/"
    mine = _form(c, url)  # read at the current version
    other = Household.objects.get(pk=world.mine.pk)
    household_update(household=other, data={"group_name": "东屯"}, expected_version=other.version, by="reviewer")
    r = c.post(url, {**mine, "housing_area": "88.5"})
    assert r.status_code == 409
    body = r.content.decode()
    assert "东屯" in body and "reviewer" in body
    assert [line.by for line in r.context["conflict"]["lines"]] == ["reviewer"]  # only what came after
    assert 'value="88.5"' in body
    assert Household.objects.get(pk=world.mine.pk).housing_area is None
    # The form now carries the current version: a deliberate second save goes through.
    again = {k: str(v) for k, v in r.context["form"].data.items()}
    r2 = c.post(url, again)
    assert r2.status_code == 302
    saved = Household.objects.get(pk=world.mine.pk)
    assert str(saved.housing_area) == "88.5" and saved.group_name == "东屯"


def test_household_edit_refuses_inconsistent_causes(world, login) -> None:
    c = login("admin")
    url = f"/households/{world.mine.number}/edit/"
    r = c.post(url, {**_form(c, url), "other_cause_1": "illness"})
    assert r.status_code == 400
    assert "其他致贫原因不能与主要致贫原因相同" in r.context["form"].errors["other_cause_1"][0]


def test_income_year_is_added_and_derived_income_shown(world, login) -> None:
    c = login("cadre")
    url = f"/households/{world.mine.number}/incomes/add/"
    r = c.post(url, {**_form(c, url), "year": "2021", "wage_income": "12000", "business_expense": "300"})
    assert r.status_code == 302
    record = IncomeRecord.objects.get(household=world.mine, year=2021)
    assert record.household_size == 3
    page = c.get(f"/households/{world.mine.number}/").content.decode()
    assert "3,900.00" in page  # (12000 − 300) / 3


def test_member_added_and_removed(world, login) -> None:
    from tests.factories import member_data

    c = login("cadre")
    url = f"/households/{world.mine.number}/members/add/"
    new = member_data("daughter", sex="female")
    r = c.post(url, {**_form(c, url), **{k: str(v) for k, v in new.items()}, "medical_insurance": "true",
                     "joined_on": "2020-03-01", "joined_reason": "married_in"})
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    added = Member.objects.get(resident_id=new["resident_id"])
    assert (added.joined_on, added.joined_reason) == (dt.date(2020, 3, 1), "married_in")
    url = f"/households/{world.mine.number}/members/{added.pk}/remove/"
    r = c.post(url, {**_form(c, url), "reason": "married_out", "on": "2021-05-01"})
    assert r.status_code == 302
    assert Member.objects.get(pk=added.pk).is_active is False


def test_responsible_cadre_changes(world, login) -> None:
    from liangfang.registry.models import Cadre, CadrePairing

    new = Cadre.objects.create(name="李干部", unit_name="区教育局", unit_level="county")
    c = login("admin")
    url = f"/households/{world.mine.number}/cadre/"
    r = c.post(url, {**_form(c, url), "cadre": str(new.pk), "start_date": "2021-01-01"})
    assert r.status_code == 302
    assert CadrePairing.objects.get(household=world.mine, end_date=None).cadre == new
    assert CadrePairing.objects.get(household=world.mine, cadre=world.cadre).end_date == dt.date(2021, 1, 1)


@pytest.mark.parametrize(("language", "shown", "hidden"), [
    ("zh-hans", "有务工时间时应填写务工状况", "months worked needs a work status"),
    ("en", "months worked needs a work status", "有务工时间时应填写务工状况"),
])
def test_a_services_problem_is_shown_in_the_sessions_language_only(world, login, language: str, shown: str,
                                                                    hidden: str) -> None:
    c = login("cadre")
    c.cookies["django_language"] = language
    spouse = Member.objects.get(household=world.mine, relation="spouse")
    url = f"/households/{world.mine.number}/members/{spouse.pk}/edit/"
    r = c.post(url, {**_form(c, url), "months_worked": "6", "work_status": ""})
    assert r.status_code == 400
    body = r.content.decode()
    assert shown in body and hidden not in body
