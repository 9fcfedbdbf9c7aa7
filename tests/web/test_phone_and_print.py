"""Phones and paper in a real browser (Debian's chromium through Playwright): the household page, the
list, the forms and the dashboard at 360 and 390 px wide never make the page wider than the screen
and keep the menu and the log-out button usable; the household page with its plan, the list and the
dashboard print on A4 with no menus or buttons and every table whole, read back from chromium's PDF.
Screenshots and PDFs are saved under artifacts/web/ (git-ignored)."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest

from liangfang.assessments.services import assessment_run
from liangfang.plans.models import Plan
from liangfang.plans.services.plans import plan_area
from liangfang.registry.models import Member, Region
from tests.factories import COUNTY, VILLAGE
from tests.web.test_browser import ARTIFACTS, CHROMIUM, browser, logged_in  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists() and os.environ.get("CI") != "true",
                       reason="Debian chromium is not installed (scripts/setup.sh installs it)"),
]


@pytest.fixture
def phone(browser, live_server, world):  # type: ignore[no-untyped-def]  # noqa: F811
    contexts = []

    def log_in(persona: str, width: int = 390):  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN", is_mobile=True,
                                      has_touch=True, device_scale_factor=2)
        contexts.append(context)
        return logged_in(context, live_server.url, persona)

    yield log_in
    for c in contexts:
        c.close()


def _fits(page, width: int, name: str) -> None:  # type: ignore[no-untyped-def]
    """The page is no wider than the screen; the menu and log-out are on screen, none cut."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-{width}-{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    logout = page.locator("header.top form button").last.bounding_box()
    assert logout is not None and logout["x"] >= 0 and logout["x"] + logout["width"] <= width, name
    for link in page.locator("nav.main a").all():
        box = link.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, name
        assert box["height"] < 40, f"{name}: a menu entry wraps one character a line"
    brand = page.locator("header.top .brand").bounding_box()
    assert brand is not None and brand["height"] < 50


@pytest.mark.parametrize("width", [360, 390])
def test_the_pages_a_cadre_uses_fit_a_phone(phone, live_server, world, width: int) -> None:  # type: ignore[no-untyped-def]
    page = phone("cadre", width)
    _fits(page, width, "dashboard")
    page.goto(f"{live_server.url}/households/?status=registered")
    _fits(page, width, "list")
    assert world.mine.number in page.locator("table.households").inner_text()
    page.goto(f"{live_server.url}/households/{world.mine.number}/")
    _fits(page, width, "household")
    head = Member.objects.get(household=world.mine, relation="head")
    assert head.name in page.locator("h1").inner_text()
    page.goto(f"{live_server.url}/households/{world.mine.number}/edit/")
    _fits(page, width, "form-household")
    field = page.locator("#id_housing_area").bounding_box()
    assert field is not None and field["x"] + field["width"] <= width
    page.goto(f"{live_server.url}/households/{world.mine.number}/members/add/")
    _fits(page, width, "form-member")
    page.goto(f"{live_server.url}/households/new/")
    _fits(page, width, "form-new-household")


def test_the_county_dashboard_fits_a_phone(phone, live_server, world) -> None:  # type: ignore[no-untyped-def]
    page = phone("admin", 390)
    assert page.url.endswith(f"/region/{COUNTY}/")
    _fits(page, 390, "dashboard-county")
    figures = page.locator(".figure").all()
    assert figures and all((f.bounding_box() or {"x": 999, "width": 0})["x"] + (f.bounding_box() or {"width": 0})[
        "width"] <= 390 for f in figures)


