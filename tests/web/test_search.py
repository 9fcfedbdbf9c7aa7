"""The household list's search as people type it: part of a resident ID (its first digits, or its last
4–6 within the user's region), full-width digits from a Chinese input method, a name matched
anywhere; the filters in force shown, with a way to search every household; why each one fails."""

from __future__ import annotations

import re

import pytest

from liangfang.registry.household_search import normalise, query_kind
from liangfang.registry.models import Household, Member
from tests.factories import VILLAGE

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _numbers(client, **params: str) -> set[str]:  # type: ignore[no-untyped-def]
    html = client.get("/households/", params).content.decode()
    return set(re.findall(r'<tr><td><a href="/households/(\d+)/">', html))


def test_how_search_text_is_read() -> None:
    assert query_kind(normalise("２２０８０２１９６００５０１００１Ｘ")) == "resident_id"
    assert normalise(" 220802196005010011x ") == "220802196005010011X"
    assert query_kind("0011") == "id_tail" and query_kind("00112X") == "id_tail"
    assert query_kind("2208021960") == "digits" and query_kind("测试") == "name"


def test_a_resident_id_whole_its_first_digits_or_its_last_four_to_six(world, login) -> None:
    c = login("admin")
    head = Member.objects.get(household=world.mine, relation="head")
    rid = head.resident_id
    assert world.mine.number in _numbers(c, q=rid)
    assert world.mine.number in _numbers(c, q=rid.lower())
    for tail in (rid[-4:], rid[-5:], rid[-6:]):
        found = _numbers(c, q=tail)
        assert world.mine.number in found, tail
        holders = set(Member.objects.filter(resident_id__endswith=tail).values_list("household__number", flat=True))
        assert found == holders  # nothing else: the tail is matched at the end of an ID only
    prefix = rid[:14]
    assert world.mine.number in _numbers(c, q=prefix)


def test_the_last_digits_find_only_households_in_the_users_region(world, login) -> None:
    theirs = Member.objects.get(household=world.theirs, relation="head").resident_id
    assert world.theirs.number in _numbers(login("admin"), q=theirs[-6:])
    assert world.theirs.number not in _numbers(login("cadre"), q=theirs[-6:])


def test_full_width_digits_typed_with_a_chinese_input_method(world, login) -> None:
    c = login("admin")
    rid = Member.objects.get(household=world.mine, relation="head").resident_id
    assert world.mine.number in _numbers(c, q=rid.translate(FULL_WIDTH))
    assert world.mine.number in _numbers(c, q=rid[-4:].translate(FULL_WIDTH))
    assert world.mine.number in _numbers(c, q=world.mine.number.translate(FULL_WIDTH))


def test_a_village_cadre_finds_a_household_by_its_number_or_first_digits(world, login) -> None:
    """The village's list runs as kept SQL; a number's prefix range must not be kept with the
    first search's bounds (it found nothing)."""
    c = login("cadre")
    assert _numbers(c, q=world.mine.number) == {world.mine.number}
    assert world.mine.number in _numbers(c, q=world.mine.number[:14])
    assert _numbers(c, q=world.theirs.number) == set()


def test_a_name_matches_anywhere_in_it(world, login) -> None:
    c = login("admin")
    spouse = Member.objects.get(household=world.mine, relation="spouse")
    middle = spouse.name[1:]  # 测试12 → 试12
    found = _numbers(c, q=middle)
    assert world.mine.number in found
    assert found == set(Member.objects.filter(name__contains=middle, is_active=True)
                        .values_list("household__number", flat=True))


def test_the_filters_in_force_are_shown_with_a_search_of_every_household(world, login) -> None:
    c = login("admin")
    head = Member.objects.get(household=world.mine, relation="head")
    html = c.get("/households/", {"status": "exited", "q": head.name}).content.decode()
    shown = html.split('class="active-filters"')[1].split("</p>")[0]
    assert "当前筛选条件" in shown and f"查询: {head.name}" in shown
    assert world.mine.number not in set(re.findall(r'<tr><td><a href="/households/(\d+)/">', html))
    link = re.search(r'<a class="search-all" href="\?([^"]+)">在全部农户中查询</a>', shown)
    assert link, shown
    everywhere = c.get("/households/?" + link.group(1).replace("&amp;", "&")).content.decode()
    assert world.mine.number in re.findall(r'<tr><td><a href="/households/(\d+)/">', everywhere)
    chips = re.findall(r'<a class="chip" href="\?([^"]*)"', shown)
    assert len(chips) == 2  # the search and the status, each removable
    assert 'class="active-filters"' not in c.get("/households/").content.decode()


