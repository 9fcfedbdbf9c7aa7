"""Dynamic monitoring in a real browser (Playwright driving Debian's chromium): a village cadre on a
phone (390 px) finds the household from the monitoring page and records its own application with
the signed consent through the web form (refused first without the scan, the error beside the
field); the cadre sees the lead with its deadlines on the monitoring page and opens the
identification case, records the home check (signed consent),
the data comparison and the community review, posts the notice; the township reviews, the county
approves and announces; the household is a monitoring object with a plan; its measure is
delivered; six months on the risk-elimination procedure runs to its announcement, and the
household page shows the whole history."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from PIL import Image

from liangfang.monitoring.models import Lead, MonitoringObject
from liangfang.monitoring.packs import monitoring_pack_name
from liangfang.monitoring.services.months import months_set
from liangfang.plans.models import Plan
from liangfang.plans.services.delivery import delivery_record
from liangfang.procedures.models import Case
from liangfang.registry.models import Household
from tests.factories import VILLAGE
from tests.monitoring.conftest import months_of
from tests.web.test_browser import CHROMIUM, browser, logged_in, open_as, shot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists() and os.environ.get("CI") != "true",
                       reason="Debian chromium is not installed (scripts/setup.sh installs it)"),
]
D = dt.date


@pytest.fixture
def scans(tmp_path, settings) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    out = {}
    for name in ("minutes", "consent"):
        buf = io.BytesIO()
        Image.new("RGB", (40, 20), "white").save(buf, "PNG")
        out[name] = tmp_path / f"{name}.png"
        out[name].write_bytes(buf.getvalue())
    return out


def _records(page, steps, scans) -> None:  # type: ignore[no-untyped-def]
    for on, outcome, kind in steps:
        act = page.locator("section.act")
        act.locator("#id_on").fill(on)
        act.locator("#id_people").fill("村两委、驻村工作队")
        act.locator("#id_outcome").fill(outcome)
        if kind:
            act.locator("#id_kind").select_option(kind)
            act.locator("#id_file").set_input_files(str(scans[kind]))
        with page.expect_navigation():
            act.locator("button[type=submit]").click()


def _open(page, kind: str, year: str, on: str, number: str) -> Case:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.click("nav.main >> text=程序")
    with page.expect_navigation():
        page.click("text=立案")
    page.select_option("#id_kind", f"{monitoring_pack_name()}|{kind}")
    page.fill("#id_year", year)
    page.fill("#id_on", on)
    page.check(f'input[name=subject][value="{number}"]')
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    return Case.objects.filter(kind=kind).get()


def _through_county(open_as, live_server, case: Case, cadre, notice_on: str, township_on: str,  # type: ignore[no-untyped-def]  # noqa: F811
                    county_on: str, announce_on: str) -> None:
    cadre.fill("#post-on", notice_on)
    with cadre.expect_navigation():
        cadre.click("section.act button[type=submit]")
    reviewer = open_as("reviewer")
    reviewer.goto(f"{live_server.url}/procedures/{case.pk}/")
    act = reviewer.locator("section.act")
    act.locator("#id_on").fill(township_on)
    act.locator("#id_decision").select_option("approve")
    with reviewer.expect_navigation():
        act.locator("button[type=submit]").click()
    assert "县级审定" in reviewer.locator(".next-step").inner_text()
    admin = open_as("admin")
    admin.goto(f"{live_server.url}/procedures/{case.pk}/")
    act = admin.locator("section.act")
    act.locator("#id_on").fill(county_on)
    with admin.expect_navigation():
        act.locator("button[type=submit]").click()
    with admin.expect_navigation():
        admin.click("text=在县级公告中发布")
    admin.fill("#id_on", announce_on)
    with admin.expect_navigation():
        admin.click("button[type=submit].primary")
    assert "/procedures/notices/" in admin.url


def _fits(page, width: int) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for field in page.locator("form.edit input, form.edit textarea, form.edit button").all():
        box = field.bounding_box()
        assert box is None or box["x"] + box["width"] <= width, field.get_attribute("name")


def _apply_on_a_phone(browser, live_server, home: Household, scans: dict[str, Path]) -> Lead:  # type: ignore[no-untyped-def]  # noqa: F811
    """The village cadre, on a 390 px phone, finds the household and records its application."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    try:
        phone = logged_in(context, live_server.url, "cadre")
        phone.goto(f"{live_server.url}/region/{VILLAGE}/monitoring/")
        _fits(phone, 390)
        phone.fill("#apply-q", home.number)
        with phone.expect_navigation():
            phone.click("form.picker button[type=submit]")
        _fits(phone, 390)
        with phone.expect_navigation():
            phone.click(f"ul.pick-list a[href='/households/{home.number}/monitoring/apply/']")
        assert "登记农户自主申报" in phone.locator("h1").inner_text()
        _fits(phone, 390)
        form = phone.locator("form.edit")
        form.locator("#id_found_on").fill("2023-06-05")
        form.locator("#id_consent_on").fill("2023-06-05")
        form.locator("input[name=risk_types][value=unstable_work]").check()
        form.locator("#id_statement").fill("务工收入中断，近12个月收入低于监测线")
        with phone.expect_navigation():  # no scan yet: refused, said beside the file field
            form.locator("button[type=submit]").click()
        assert "须附签署的授权承诺书" in phone.locator("#consent_file-error").inner_text()
        assert phone.locator("#id_statement").input_value() == "务工收入中断，近12个月收入低于监测线"
        _fits(phone, 390)
        shot(phone, "monitoring-application-phone")
        phone.locator("#id_consent_file").set_input_files(str(scans["consent"]))
        with phone.expect_navigation():
            phone.locator("form.edit button[type=submit]").click()
        assert phone.url.endswith(f"/households/{home.number}/#monitoring")
        assert "申请已登记" in phone.locator("body").inner_text()
        assert "授权承诺书" in phone.locator("section#monitoring").inner_text()
    finally:
        context.close()
    lead = Lead.objects.get(household=home)
    assert (lead.channel, lead.risk_types, lead.consent_name) == ("self_application", ["unstable_work"], "consent.png")
    return lead