def test_the_household_page_and_its_plan_print_on_a4(phone, browser, live_server, world) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from pypdf import PdfReader

    assessment_run(year=2020, by="setup")
    plan_area(region=Region.objects.get(code=VILLAGE), year=2020, budget=None, by="区扶贫办")
    plan = Plan.objects.get(household=world.mine, year=2020)
    page = phone("admin", 1280)
    page.goto(f"{live_server.url}/households/{world.mine.number}/")
    names = [n.strip() for n in page.locator("section.plans tr[data-measure] td:first-child a").all_inner_texts()]
    assert len(names) == plan.measures.count() > 0
    page.emulate_media(media="print")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "print-household.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (ARTIFACTS / "print-household.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2  # the plan starts a page of its own
    for p in reader.pages:
        width, height = float(p.mediabox.width), float(p.mediabox.height)
        assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4 in points
    pdf_path = ARTIFACTS / "print-household.pdf"

    def page_text(number: int) -> str:
        """Page ``number`` (from 1) as poppler's pdftotext reads it, laid out as printed."""
        done = subprocess.run(["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(pdf_path), "-"],
                              capture_output=True, check=True, text=True)
        return done.stdout

    pages = [page_text(i + 1) for i in range(len(reader.pages))]
    flat = "".join("".join(text.split()) for text in pages)
    lines = [line for text in pages for line in text.splitlines()]
    for m in Member.objects.filter(household=world.mine, is_active=True):
        assert any(m.resident_id in line for line in lines), m.resident_id  # whole, on one line
    head = Member.objects.get(household=world.mine, relation="head")
    assert world.mine.number in flat and head.name in flat
    for absent in ("修改农户信息", "添加成员", "退出", "建档立卡帮扶计划导入", "登记走访"):
        assert absent not in flat, absent  # no buttons, no menu
    for heading in ("成员", "收入", "一户一策"):
        assert heading in flat
    # every column of the widest tables is on the paper, none cut at the page's edge
    for last_column in ("家庭医生", "人均纯收入"):
        assert last_column in flat, last_column
    plan_page = next(i for i, text in enumerate(pages) if "一户一策" in "".join(text.split()))
    assert plan_page >= 1
    plan_text = "".join("".join(text.split()) for text in pages[plan_page:])
    for name in names:  # each measure of the plan by its name (a long name wraps inside its cell)
        rest = iter(plan_text)
        assert all(ch in rest for ch in "".join(name.split())), name


def test_the_county_explanation_fits_a_phone_and_prints_on_a4(phone, live_server, world) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    assessment_run(year=2020, by="setup")
    page = phone("admin", 390)
    page.goto(f"{live_server.url}/region/{COUNTY}/explanation/?year=2020")
    _fits(page, 390, "county-explanation")
    assert "计算方法" in page.locator("table.county-measures").inner_text()
    how = page.locator("table.county-measures td.how").first.bounding_box()
    assert how is not None and how["height"] > 30  # the long "how" text wraps inside its cell
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "print-county-explanation.pdf"
    path.write_bytes(pdf)
    for p in PdfReader(io.BytesIO(pdf)).pages:
        assert abs(float(p.mediabox.width) - 595.3) < 2 and abs(float(p.mediabox.height) - 841.9) < 2
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout
    flat = "".join(text.split())
    for words in ("县级指标说明", "依据的数据", "结论", "基尼系数", "95%置信区间", "计算方法"):
        assert words in flat, words
    for absent in ("显示", "退出"):  # the year form's button and the log-out: no forms or menus on paper
        assert absent not in flat, absent


def _printed(page, name: str) -> tuple[list[str], str]:  # type: ignore[no-untyped-def]
    """The page in print media as chromium's A4 PDF, read back: its lines and its text without spaces."""
    from pypdf import PdfReader

    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"print-{name}.pdf"
    path.write_bytes(pdf)
    for p in PdfReader(io.BytesIO(pdf)).pages:
        assert abs(float(p.mediabox.width) - 595.3) < 2 and abs(float(p.mediabox.height) - 841.9) < 2, name
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout
    return text.splitlines(), "".join(text.split())


def test_the_list_and_the_dashboard_print_on_a4(phone, live_server, world) -> None:  # type: ignore[no-untyped-def]
    page = phone("admin", 1280)
    page.goto(f"{live_server.url}/households/?status=registered")
    numbers = [n.strip() for n in page.locator("table.households tbody tr td:first-child").all_inner_texts()]
    headers = [h.strip() for h in page.locator("table.households thead th").all_inner_texts() if h.strip()]
    assert world.mine.number in numbers and headers
    lines, flat = _printed(page, "list")
    for number in numbers:  # every household of the page, its number whole on one line
        assert any(number in line for line in lines), number
    # the last column is on the paper, not cut at the edge (its header may wrap inside its cell)
    rest = iter(flat)
    assert all(ch in rest for ch in "".join(headers[-1].split())), headers[-1]
    for absent in ("退出", "筛选", "导出"):  # log-out, the filter form's button, the export link
        assert absent not in flat, absent
    page.goto(f"{live_server.url}/region/{COUNTY}/")
    figures = [[line.strip() for line in t.splitlines() if line.strip()]
               for t in page.locator(".figure").all_inner_texts()]
    assert figures
    _, flat = _printed(page, "dashboard")
    for figure in figures:  # each headline figure: its label, number and note, each line in order
        for line in figure:  # (figures side by side share the PDF's text lines)
            rest = iter(flat)
            assert all(ch in rest for ch in "".join(line.split())), line
    assert "分区划" in flat and "历年贫困发生率" in flat
    assert "退出" not in flat