def test_the_menus_registered_households_say_so(world, login) -> None:
    html = login("cadre").get("/households/?status=registered").content.decode()
    shown = html.split('class="active-filters"')[1].split("</p>")[0]
    assert "状态: 建档立卡户（全部）" in shown


def test_a_column_says_which_indicators_each_household_fails(world, login) -> None:
    from django.core.cache import cache
    from typer.testing import CliRunner

    from liangfang.assessments.models import IndicatorResult
    from liangfang.cli import app
    from liangfang.registry.services.households import household_create
    from tests.factories import household_data, member_data

    no_income = household_create(village=world.regions[VILLAGE], data=household_data(), members=[member_data()],
                                 by="t")  # no 2020 income: its income indicator fails for want of data
    assert CliRunner().invoke(app, ["assess", "--year", "2020"]).exit_code == 0
    cache.clear()
    html = login("admin").get("/households/").content.decode()
    assert "<th>未达标指标</th>" in html
    cells = dict(re.findall(r'<tr><td><a href="/households/(\d+)/">.*?<td class="failing">(.*?)</td></tr>', html,
                            re.S))
    for number, cell in cells.items():
        failing = IndicatorResult.objects.filter(level="household", status__in=("fail", "no_data"),
                                                 subject_id=Household.objects.get(number=number).pk).count()
        assert (len(cell.split("、")) if cell else 0) == failing, number
    assert cells[no_income.number]


def test_a_role_shown_masked_ids_finds_people_by_the_four_characters_it_sees_only(world, login) -> None:
    rid = Member.objects.get(household=world.mine, relation="head").resident_id
    for persona in ("reviewer", "inspector"):
        c = login(persona)
        assert world.mine.number in _numbers(c, q=rid[-4:]), persona
        for hidden in (rid[-5:], rid[-6:], rid[:10], rid[:14]):  # would confirm digits the mask hides
            assert world.mine.number not in _numbers(c, q=hidden), (persona, hidden)


def test_a_role_shown_no_ids_cannot_search_by_their_digits_at_all(world) -> None:
    from dataclasses import replace

    from liangfang.accounts.roles import ROLES
    from liangfang.web.permissions import Viewer
    from liangfang.web.selectors.households import ListFilters, filtered_households

    rid = Member.objects.get(household=world.mine, relation="head").resident_id
    blind = Viewer("blind", world.regions[VILLAGE], replace(ROLES["inspector"], resident_id="hidden"))
    seeing = Viewer("seeing", world.regions[VILLAGE], ROLES["village_cadre"])
    for typed in (rid, rid[-4:], rid[-6:], rid[:14]):
        assert world.mine in filtered_households(seeing, ListFilters(q=typed)), typed
        assert world.mine not in filtered_households(blind, ListFilters(q=typed)), typed
    # digits still find household numbers
    assert world.mine in filtered_households(blind, ListFilters(q=world.mine.number))


def test_the_list_shows_and_filters_by_monitoring_object_category(world, login) -> None:
    import datetime as dt

    from liangfang.monitoring.services.objects import object_admit

    object_admit(household=world.mine, on=dt.date(2022, 3, 1), category="unstable", risk_types=["illness"],
                 case_ref="t", by="t")
    object_admit(household=world.theirs, on=dt.date(2022, 3, 1), category="sudden_hardship",
                 risk_types=["accident"], case_ref="t", by="t")
    c = login("admin")
    html = c.get("/households/").content.decode()
    assert "<th>监测对象类型</th>" in html
    cells = dict(re.findall(r'<tr><td><a href="/households/(\d+)/">.*?<td class="monitoring">(.*?)</td></tr>', html,
                            re.S))
    assert cells[world.mine.number] == "脱贫不稳定户" and cells[world.theirs.number] == "突发严重困难户"
    assert cells[world.mine_exited.number] == ""
    assert _numbers(c, monitoring="unstable") == {world.mine.number}
    assert _numbers(c, monitoring="any") == {world.mine.number, world.theirs.number}
    assert _numbers(c, monitoring="edge") == set()
    assert _numbers(login("cadre"), monitoring="any") == {world.mine.number}  # within the user's region
    chips = c.get("/households/", {"monitoring": "unstable"}).content.decode().split('class="active-filters"')[1]
    assert "脱贫不稳定户" in chips.split("</p>")[0]
    assert c.get("/households/", {"monitoring": "rich"}).status_code == 400
