"""The pairing form's cadre picker is searched on the server, by name, unit or phone: the page never
holds a county's thousands of cadres, and needs no script library."""

from __future__ import annotations

import re

import pytest

from liangfang.registry.models import Cadre, CadrePairing
from liangfang.web.selectors.households import CADRE_PICKS

pytestmark = pytest.mark.django_db


def _offered(html: str) -> dict[str, str]:
    select = re.search(r'<select name="cadre".*?</select>', html, re.S)
    assert select, html
    return dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select.group(0)))


@pytest.fixture
def many_cadres(world) -> list[Cadre]:  # type: ignore[no-untyped-def]
    return Cadre.objects.bulk_create([
        Cadre(name=f"干部{i:03d}", unit_name="区水利局" if i % 2 else "区交通局", unit_level="county",
              phone=f"1390000{i:04d}") for i in range(CADRE_PICKS * 3)])


def test_without_a_search_only_the_villages_cadres_are_offered(world, login, many_cadres) -> None:
    html = login("admin").get(f"/households/{world.mine.number}/cadre/").content.decode()
    assert set(_offered(html)) == {str(world.cadre.pk)}
    assert 'name="cadre_q"' in html and "<script src=\"http" not in html


@pytest.mark.parametrize("typed, expected", [
    ("干部00", 10), ("水利", CADRE_PICKS * 3 // 2), ("１３９００００００１２", 1), ("区财政", 1)])
def test_a_search_by_name_unit_or_phone(world, login, many_cadres, typed: str, expected: int) -> None:
    html = login("admin").get(f"/households/{world.mine.number}/cadre/", {"cadre_q": typed}).content.decode()
    offered = _offered(html)
    assert len(offered) == min(expected, CADRE_PICKS)
    assert f"共 {expected} 人符合" in html


def test_a_cadre_found_by_search_is_saved(world, login, many_cadres) -> None:
    c = login("admin")
    url = f"/households/{world.mine.number}/cadre/"
    page = c.get(url, {"cadre_q": "13900000123"}).content.decode()
    (pk, label), = _offered(page).items()
    assert label.startswith("干部123")
    form = c.get(url, {"cadre_q": "13900000123"}).context["form"]
    data = {name: "" if form[name].value() is None else str(form[name].value()) for name in form.fields}
    data.update({form.add_initial_prefix(n): data[n] for n, f in form.fields.items() if f.show_hidden_initial})
    r = c.post(url, {**data, "cadre": pk, "start_date": "2021-01-01", "cadre_q": "13900000123"})
    assert r.status_code == 302, r.content.decode()
    assert CadrePairing.objects.get(household=world.mine, end_date=None).cadre_id == int(pk)
