"""Health facts — health and disability, the causes 因病/因残, the funds that pay only for illness,
health measures — reach no output of a role without health access (liangfang/disclosure.py), and
area tables withhold their small health cells from it."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from liangfang.registry.models import Member
from tests.factories import COUNTY, VILLAGE
from tests.web.test_plan_views import plan  # noqa: F401  (the county planned for 2020)

pytestmark = pytest.mark.django_db

HEALTH_WORDS = ("因病", "因残", "医疗救助资金", "大病兜底资金", "家庭医生签约", "长期慢性病")


def _export_cells(client) -> list[str]:  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(client.get("/households/export.xlsx").getvalue()), read_only=True)
    return [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]


def _everything(client, world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    cache.clear()
    return {
        "household page": client.get(f"/households/{world.mine.number}/").content.decode(),
        "other household page": client.get(f"/households/{world.theirs.number}/").content.decode(),
        "list": client.get("/households/").content.decode(),
        "county dashboard": client.get(f"/region/{COUNTY}/").content.decode(),
        "village dashboard": client.get(f"/region/{VILLAGE}/").content.decode(),
        "county plans": client.get(f"/region/{COUNTY}/plans/").content.decode(),
        "village plans": client.get(f"/region/{VILLAGE}/plans/").content.decode(),
        "export": "\n".join(_export_cells(client)),
    }


def test_roles_with_health_access_see_the_health_facts(world, login, plan) -> None:  # noqa: F811
    for persona in ("admin", "reviewer"):
        seen = _everything(login(persona), world)
        assert "因病" in seen["household page"] and "因残" in seen["other household page"], persona
        assert "因病" in seen["list"] and "因病" in seen["export"], persona
        assert "医疗救助资金" in seen["household page"] and "医疗救助资金" in seen["village plans"], persona


def test_the_inspector_reads_no_health_fact_anywhere(world, login, plan) -> None:  # noqa: F811
    seen = _everything(login("inspector"), world)
    # 家庭医生签约 names a measure for a person (a health fact) but is also a coverage field (yes/no,
    # as for insurance) and an area's coverage rate
    leaks = [f"{word} in {where}" for where, text in seen.items() for word in HEALTH_WORDS if word in text
             and not (word == "家庭医生签约" and (where.endswith("dashboard") or where == "export"))]
    assert not leaks, leaks
    assert "健康扶贫" in seen["household page"]  # the line of help is shown, not what it treats


def test_the_inspector_cannot_count_households_by_cause(world, login) -> None:
    client = login("inspector")
    everyone = client.get("/households/").context["page"].paginator.count
    assert client.get("/households/", {"cause": "illness"}).context["page"].paginator.count == everyone
    assert client.get("/households/", {"cause": "disability"}).context["page"].paginator.count == everyone
    assert 'name="cause"' not in client.get("/households/").content.decode()
    assert login("admin").get("/households/", {"cause": "disability"}).context["page"].paginator.count == 1


def test_small_area_health_cells_are_withheld_from_the_inspector(world, login, plan) -> None:  # noqa: F811
    village_plans = login("inspector").get(f"/region/{VILLAGE}/plans/").content.decode()
    assert "withheld" in village_plans or "不显示" in village_plans
    assert "健康扶贫资金（合计）" in village_plans
    dashboard = login("inspector").get(f"/region/{VILLAGE}/").content.decode()
    assert "主要致贫原因" in dashboard and "对您的角色不显示" in dashboard
    assert "对您的角色不显示" not in login("admin").get(f"/region/{VILLAGE}/").content.decode()


def test_forms_never_carry_a_cause_to_a_role_that_may_not_see_it(world, login) -> None:
    from liangfang.accounts.roles import ROLES
    from liangfang.web.masking import hidden_fields

    assert {"main_cause", "other_cause_1", "health_status"} <= hidden_fields(ROLES["inspector"])
    assert Member.objects.filter(health_status="chronic").exists()


def test_the_inspector_cannot_group_measures_by_cause(world, login) -> None:
    page = login("inspector").get(f"/region/{VILLAGE}/measures/", {"by": "cause"})
    assert page.status_code == 400
    assert "因病" not in page.content.decode() and 'value="cause"' not in page.content.decode()
    assert login("admin").get(f"/region/{VILLAGE}/measures/", {"by": "cause"}).status_code == 200


def _totals_shown(context) -> list[Decimal]:  # type: ignore[no-untyped-def]
    """Every figure on an area plans page that is (or adds up to) the report's total cost."""
    report = context["report"]
    found = [] if report.total is None else [report.total]
    villages = report.tables["village"]
    if villages and not any(t.withheld for t in villages):
        found.append(sum((t.row.cost for t in villages), Decimal(0)))
    if report.lines and len(report.lines) == report.households and all(line.cost is not None for line in report.lines):
        found.append(sum((line.cost for line in report.lines), Decimal(0)))
    found += [r.total_cost for r, whole in context["runs"]
              if whole and r.region_id == report.scope.pk and r.pk not in context.get("run_totals_withheld", ())]
    return found


def test_no_sum_of_visible_cells_gives_back_a_withheld_one(world, login, plan) -> None:  # noqa: F811
    """Complementary suppression: a withheld health row must not come back as the total (in any of
    its forms: the figure, the villages, the households, the run's own total) minus the table's
    visible rows, nor through the shares (a row's cost over its share is the total)."""
    checked = 0
    for persona in ("inspector", "admin"):
        for code in (VILLAGE, COUNTY):
            response = login(persona).get(f"/region/{code}/plans/")
            report = response.context["report"]
            for key, rows in report.tables.items():
                hidden = [t for t in rows if t.withheld]
                if not hidden:
                    continue
                assert persona == "inspector"
                checked += 1
                assert all(t.share is None for table in report.tables.values() for t in table), key
                visible = sum((t.row.cost for t in rows if not t.withheld), Decimal(0))
                secret = sum((t.row.cost for t in hidden), Decimal(0))
                rebuilt = [total for total in _totals_shown(response.context) if total - visible == secret]
                assert not rebuilt, f"{code} {key}: total {rebuilt} − visible {visible} = withheld {secret}"
    assert checked, "no cell was withheld: the test would prove nothing"
