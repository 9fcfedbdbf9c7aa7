"""Every query parameter a page reads is parsed in one place (web/params.py): a value it cannot
use is a 400 naming the parameter and what is accepted, never a 500 (issue 13: ``?cadre=`` with 25
digits answered 500)."""

from __future__ import annotations

import pytest

from tests.factories import COUNTY

pytestmark = pytest.mark.django_db
DIGITS_25 = "9" * 25


@pytest.mark.parametrize(("query", "name"), [
    (f"cadre={DIGITS_25}", "cadre"), ("cadre=abc", "cadre"), ("cadre=-1", "cadre"), ("cadre=０", "cadre"),
    ("sort=password", "sort"), ("status=nope", "status"), ("cause=<script>", "cause"), ("grade=Z", "grade"),
    ("gap=everything", "gap"), (f"page={DIGITS_25}", "page"), ("page=x", "page"), ("q=" + "x" * 500, "q"),
    ("region=" + "1" * 40, "region"), ("q=a%00b", "q"),
])
def test_the_household_list_refuses_a_bad_parameter_with_400(world, login, query: str, name: str) -> None:
    urls = [f"/households/?{query}"] + ([] if name == "page" else [f"/households/export.xlsx?{query}"])
    for url in urls:
        r = login("admin").get(url)
        assert r.status_code == 400, (url, r.status_code)
        page = r.content.decode()
        assert f"查询参数 {name}=" in page and "无效" in page


def test_the_message_is_in_the_chosen_language(world, login) -> None:
    c = login("admin")
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = c.get(f"/households/?cadre={DIGITS_25}").content.decode()
    assert "query parameter cadre=" in page and "use a whole number from 1" in page and "查询参数" not in page


def test_good_parameters_still_work(world, login) -> None:
    c = login("admin")
    for query in ("", "cadre=1", "sort=-people", "status=registered", "cause=illness", "page=2", "gap=medical"):
        assert c.get(f"/households/?{query}").status_code == 200, query


def test_the_area_plan_run_parameter(world, login) -> None:
    c = login("admin")
    assert c.get(f"/region/{COUNTY}/plans/?run={DIGITS_25}").status_code == 400
    assert c.get(f"/region/{COUNTY}/plans/?run=12345").status_code == 404  # a run that is not there