def test_an_application_to_an_object_to_its_risk_eliminated(browser, open_as, live_server, world, scans) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    home = world.mine
    Household.objects.filter(pk=home.pk).update(water_quality="safe", water_days_without=0)
    months_set(household=home, months=months_of(202201, 202212, wage_income="500")
               + months_of(202301, 202305, wage_income="3000"), by="test")
    lead = _apply_on_a_phone(browser, live_server, home, scans)

    cadre = open_as("cadre")
    cadre.goto(f"{live_server.url}/region/{VILLAGE}/monitoring/?month=2023-06")
    assert home.number in cadre.locator("body").inner_text()
    shot(cadre, "monitoring-lead")
    case = _open(cadre, "monitoring_identification", "2023", "2023-06-05", home.number)
    assert cadre.url.endswith(f"/procedures/{case.pk}/")
    _records(cadre, [("2023-06-07", "入户核查属实，户主签授权承诺书", "consent"),
                     ("2023-06-08", "信息比对：无车无房、无财政供养人员", ""),
                     ("2023-06-09", "民主评议同意纳入", "minutes")], scans)
    assert "村内公示" in cadre.locator(".next-step").inner_text()
    _through_county(open_as, live_server, case, cadre, "2023-06-12", "2023-06-20", "2023-06-21", "2023-06-26")

    obj = MonitoringObject.objects.get(household=home)
    assert (obj.entered_on, obj.lead_id, Lead.objects.get(pk=lead.pk).status) == (D(2023, 6, 26), lead.pk, "admitted")
    measure = Plan.objects.get(household=home, status="accepted").measures.get()
    delivery_record(measure=measure, date=D(2023, 7, 10), proof_note="验收单 2023-17", by="cadre")
    months_set(household=home, months=months_of(202306, 202402, wage_income="3000"), by="test")

    later = _open(cadre, "risk_elimination", "2024", "2024-03-04", home.number)
    _records(cadre, [("2024-03-05", "入户核实：务工收入稳定", ""), ("2024-03-06", "民主评议同意消除风险", "minutes")],
             scans)
    _through_county(open_as, live_server, later, cadre, "2024-03-07", "2024-03-14", "2024-03-15", "2024-03-18")
    obj.refresh_from_db()
    home.refresh_from_db()
    assert (obj.eliminated_on, home.monitoring) == (D(2024, 3, 18), "none")

    cadre.goto(f"{live_server.url}/households/{home.number}/")
    history = cadre.locator("section#monitoring").inner_text()
    for text in ["2023-06-26", "2024-03-18", "2023-07-10", "农户自主申报", "入户核查（签授权承诺书） 2023-06-07",
                 "风险消除公告 2024-03-18"]:
        assert text in history, text
    shot(cadre, "monitoring-history")
