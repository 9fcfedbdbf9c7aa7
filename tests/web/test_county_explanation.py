"""The county explanation page (县级指标说明): which figures, their values with standard errors and
intervals, how each is computed and on which data; only for people whose region holds the county."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from liangfang.assessments.models import AssessmentRun
from liangfang.assessments.services import assessment_run, database_dialect, verification_record
from liangfang.engine.session import dbapi_session
from liangfang.measures.area import area_report
from liangfang.policy import load_pack
from tests.factories import COUNTY, TOWNSHIP, VILLAGE

pytestmark = pytest.mark.django_db
URL = f"/region/{COUNTY}/explanation/"


def _report() -> Any:
    return area_report(dbapi_session(connection, database_dialect()), load_pack("cn-national"), 2020, COUNTY)


def test_it_shows_the_registry_measures_with_their_intervals_and_how(world: Any, login: Any) -> None:
    html = login("admin").get(URL, {"year": 2020}).content.decode()
    whole = _report().measures.groups[0]
    fgt0, gini = whole.income["fgt0"].scaled(100), whole.income["gini"]
    assert f"{fgt0.value:.2f}" in html and f"{fgt0.low:.2f} – {fgt0.high:.2f}" in html
    assert f"{gini.value:.4f}" in html and f"{gini.se:.4f}" in html
    for words in ("县级指标说明", "收入贫困发生率 FGT(0)", "基尼系数", "多维贫困指数 M0", "计算方法", "Clopper–Pearson",
                  "不是官方贫困发生率", "按当前登记数据计算"):
        assert words in html, words
    # nothing assessed and nothing verified yet: it says so rather than showing blanks
    assert "2020 年尚未评估" in html and "尚未记录第三方评估数据" in html


def test_it_names_the_assessment_run_and_says_when_data_changed_after_it(world: Any, login: Any) -> None:
    assessment_run(year=2020, by="setup")
    run = AssessmentRun.objects.filter(year=2020).latest("started_at")
    c = login("admin")
    html = c.get(URL, {"year": 2020}).content.decode()
    assert "结论" in html and run.pack in html and run.pack_version in html
    assert 'data-indicator="' in html  # the county's indicators, each with its sentence
    assert "条变更记录" not in html
    c.post(f"/households/{world.mine.number}/edit/", {"version": world.mine.version, "group_name": "二组"})
    html = c.get(URL, {"year": 2020}).content.decode()
    assert "条变更记录" in html


def test_hand_entered_verification_figures_say_where_they_come_from(world: Any, login: Any) -> None:
    verification_record(county_code=COUNTY, year=2020, by="admin", source="评估报告 2020-17号",
                        wrong_exit_rate=Decimal("0.8"), missed_poor_rate=Decimal("1.1"),
                        public_approval=Decimal("96.5"))
    html = login("admin").get(URL, {"year": 2020}).content.decode()
    assert "手工录入（评估报告 2020-17号）" in html and "没有置信区间" in html
    assert "96.500" in html and "错退率" in html


def test_figures_from_a_sample_show_their_interval_and_whether_it_straddles_the_limit(world: Any,
                                                                                       login: Any) -> None:
    from liangfang.assessments.models import CountyVerification
    from liangfang.assessments.sampling_models import VerificationSample
    from liangfang.registry.models import Region

    county = Region.objects.get(code=COUNTY)
    sample = VerificationSample.objects.create(county=county, year=2020, design="seed: 1\n", seed=1,
                                               frame_households=10, drawn_by="test")
    CountyVerification.objects.create(  # as sample_estimate records them (tests/assessments/test_sampling_flow.py)
        county=county, year=2020, sample=sample, recorded_by="admin", wrong_exit_rate=Decimal("1.500"),
        wrong_exit_se=Decimal("0.600"), wrong_exit_low=Decimal("0.700"), wrong_exit_high=Decimal("3.100"))
    html = login("admin").get(URL, {"year": 2020}).content.decode()
    assert f"由样本 {sample.pk} 估计" in html
    assert "1.500" in html and "0.600" in html and "0.700 – 3.100" in html
    assert "区间跨过上限 2%" in html  # 2% lies inside 0.7–3.1: the sample cannot tell


def test_it_is_in_english_from_the_catalogue(world: Any, login: Any) -> None:
    c = login("admin")
    c.post("/i18n/setlang/", {"language": "en", "next": URL})
    html = c.get(URL, {"year": 2020}).content.decode()
    assert "How the county&#x27;s figures are computed" in html or "How the county's figures are computed" in html
    assert "Income headcount ratio FGT(0)" in html and "Gini coefficient" in html
    assert "县级指标说明" not in html and "计算方法" not in html


@pytest.mark.parametrize(("persona", "code", "status"), [
    ("admin", COUNTY, 200), ("inspector", COUNTY, 200), ("reviewer", COUNTY, 404), ("cadre", COUNTY, 404),
    ("admin", TOWNSHIP, 404), ("admin", VILLAGE, 404), ("admin", "999999999999", 404), ("nobody", COUNTY, 403),
])
def test_only_people_whose_region_holds_the_county_see_it(world: Any, login: Any, persona: str, code: str,
                                                          status: int) -> None:
    assert login(persona).get(f"/region/{code}/explanation/").status_code == status


def test_anonymous_is_sent_to_log_in(world: Any) -> None:
    r = Client().get(URL)
    assert r.status_code == 302 and r["Location"].startswith("/login/")


@pytest.mark.parametrize("year", ["abc", "1999", "2020'"])
def test_a_bad_year_gets_a_message(world: Any, login: Any, year: str) -> None:
    r = login("admin").get(URL, {"year": year})
    assert r.status_code == 400 and "年度须为" in r.content.decode()


def test_the_county_dashboard_links_to_it(world: Any, login: Any) -> None:
    assert URL in login("admin").get(f"/region/{COUNTY}/").content.decode()
