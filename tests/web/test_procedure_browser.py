"""An exit procedure in a real browser (Playwright driving Debian's chromium): a village cadre opens
the case, records the community review and the consent with scanned files, posts the notice; an
objection arrives and is re-checked; the township reviews, the county approves and announces; the
household is exited with the announcement's date and the notice PDF carries no resident ID."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from PIL import Image

from liangfang.procedures.models import Case
from liangfang.registry.models import Household, Member, Region
from tests.factories import TOWNSHIP
from tests.procedures.pdftext import assert_free_of
from tests.web.test_browser import CHROMIUM, browser, open_as, shot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists() and os.environ.get("CI") != "true",
                       reason="Debian chromium is not installed (scripts/setup.sh installs it)"),
]


@pytest.fixture
def scans(tmp_path, settings) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    Region.objects.filter(code=TOWNSHIP).update(office_phone="0436-7654321")
    out = {}
    for name in ("minutes", "consent"):
        buf = io.BytesIO()
        Image.new("RGB", (40, 20), "white").save(buf, "PNG")
        out[name] = tmp_path / f"{name}.png"
        out[name].write_bytes(buf.getvalue())
    return out


def _case_page(page, live_server, case: Case) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/procedures/{case.pk}/")


def test_a_household_exit_from_the_village_to_the_county_announcement(
        open_as, live_server, world, scans) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    cadre = open_as("cadre")
    with cadre.expect_navigation():
        cadre.click("nav.main >> text=程序")
    with cadre.expect_navigation():
        cadre.click("text=立案")
    cadre.select_option("#id_kind", "cn-national|household_exit")
    cadre.fill("#id_year", "2020")
    cadre.fill("#id_on", "2020-11-02")
    cadre.check(f'input[name=subject][value="{world.mine.number}"]')
    with cadre.expect_navigation():
        cadre.click("button[type=submit].primary")
    case = Case.objects.get()
    assert cadre.url.endswith(f"/procedures/{case.pk}/")
    assert "民主评议" in cadre.locator(".next-step").inner_text()

    for on, outcome, kind in (("2020-11-04", "村两委、驻村工作队评议，同意退出", "minutes"),
                              ("2020-11-05", "户主签字认可", "consent")):
        act = cadre.locator("section.act")
        act.locator("#id_on").fill(on)
        act.locator("#id_people").fill("村两委 5 人、驻村工作队 2 人")
        act.locator("#id_outcome").fill(outcome)
        act.locator("#id_kind").select_option(kind)
        act.locator("#id_file").set_input_files(str(scans[kind]))
        with cadre.expect_navigation():
            act.locator("button[type=submit]").click()
    assert "村内公示" in cadre.locator(".next-step").inner_text()
    cadre.fill("#post-on", "2020-11-06")
    with cadre.expect_navigation():
        cadre.click("section.act button[type=submit]")
    assert "2020-11-13" in cadre.locator(".notice-period").inner_text()
    shot(cadre, "procedure-notice-posted")

    objection = cadre.locator("section.objection")
    objection.locator("#id_on").fill("2020-11-09")
    objection.locator("#id_raised_by").fill("村民李某")
    objection.locator("#id_content").fill("该户收入不实")
    with cadre.expect_navigation():
        objection.locator("button[type=submit]").click()
    assert "计时暂停" in cadre.locator(".due").inner_text()
    resolve = cadre.locator("section.resolve")
    resolve.locator("#id_on").fill("2020-11-10")
    resolve.locator("#id_outcome").fill("入户核实，收入属实，异议不成立")
    with cadre.expect_navigation():
        resolve.locator("button[type=submit]").click()
    assert "2020-11-16" in cadre.locator(".notice-period").inner_text()  # two paused days: ends Monday 16th
    shot(cadre, "procedure-objection-resolved")

    reviewer = open_as("reviewer")
    with reviewer.expect_navigation():
        reviewer.click("nav.main >> text=程序")
    with reviewer.expect_navigation():
        reviewer.click(f'a[href="/procedures/{case.pk}/"]')
    act = reviewer.locator("section.act")
    act.locator("#id_on").fill("2020-11-17")
    act.locator("#id_decision").select_option("approve")
    with reviewer.expect_navigation():
        act.locator("button[type=submit]").click()
    assert "县级审定" in reviewer.locator(".next-step").inner_text()

    admin = open_as("admin")
    _case_page(admin, live_server, case)
    act = admin.locator("section.act")
    act.locator("#id_on").fill("2020-11-19")
    with admin.expect_navigation():
        act.locator("button[type=submit]").click()
    with admin.expect_navigation():
        admin.click("text=在县级公告中发布")
    admin.fill("#id_on", "2020-11-25")
    with admin.expect_navigation():
        admin.click("button[type=submit].primary")
    assert "/procedures/notices/" in admin.url
    shot(admin, "procedure-announced")

    h = Household.objects.get(pk=world.mine.pk)
    assert (h.status, h.exit_year, h.status_since, h.status_via) == ("exited", 2020, dt.date(2020, 11, 25),
                                                                     "procedure")
    _case_page(cadre, live_server, case)
    assert "已公告" in cadre.locator(".case-state").inner_text()
    link = cadre.locator("a.notice-pdf").first
    response = cadre.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    ids = list(Member.objects.filter(household__village=h.village).values_list("resident_id", flat=True))
    found = assert_free_of(response.body(), [*ids, h.phone, h.bank_account])
    head = Member.objects.get(household=h, relation="head")
    assert head.name in found and "0436-7654321" in found
