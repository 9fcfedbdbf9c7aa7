"""The web application in a real browser: Playwright drives Debian's chromium against the live
test server. Screenshots are saved under artifacts/web/ (git-ignored)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from liangfang.assessments.services import assessment_run
from liangfang.plans.models import Plan
from liangfang.plans.services.plans import plan_area
from liangfang.registry.models import Household, Member, Region
from liangfang.registry.selectors import headline_figures
from liangfang.registry.services.households import household_update
from tests.factories import COUNTY, TOWNSHIP, VILLAGE
from tests.web.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists() and os.environ.get("CI") != "true",
                       reason="Debian chromium is not installed (scripts/setup.sh installs it)"),
]
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # between browser steps are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def open_as(browser, live_server, world):  # type: ignore[no-untyped-def]
    contexts = []

    def log_in(persona: str):  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        contexts.append(context)
        return logged_in(context, live_server.url, persona)

    yield log_in
    for c in contexts:
        c.close()


def logged_in(context, base_url: str, persona: str):  # type: ignore[no-untyped-def]
    """A new page of ``context`` logged in as ``persona`` through the login form."""
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", persona)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    return page


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _figure(page, name: str) -> int:  # type: ignore[no-untyped-def]
    return int(page.locator(f'[data-figure="{name}"]').first.inner_text().replace(",", ""))


def test_log_in_and_drill_down_from_county_to_village(open_as, live_server, world) -> None:
    page = open_as("admin")
    assert page.url.endswith(f"/region/{COUNTY}/")
    assert "洮北区" in page.locator("h1").inner_text()
    shot(page, "dashboard-county")
    page.click(f'a.drill[href="/region/{TOWNSHIP}/"]')
    assert page.url.endswith(f"/region/{TOWNSHIP}/")
    page.click(f'a.drill[href="/region/{VILLAGE}/"]')
    assert page.url.endswith(f"/region/{VILLAGE}/")
    expected = headline_figures(world.regions[VILLAGE])
    assert _figure(page, "registered_households") == expected.registered_households == 2
    assert _figure(page, "exited_households") == expected.exited_households
    shot(page, "dashboard-village")
    page.click('[data-figure="registered_households"]')
    assert page.locator("table.households tbody tr").count() == expected.registered_households


def test_the_list_narrows_from_county_to_township_to_village(open_as, world) -> None:
    page = open_as("admin")
    page.click("nav.main >> text=建档立卡")
    region = page.locator("select[name=region]")
    assert region.locator(f'option[value="{VILLAGE}"]').count() == 0  # villages wait for their township
    with page.expect_navigation():  # a choice applies at once (the page's script submits the form)
        region.select_option(TOWNSHIP)
    assert f"region={TOWNSHIP}" in page.url
    with page.expect_navigation():
        page.locator("select[name=region]").select_option(VILLAGE)
    assert f"region={VILLAGE}" in page.url
    expected = Household.objects.filter(village__code=VILLAGE, is_registered=True).count()
    assert page.locator("table.households tbody tr").count() == expected == 2
    assert page.locator("select[name=region] option:checked").inner_text().strip() == "新建村"
    shot(page, "list-village")


def test_search_by_resident_id(open_as, world) -> None:
    page = open_as("reviewer")
    rid = Member.objects.get(household=world.theirs, relation="head").resident_id
    page.click("nav.main >> text=建档立卡")
    page.fill("input[name=q]", rid)
    with page.expect_navigation():
        page.press("input[name=q]", "Enter")
    rows = page.locator("table.households tbody tr")
    assert rows.count() == 1 and world.theirs.number in rows.first.inner_text()
    assert rid not in rows.first.inner_text()  # a township reviewer sees the number masked
    shot(page, "search-resident-id")
    rows.first.locator("a").first.click()
    assert page.url.endswith(f"/households/{world.theirs.number}/")
    shot(page, "household-page")


def test_edit_a_member_with_a_mistake_then_correctly(open_as, world) -> None:
    page = open_as("cadre")
    spouse = Member.objects.get(household=world.mine, relation="spouse")
    page.goto(page.url.split("/region/")[0] + f"/households/{world.mine.number}/")
    page.click(f'tr[data-member="{spouse.pk}"] >> text=修改')
    page.fill("#id_months_worked", "13")
    page.click("button[type=submit].primary")
    error = page.locator('[data-field="months_worked"] .error')
    assert "不能大于 12" in error.inner_text()
    assert page.input_value("#id_months_worked") == "13"
    shot(page, "member-validation-error")
    assert Member.objects.get(pk=spouse.pk).months_worked == 0
    page.fill("#id_months_worked", "6")
    page.select_option("#id_work_status", "county")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(rf".*/households/{world.mine.number}/$"))
    assert "已保存" in page.locator(".messages").inner_text()
    assert Member.objects.get(pk=spouse.pk).months_worked == 6


def test_concurrent_edit_is_refused_and_nothing_lost(open_as, world) -> None:
    page = open_as("cadre")
    page.goto(page.url.split("/region/")[0] + f"/households/{world.mine.number}/edit/")
    page.fill("#id_housing_area", "76.5")
    # Meanwhile someone else saves the same household.
    other = Household.objects.get(pk=world.mine.pk)
    household_update(household=other, data={"group_name": "前屯"}, expected_version=other.version, by="reviewer")
    page.click("button[type=submit].primary")
    conflict = page.locator(".conflict")
    assert "他人已修改" in conflict.inner_text() and "前屯" in conflict.inner_text()
    assert page.input_value("#id_housing_area") == "76.5"
    assert page.input_value("#id_group_name") == "前屯"
    shot(page, "concurrent-edit-refused")
    assert Household.objects.get(pk=world.mine.pk).housing_area is None
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(rf".*/households/{world.mine.number}/$"))
    saved = Household.objects.get(pk=world.mine.pk)
    assert str(saved.housing_area) == "76.5" and saved.group_name == "前屯"


def test_village_cadre_is_refused_another_village(open_as, live_server, world) -> None:
    page = open_as("cadre")
    with page.expect_navigation():
        page.click("nav.main >> text=建档立卡")
    assert world.theirs.number not in page.content()
    # By a link someone sent.
    page.set_content(f'<a id="x" href="{live_server.url}/households/{world.theirs.number}/">户</a>')
    with page.expect_navigation():
        page.click("#x")
    assert "未找到" in page.locator("h1").inner_text()
    assert world.theirs.number not in page.content()
    shot(page, "refused-by-link")
    # By a guessed address.
    response = page.goto(f"{live_server.url}/households/{world.theirs.number}/edit/")
    assert response is not None and response.status == 404
    head = Member.objects.get(household=world.theirs, relation="head")
    assert head.name not in page.content()


def test_accept_a_measure_on_the_household_page(open_as, live_server, world) -> None:
    assessment_run(year=2020, by="setup")
    plan_area(region=Region.objects.get(code=VILLAGE), year=2020, budget=None, by="区扶贫办")
    measure = Plan.objects.get(household=world.mine, year=2020).measures.get(measure="education_subsidy")
    page = open_as("cadre")
    page.click("nav.main >> text=帮扶计划")
    assert page.url.endswith(f"/region/{VILLAGE}/plans/")
    assert "按资金来源" in page.content()
    shot(page, "area-plans")
    page.click(f'table.households-plans a[href="/households/{world.mine.number}/#plans"]')
    row = page.locator(f'tr[data-measure="{measure.pk}"]')
    assert "两免一补" in row.inner_text() and "建议" in row.locator(".state").inner_text()
    shot(page, "household-plan")
    row.locator("button.accept").click()
    page.wait_for_url(re.compile(rf".*/households/{world.mine.number}/#plans$"))
    assert "已同意措施：教育资助" in page.locator(".messages").inner_text()
    assert page.locator(f'tr[data-measure="{measure.pk}"] .state').inner_text() == "同意"
    shot(page, "measure-accepted")
    measure.refresh_from_db()
    assert (measure.status, measure.decided_by) == ("accepted", "cadre")
    other = measure.plan.measures.get(measure="motivation")
    page.click(f'tr[data-measure="{other.pk}"] >> text=调整或不采纳')
    page.click("form.decide button.reject")
    assert "不采纳须说明原因" in page.locator("form.decide .error").inner_text()
    shot(page, "measure-reject-needs-reason")


def test_switch_to_english(open_as, world) -> None:
    page = open_as("admin")
    with page.expect_navigation():
        page.click("form.lang button")
    assert "Poverty incidence" in page.content()
    shot(page, "dashboard-county-en")


def test_chromium_is_there_in_ci() -> None:
    if os.environ.get("CI") == "true":
        assert shutil.which("chromium") or Path(CHROMIUM).exists()
