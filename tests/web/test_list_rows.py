"""The household list's rows (head, size, responsible cadre read in the list's own query) and its
filter options (the region options, a tree opened along the way to the listed region, rendered
once and the chosen one marked)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection

from liangfang.accounts.roles import ROLES
from liangfang.pairing.services import cadre_pairing_set
from liangfang.registry.models import Cadre, Household, Member
from liangfang.registry.services.bulk import HouseholdInput, write_many
from liangfang.registry.services.households import member_remove
from liangfang.web import masking
from liangfang.web.filters import chosen_option, options, options_html
from liangfang.web.selectors.households import INDENT, page_rows
from tests.factories import COUNTY, OTHER_VILLAGE, TOWNSHIP, VILLAGE, household_data, member_data

pytestmark = pytest.mark.django_db


def _row(html: str, number: str) -> list[str]:
    """The cells of the list row of household ``number``, tags stripped."""
    found = re.search(rf'<tr><td><a href="/households/{number}/">.*?</tr>', html, re.S)
    assert found, f"no row for {number}"
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", found.group(0), re.S)]


def test_a_row_shows_head_size_and_responsible_cadre(world, login) -> None:  # type: ignore[no-untyped-def]
    head = Member.objects.get(household=world.mine, relation="head")
    cells = _row(login("reviewer").get("/households/").content.decode(), world.mine.number)
    assert cells[2] == head.name
    assert cells[3] == masking.resident_id(ROLES["township_reviewer"], head.resident_id)
    assert cells[3] != head.resident_id  # a reviewer sees it masked
    assert cells[4] == "3"
    assert cells[8].startswith("王帮扶")
    assert _row(login("admin").get("/households/").content.decode(), world.theirs.number)[8] == ""  # no cadre


def test_a_member_who_left_is_not_counted(world, login) -> None:  # type: ignore[no-untyped-def]
    son = Member.objects.get(household=world.mine, relation="son")
    member_remove(member=son, reason="moved_out", on=dt.date(2020, 9, 1),
                  expected_version=Household.objects.get(pk=world.mine.pk).version, by="test")
    assert _row(login("admin").get("/households/").content.decode(), world.mine.number)[4] == "2"


def test_pages_hold_fifty_rows_each_and_every_household_once(world, login) -> None:  # type: ignore[no-untyped-def]
    write_many([HouseholdInput(VILLAGE, household_data(), [member_data()]) for _ in range(57)], by="test")
    c = login("admin")
    total = Household.objects.count()
    numbers: list[str] = []
    for page in (1, 2):
        html = c.get(f"/households/?page={page}").content.decode()
        numbers += re.findall(r'<tr><td><a href="/households/(\d+)/">', html)
    assert total == 60 and len(numbers) == total and len(set(numbers)) == total
    assert numbers == sorted(numbers)  # sorted by number across the pages
    assert "第 2 页，共 2 页" in c.get("/households/?page=2").content.decode()


def _region_options(html: str) -> list[tuple[str, str, bool]]:
    select = re.search(r'<select name="region">(.*?)</select>', html, re.S)
    assert select
    return [(value, label, bool(chosen)) for value, chosen, label in
            re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', select.group(1)) if value]


def _options_of(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}">(.*?)</select>', html, re.S)
    assert select
    return [label for value, label in re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', select.group(1))
            if value]


def test_the_cadre_filter_offers_the_cadres_paired_in_the_listed_region(world, login) -> None:  # type: ignore[no-untyped-def]
    other = Cadre.objects.create(name="李帮扶", unit_name="区教育局", unit_level="county")
    gone = Cadre.objects.create(name="赵离任", unit_name="区教育局", unit_level="county")
    theirs = world.theirs
    cadre_pairing_set(household=theirs, cadre=gone, start_date=dt.date(2016, 1, 1),
                      expected_version=theirs.version, by="t")
    cadre_pairing_set(household=theirs, cadre=other, start_date=dt.date(2019, 1, 1),  # 赵's pairing ends
                      expected_version=Household.objects.get(pk=theirs.pk).version, by="t")
    admin = login("admin")
    assert _options_of(admin.get(f"/households/?region={VILLAGE}").content.decode(), "cadre") == ["王帮扶（区财政局）"]
    assert _options_of(admin.get(f"/households/?region={OTHER_VILLAGE}").content.decode(), "cadre") == \
        ["李帮扶（区教育局）"]
    for region in (TOWNSHIP, COUNTY):  # both, by name
        assert _options_of(admin.get(f"/households/?region={region}").content.decode(), "cadre") == \
            sorted(["王帮扶（区财政局）", "李帮扶（区教育局）"])
    assert _options_of(login("cadre").get("/households/").content.decode(), "cadre") == ["王帮扶（区财政局）"]


def test_the_region_filter_opens_the_way_to_the_listed_region(world, login) -> None:  # type: ignore[no-untyped-def]
    from liangfang.registry.services.regions import regions_write_many

    regions_write_many([{"code": "220802202000", "name": "东风乡", "level": "township", "parent_code": COUNTY},
                        {"code": "220802202001", "name": "东风村", "level": "village", "parent_code": "220802202000"}],
                       by="test")
    admin = login("admin")
    # the county's whole list: its townships only, none chosen
    assert _region_options(admin.get("/households/").content.decode()) == [
        (TOWNSHIP, "金祥乡", False), ("220802202000", "东风乡", False)]
    # a village: its township opened, the village chosen; the other township stays closed
    assert _region_options(admin.get(f"/households/?region={VILLAGE}").content.decode()) == [
        (TOWNSHIP, "金祥乡", False), (VILLAGE, INDENT + "新建村", True), (OTHER_VILLAGE, INDENT + "红日村", False),
        ("220802202000", "东风乡", False)]
    # a township chosen (on the dashboard or here): chosen and opened
    assert _region_options(admin.get("/households/?region=220802202000").content.decode()) == [
        (TOWNSHIP, "金祥乡", False), ("220802202000", "东风乡", True), ("220802202001", INDENT + "东风村", False)]
    # a township reviewer starts from their township's villages; a village cadre has their village
    assert _region_options(login("reviewer").get("/households/").content.decode()) == [
        (VILLAGE, "新建村", False), (OTHER_VILLAGE, "红日村", False)]
    assert _region_options(login("cadre").get("/households/").content.decode()) == [(VILLAGE, "新建村", False)]


def test_options_are_escaped_and_one_is_chosen() -> None:
    html = options_html([("a", "<b>"), ("x&y", "两"), ("a2", "c")])
    assert html == ('<option value="a">&lt;b&gt;</option><option value="x&amp;y">两</option>'
                    '<option value="a2">c</option>')
    assert chosen_option(html, "x&y").count(" selected") == 1
    assert '<option value="x&amp;y" selected>' in chosen_option(html, "x&y")
    assert '<option value="a" selected>' in options([("a", "1"), ("a2", "2")], "a")
    assert "selected" not in options([("a", "1")], "") and "selected" not in options([("a", "1")], "zz")

    from html import escape

    from liangfang.web.filters import escaped_all

    for texts in ([], [""], ["a&b", '"', "'", "<>", "王（区直）", ""], ["x\x00y", "<"], ["\x00", "&"]):
        assert escaped_all(texts) == [escape(t) for t in texts]  # also when a text holds the separator
    html = options_html([(7, "王<五>（区直）"), ("", "x\x00&")])
    assert html == '<option value="7">王&lt;五&gt;（区直）</option><option value="">x\x00&amp;</option>'


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_postgresql_sessions_plan_for_fast_random_reads() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == pytest.approx(1.1)


LIST_FILTERS = [
    {"region": VILLAGE, "status": "registered"}, {"region": VILLAGE, "status": "exited"},
    {"region": VILLAGE, "cause": "illness"}, {"region": VILLAGE, "attribute": "general", "grade": "B"},
    {"region": VILLAGE, "status": "remaining", "sort": "-people"}, {"region": VILLAGE, "sort": "-village"},
    {"region": TOWNSHIP, "status": "registered"}, {"q": "2208"}, {"q": "测试"}, {"gap": "pension"},
    {"region": VILLAGE, "failing": "income"}, {"status": "relapsed"}, {"monitoring": "any"},
    {"region": VILLAGE, "monitoring": "edge"},  # (an unknown status is a 400: test_query_params)
]


@pytest.mark.parametrize("params", LIST_FILTERS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
def test_the_kept_list_queries_give_what_the_orm_gives(world, params: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    from django.core.paginator import Paginator

    from liangfang.registry.models import Region
    from liangfang.web.permissions import Viewer
    from liangfang.web.selectors.households import HouseholdList, ListFilters, filtered_households, with_row_details

    write_many([HouseholdInput(VILLAGE, household_data(main_cause="illness" if i % 2 else "disability"),
                               [member_data(), member_data("son", born=dt.date(2010, 1, 1))]) for i in range(70)],
               by="test")
    head = Member.objects.filter(household=world.mine, relation="head").first()
    assert head is not None
    viewer = Viewer("admin", Region.objects.get(code="220802000000"), ROLES["county_admin"])
    for extra in ({}, {"q": head.resident_id}, {"cadre": str(world.cadre.pk)}):
        f = ListFilters.from_query({**params, **extra})
        region = Region.objects.get(code=f.region) if f.region else None
        qs = filtered_households(viewer, f, region)
        kept = HouseholdList(viewer, f, region)
        for _ in range(2):  # the second time from the kept SQL
            assert kept.count() == qs.count() and len(HouseholdList(viewer, f, region)) == qs.count()
            for number in (1, 2):
                page = Paginator(HouseholdList(viewer, f, region), 50).get_page(number)
                expected = page_rows(with_row_details(qs)[page.start_index() - 1:page.end_index()]) \
                    if qs.count() else []
                assert list(page.object_list) == expected


def test_a_village_list_runs_from_kept_sql_and_a_township_list_through_the_orm(world) -> None:  # type: ignore[no-untyped-def]
    from django.test.utils import CaptureQueriesContext

    from liangfang.registry.models import Region
    from liangfang.web.permissions import Viewer
    from liangfang.web.selectors import households as selector

    viewer = Viewer("admin", Region.objects.get(code="220802000000"), ROLES["county_admin"])
    for code, kept in ((VILLAGE, True), (TOWNSHIP, False)):
        f = selector.ListFilters.from_query({"region": code, "status": "registered"})
        listed = selector.HouseholdList(viewer, f, Region.objects.get(code=code))
        with CaptureQueriesContext(connection) as queries:
            assert listed.count() >= 1 and len(listed[0:50]) >= 1
        assert len(queries) == 2
        assert (selector._KEPT[("count", *listed.shape)] is not None) is kept
        assert (selector._KEPT[("rows", 0, 50, *listed.shape)] is not None) is kept


@pytest.mark.parametrize("params", [{}, {"sort": "people"}, {"sort": "-number"}, {"q": "王 &", "region": VILLAGE,
                                                                                   "sort": "village"}])
def test_sort_links_keep_every_filter(params: dict[str, str]) -> None:
    from liangfang.web.selectors.households import ListFilters

    f = ListFilters.from_query(params)
    keys = ("number", "village", "status", "people", "updated")
    assert f.sort_queries(keys) == {k: f.query(sort=("-" + k) if f.sort == k else k) for k in keys}


def test_a_code_missing_from_its_list_shows_as_itself_as_on_the_household_page() -> None:
    from liangfang.registry.models import Region
    from liangfang.web.filters import code
    from liangfang.web.permissions import Viewer
    from liangfang.web.selectors.households import Row
    from liangfang.web.views.households import _rows_html

    viewer = Viewer("admin", Region(code="220802000000", name="洮北区", level="county"), ROLES["county_admin"])
    row = Row(number="220802201001<0001", village="新建村", status="not_exited", poverty_attribute="general",
              main_cause="no_such_cause", head_name="王<b>", head_resident_id="", people=2, cadre="")
    html = str(_rows_html([row], viewer))
    assert "<td>no_such_cause</td>" in html and code("no_such_cause", "poverty_cause") == "no_such_cause"
    assert "王&lt;b&gt;" in html and "220802201001&lt;0001" in html and "<b>" not in html


def test_every_value_of_a_row_is_escaped_as_html_escape_escapes_it() -> None:
    from html import escape

    from liangfang.domain.codes import code_labels
    from liangfang.registry.models import Region
    from liangfang.web.permissions import Viewer
    from liangfang.web.selectors.households import Row
    from liangfang.web.views.households import _rows_html

    tricky = ["a&b", '"q"', "it's", "<i>", "阿卜杜·热合曼", "王五", "2208", "x y"]
    rows = [Row(number=tricky[i % 8], village=tricky[(i + 1) % 8], status=tricky[(i + 2) % 8] if i % 3 else "exited",
                poverty_attribute=tricky[(i + 3) % 8] if i % 2 else "general", main_cause=tricky[(i + 4) % 8],
                head_name=tricky[(i + 5) % 8], head_resident_id=tricky[(i + 6) % 8] + "1" * 14, people=i,
                cadre=tricky[(i + 7) % 8]) for i in range(16)]  # every value in every column, most twice
    failing = {tricky[i]: [tricky[(i + 1) % 8], tricky[(i + 2) % 8]] for i in range(0, 8, 2)}  # failing indicators
    monitored = {tricky[i]: tricky[(i + 3) % 8] for i in range(1, 8, 2)}  # unknown category codes, shown as they are
    for role in ("county_admin", "inspector"):
        viewer = Viewer("u", Region(code="220802000000", name="洮北区", level="county"), ROLES[role])
        labels = [code_labels(n, "zh") for n in ("household_status", "poverty_attribute", "poverty_cause")]

        def cause(code: str, role: str = role, causes: dict[str, str] = labels[2]) -> str:
            return causes.get(code, code) if ROLES[role].health else masking.HIDDEN  # none without health facts
        expected = "\n".join(
            f'<tr><td><a href="/households/{escape(r.number)}/">{escape(r.number)}</a></td><td>{escape(r.village)}</td>'
            f'<td>{escape(r.head_name)}</td><td class="id">'
            f'{escape(masking.resident_id(ROLES[role], r.head_resident_id))}</td><td class="num">{r.people}</td>'
            f'<td><span class="status {escape(r.status)}">{escape(labels[0].get(r.status, r.status))}</span></td>'
            f'<td>{escape(labels[1].get(r.poverty_attribute, r.poverty_attribute))}</td>'
            f'<td>{escape(cause(r.main_cause))}</td><td>{escape(r.cadre)}</td>'
            f'<td class="failing">{escape("、".join(failing.get(r.number, ())))}</td>'
            f'<td class="monitoring">{escape(monitored.get(r.number, ""))}</td></tr>'
            for r in rows)
        assert str(_rows_html(rows, viewer, failing, monitored)) == expected
