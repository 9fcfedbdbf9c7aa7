"""The household list's cadre filter is searched on the server: a county's thousands of cadres never
fill one drop-down. Typed text finds the paired cadres by name or unit (by phone only for roles shown
phones whole), lists the households of any of them, and offers them to choose from; no script needed."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from liangfang.pairing.services import cadre_pairing_set
from liangfang.registry.models import Cadre, Household
from liangfang.web import selectors
from tests.web.test_cadre_picker import _offered

pytestmark = pytest.mark.django_db


def _numbers(client, **params: str) -> set[str]:  # type: ignore[no-untyped-def]
    html = client.get("/households/", params).content.decode()
    return set(re.findall(r'<tr><td><a href="/households/(\d+)/">', html))


@pytest.fixture
def paired(world) -> list[Cadre]:  # type: ignore[no-untyped-def]
    """Two more cadres, paired in 新建村 and 红日村; the world's 王帮扶 (区财政局) is paired in 新建村."""
    out = []
    for household, name, unit, phone in ((world.mine_exited, "李建国", "区水利局", "13900002222"),
                                         (world.theirs, "王建华", "区交通局", "13900003333")):
        cadre = Cadre.objects.create(name=name, unit_name=unit, unit_level="county", phone=phone)
        cadre_pairing_set(household=household, cadre=cadre, start_date=dt.date(2016, 1, 1),
                          expected_version=Household.objects.get(pk=household.pk).version, by="t")
        out.append(cadre)
    return out


def test_a_typed_name_lists_the_households_of_every_cadre_it_finds(world, login, paired) -> None:
    c = login("admin")
    assert _numbers(c, cadre_q="王") == {world.mine.number, world.theirs.number}
    assert _numbers(c, cadre_q="水利") == {world.mine_exited.number}  # by unit
    html = c.get("/households/", {"cadre_q": "王"}).content.decode()
    assert set(_offered(html)) == {str(world.cadre.pk), str(paired[1].pk)}
    assert "2 名干部符合" in html
    chosen = c.get("/households/", {"cadre_q": "王", "cadre": str(paired[1].pk)}).content.decode()
    assert set(re.findall(r'<tr><td><a href="/households/(\d+)/">', chosen)) == {world.theirs.number}
    assert f'<option value="{paired[1].pk}" selected>' in chosen


def test_the_search_stays_within_the_users_region(world, login, paired) -> None:
    c = login("cadre")  # 新建村
    assert _numbers(c, cadre_q="王") == {world.mine.number}
    html = c.get("/households/", {"cadre_q": "建"}).content.decode()
    assert set(_offered(html)) == {str(paired[0].pk)}  # 王建华 is paired in 红日村 only


def test_a_phone_is_searched_only_by_roles_shown_phones_whole(world, login, paired) -> None:
    assert _numbers(login("admin"), cadre_q="13900003333") == {world.theirs.number}
    assert _numbers(login("inspector"), cadre_q="13900003333") == set()  # shown masked: no oracle
    assert "姓名或单位" in login("inspector").get("/households/").content.decode()


def test_a_county_gets_a_search_field_not_a_drop_down_of_every_cadre(world, login, paired, monkeypatch) -> None:
    from django.core.cache import cache

    monkeypatch.setattr(selectors.households, "CADRE_PICKS", 2)  # three cadres are "too many" here
    cache.clear()
    county = login("admin").get("/households/").content.decode()
    assert 'name="cadre_q"' in county and '<select name="cadre"' not in county
    village = login("cadre").get("/households/").content.decode()  # a village's two cadres: offered at once
    assert set(_offered(village)) == {str(world.cadre.pk), str(paired[0].pk)}
    # a cadre chosen earlier (a chip's link) stays offered and chosen
    chosen = login("admin").get("/households/", {"cadre": str(paired[1].pk)}).content.decode()
    assert _offered(chosen) == {str(paired[1].pk): "王建华（区交通局）"}
    assert "负责干部" in chosen or "帮扶责任人" in chosen


def test_the_filter_is_labelled_for_screen_readers(world, login) -> None:
    html = login("admin").get("/households/").content.decode()
    field = re.search(r'<fieldset class="cadre-filter">.*?</fieldset>', html, re.S)
    assert field and "<legend>" in field.group(0)
    assert re.search(r'<label>[^<]+\s*<input type="search" name="cadre_q"[^>]*aria-describedby="cadre-note"',
                     field.group(0))
    assert 'id="cadre-note"' in field.group(0)
