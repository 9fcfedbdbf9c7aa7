"""The measures page: the same figures as the command, the two curves as inline SVG, the region
check, and bad query values answered with a message."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from liangfang.assessments.services import database_dialect
from liangfang.engine.session import dbapi_session
from liangfang.measures.area import area_report
from liangfang.policy import load_pack
from tests.factories import COUNTY, OTHER_VILLAGE, VILLAGE

pytestmark = pytest.mark.django_db


def test_the_page_shows_every_measure_with_its_curves(world: Any, login: Any) -> None:
    response = login("admin").get(f"/region/{COUNTY}/measures/?year=2020&by=village")
    assert response.status_code == 200
    html = response.content.decode()
    report = area_report(dbapi_session(connection, database_dialect()), load_pack("cn-national"), 2020, COUNTY,
                         by="village")
    gini = report.measures.groups[0].income["gini"]
    assert f"{gini.value:.4f}" in html and f"{gini.se:.4f}" in html  # type: ignore[union-attr]
    assert html.count('<svg class="chart curve"') == 2 and "<polyline" in html
    for words in ("基尼系数", "泰尔指数 T", "阿特金森指数", "M0 = H·A", "新建村", "红日村", "洛伦兹曲线", "贫困距曲线"):
        assert words in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_a_village_cadre_cannot_open_another_village(world: Any, login: Any) -> None:
    assert login("cadre").get(f"/region/{VILLAGE}/measures/").status_code == 200
    assert login("cadre").get(f"/region/{OTHER_VILLAGE}/measures/").status_code == 404
    assert login("cadre").get(f"/region/{COUNTY}/measures/").status_code == 404


@pytest.mark.parametrize(("query", "words"), [("year=abc", "year"), ("year=1999", "year"), ("k=2", "k"),
                                              ("by=planet", "by"), ("line=nan", "line")])
def test_bad_values_get_a_message(world: Any, login: Any, query: str, words: str) -> None:
    response = login("admin").get(f"/region/{COUNTY}/measures/?{query}")
    assert response.status_code == 400
    assert words in response.content.decode()


@pytest.mark.parametrize(("language", "said", "unsaid"), [("en", "year: not a number: 'abc'", "不是数字"),
                                                          ("zh-hans", "year: 不是数字：'abc'", "not a number")])
def test_a_bad_value_is_said_in_the_sessions_language(world: Any, login: Any, language: str, said: str,
                                                      unsaid: str) -> None:
    client = login("admin")
    client.cookies["django_language"] = language
    html = client.get(f"/region/{COUNTY}/measures/?year=abc").content.decode()
    assert said.replace("'", "&#39;") in html and unsaid not in html
