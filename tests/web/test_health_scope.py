"""Health facts — health and disability, the causes 因病/因残, the funds that pay only for illness,
health measures — reach no output of a role without health access (liangfang/disclosure.py), and
area tables withhold their small health cells from it."""

from __future__ import annotations

import datetime as dt
import io
import re
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


# -- a household's own outputs: its page (printed as it is), plan, measures, deliveries, history -----------
HEALTH_COST = Decimal("8765.43")  # an amount no other figure of the registry has: found, it was leaked
HEALTH_NOTE = "肺结核复查"  # typed on the health measure's delivery: names the illness


def _catalogue(pack: str):  # type: ignore[no-untyped-def]
    from liangfang.plans.catalogue import catalogue_for
    from liangfang.policy import load_pack

    return catalogue_for(load_pack(pack)).catalogue


def _health_codes(pack: str) -> set[str]:
    """Measures that are health facts, by the test's own reading of the catalogue: of the health
    line, paid from an illness fund, or given by a rule that reads health (送教上门)."""
    return {code for code, spec in _catalogue(pack).measures.items()
            if spec.category == "health" or spec.fund_source in ("medical_aid", "serious_illness_fund")
            or re.search(r"\b(health_status|disability_grade)\b", spec.eligible)}


def _amounts(value: Decimal) -> tuple[str, ...]:
    return (f"{value:,.2f}", f"{value:.2f}", f"{value:,.0f}", f"{value:.0f}")


@pytest.fixture
def treated(world, plan):  # type: ignore[no-untyped-def]  # noqa: F811
    """The plan of 新建村's household with each health measure at its own cost, then accepted; the
    first health measure delivered with a note that names the illness. Returns the health measures'
    costs, and each plan total that holds them (the total minus the lines shown gives them back)."""
    from liangfang.plans.models import PlanMeasure
    from liangfang.plans.services.delivery import delivery_record
    from liangfang.plans.services.plans import measure_change, plan_accept

    codes = _health_codes(plan.pack)
    health = list(PlanMeasure.objects.filter(plan=plan, measure__in=codes).order_by("id"))
    assert health, "the plan has no health measure: the test would prove nothing"
    for i, m in enumerate(health):
        measure_change(measure=m, by="setup", note="按实际调整", cost=HEALTH_COST + i)
    plan_accept(plan=plan, by="setup")
    first = PlanMeasure.objects.get(pk=health[0].pk)
    delivery_record(measure=first, date=dt.date(plan.year, 9, 1),
                    proof_note=HEALTH_NOTE, by="setup", amount=HEALTH_COST)
    costs = [HEALTH_COST + i for i in range(len(health))]
    others = sum((m.cost for m in PlanMeasure.objects.filter(plan=plan).exclude(measure__in=codes)), Decimal(0))
    secret = {a for c in costs for a in _amounts(c)} | set(_amounts(others + sum(costs, Decimal(0))))
    cache.clear()
    return {"plan": plan, "health": health, "secret": secret, "visible_total": others}


def _household_outputs(client, world, treated) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every output of one household a role may read: its page (which is also the printed plan:
    the print stylesheet hides nothing), each measure's page, the area plans pages (households,
    overdue work), and the list's export."""
    number = world.mine.number
    out = {"household page": client.get(f"/households/{number}/").content.decode()}
    for m in treated["plan"].measures.all():
        r = client.get(f"/households/{number}/measures/{m.pk}/")
        out[f"measure page {m.measure}"] = r.content.decode() if r.status_code == 200 else ""
    out["village plans"] = client.get(f"/region/{VILLAGE}/plans/").content.decode()
    out["county plans"] = client.get(f"/region/{COUNTY}/plans/").content.decode()
    out["export"] = "\n".join(_export_cells(client))
    return out


@pytest.mark.parametrize("persona", ["admin", "reviewer", "cadre", "inspector"])
def test_no_output_of_a_household_holds_a_health_fact_for_a_role_without_them(world, login, treated,
                                                                               persona: str) -> None:
    """Persona × output: for a role without health access, no output of the household holds a health
    measure's cost, its delivery, what was typed on it, or a total that still counts it; for a role
    with health access the same outputs do hold them (else the test would prove nothing)."""
    from liangfang.accounts.roles import ROLES

    role = ROLES[world.users[persona].account.role]
    seen = _household_outputs(login(persona), world, treated)
    cat = _catalogue(treated["plan"].pack)
    names = [n for code in _health_codes(treated["plan"].pack)
             for n in (cat.measures[code].name.zh, cat.measures[code].name.en)]
    # 家庭医生签约 alone is also the coverage field (yes/no, as for insurance) every role reads
    facts = [*treated["secret"], HEALTH_NOTE, *names, *(w for w in HEALTH_WORDS if w != "家庭医生签约")]
    found = [f"{fact} in {where}" for where, text in seen.items() for fact in facts if fact in text]
    if role.health:
        assert any(a in seen["household page"] for a in _amounts(HEALTH_COST)), persona
        assert HEALTH_NOTE in seen["household page"], persona
        assert "已落实" in seen["household page"] or "2020-09-01" in seen["household page"]
    else:
        assert not found, found
        page = seen["household page"]
        assert "健康扶贫措施涉及病情，对您的角色不显示" in page  # said whether or not the household has one
        # the plan's total is the lines shown: nothing to subtract
        assert any(a in page for a in _amounts(treated["visible_total"])), treated["visible_total"]
        for m in treated["health"]:
            assert login(persona).get(f"/households/{world.mine.number}/measures/{m.pk}/").status_code == 404


def test_the_history_leaves_a_health_measure_out_of_counts_and_entries(world) -> None:
    """A plan's count of measures holds its health measures (the count minus the lines shown would
    give how many there are), and a health measure's own entries name it by being there."""
    from liangfang.accounts.roles import ROLES
    from liangfang.web.masking import HIDDEN
    from liangfang.web.selectors.conflicts import change_lines

    entries = [{"at": "2020-09-01T08:00:00+08:00", "by": "区扶贫办", "action": "propose_plan", "entity": "plan",
                "changes": {"year": 2020, "version": 1, "measures": 4}},
               {"at": "2020-09-02T08:00:00+08:00", "by": "村干部", "action": "deliver_measure", "entity": "delivery",
                "changes": {"measure": "serious_illness_relief", "amount": "8765.43",
                            "fund_source": "serious_illness_fund"}},
               {"at": "2020-09-03T08:00:00+08:00", "by": "村干部", "action": "measure_changed",
                "entity": "plan_measure", "changes": {"measure": "home_teaching", "cost": ["2000", "2400"]}}]
    for code, role in ROLES.items():
        lines = change_lines(entries, role)
        shown = {label: after for line in lines for label, _, after in line.changes}
        if role.health:
            assert len(lines) == 3 and "4" in shown.values() and "8765.43" in shown.values(), code
        else:
            assert len(lines) == 1 and HIDDEN in shown.values() and "4" not in shown.values(), code
