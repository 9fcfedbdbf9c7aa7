"""Plan pages: the household's diagnosis and plan, decisions on each measure (refused when stale),
plan acceptance, deliveries and visits, and the area plan page; for personas inside the region,
outside it, read-only and without an account."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from liangfang.assessments.services import assessment_run
from liangfang.plans.models import Delivery, Plan, PlanMeasure, PlanRun, Visit
from liangfang.plans.services.plans import measure_change, measure_decide, measure_state, plan_area
from liangfang.registry.models import ChangeRecord, Household, Member, Region
from liangfang.registry.services.bulk import HouseholdInput, write_many
from liangfang.registry.services.households import income_set
from tests.factories import COUNTY, OTHER_VILLAGE, TOWNSHIP, VILLAGE, household_data, member_data

pytestmark = pytest.mark.django_db
YEAR = 2020


@pytest.fixture
def plan(world) -> Plan:  # type: ignore[no-untyped-def]
    """The county planned for 2020 after an assessment: every household gets a proposed plan."""
    assessment_run(year=YEAR, by="setup")
    plan_area(region=Region.objects.get(code=COUNTY), year=YEAR, budget=None, by="区扶贫办")
    cache.clear()
    return Plan.objects.get(household=world.mine, year=YEAR)


def _measure(plan: Plan, code: str) -> PlanMeasure:
    return plan.measures.filter(measure=code).order_by("id").first()  # type: ignore[return-value]


def _state(m: PlanMeasure) -> str:
    m.refresh_from_db()
    return measure_state(m, Plan.objects.get(pk=m.plan_id).status)


def _plan_state(client: Client, household: Household, plan: Plan) -> str:
    page = client.get(f"/households/{household.number}/").content.decode()
    found = re.search(rf'/plans/{plan.pk}/accept/".*?name="state" value="([^"]+)"', page, re.S)
    assert found is not None
    return found.group(1)


# -- what the household page shows ------------------------------------------------------------------------
def test_household_page_shows_diagnosis_and_the_plan_with_each_measure(world, login, plan) -> None:
    page = login("cadre").get(f"/households/{world.mine.number}/").content.decode()
    assert "把脉问诊：本户缺什么" in page and "风险因素" in page
    assert "人均纯收入 3,200 元，未超过扶贫标准 4,000 元" in page  # the failing indicator, explained
    assert "主要致贫原因：因病" in page and "长期慢性病 1 人" in page  # risk factors
    assert "2020 年计划 第 1 版" in page and "待确认" in page
    subsidy = _measure(plan, "education_subsidy")
    row = re.search(rf'<tr data-measure="{subsidy.pk}".*?</tr>', page, re.S)
    assert row is not None
    text = row.group(0)
    assert "教育资助" in text and "1,000.00" in text and "教育资助资金" in text and "建议" in text
    assert "义务教育阶段 → 教育资助（两免一补），1,000 元" in text
    assert f"/households/{world.mine.number}/measures/{subsidy.pk}/decide/" in text


def test_the_page_is_in_english_on_request(world, login, plan) -> None:
    c = login("admin")
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = c.get(f"/households/{world.mine.number}/").content.decode()
    assert "Household plan" in page and "2020 plan, version 1" in page and "awaiting acceptance" in page
    assert "education aid: free tuition, books and living allowance" in page  # the measure's name
    # its explanation; an age in stored text is the one reached in the year, as every role may read it
    assert "(age 8 in 2020) in compulsory schooling → education aid, 1,000 yuan" in page
    assert "Diagnosis: what the household lacks" in page and "Risk factors" in page
    assert "教育资助" not in page and "待确认" not in page
    area = c.get(f"/region/{VILLAGE}/plans/").content.decode()
    assert "Cost by fund source" in area and "education aid fund" in area and "Overdue work as of" in area
    assert "按资金来源" not in area and "教育资助资金" not in area


def test_inspector_sees_no_health_measure_or_illness(world, login, plan) -> None:
    doctor = _measure(plan, "family_doctor")
    cadre = login("cadre")  # the decision lands in the change history and the measure becomes overdue
    cadre.post(f"/households/{world.mine.number}/measures/{doctor.pk}/decide/",
               {"decision": "accepted", "state": _state(doctor)})
    cadre.post(f"/households/{world.mine.number}/plans/{plan.pk}/accept/",
               {"state": _plan_state(cadre, world.mine, plan)})
    assert "家庭医生签约" in cadre.get(f"/region/{VILLAGE}/plans/").content.decode()
    area = login("inspector").get(f"/region/{VILLAGE}/plans/").content.decode()
    overdue_part = area[area.index('id="overdue"'):]
    # a household's overdue health measure is left out whole, not shown by its line (健康扶贫)
    assert "家庭医生" not in overdue_part and "健康扶贫" not in overdue_part
    page = login("inspector").get(f"/households/{world.mine.number}/").content.decode()
    assert f'<tr data-measure="{doctor.pk}"' not in page  # the whole line: its person and cost too
    assert "长期慢性病" not in page and "家庭医生签约" not in page
    assert "/decide/" not in page and "/accept/" not in page and "/visits/add/" not in page and "/deliver/" not in page
    measure_page = login("inspector").get(f"/households/{world.mine.number}/measures/{doctor.pk}/")
    assert measure_page.status_code == 404 and "家庭医生" not in measure_page.content.decode()
    assert "家庭医生签约" in login("admin").get(f"/households/{world.mine.number}/").content.decode()


def test_inspector_sees_no_note_or_proof_typed_on_a_health_measure(world, login, plan) -> None:
    """What people type on a health measure (why it changed, the delivery's proof) names the illness
    as its explanation does: hidden like it from roles without health facts, in the history too."""
    doctor = _measure(plan, "family_doctor")
    cadre = login("cadre")
    url = f"/households/{world.mine.number}/measures/{doctor.pk}/"
    cadre.post(url + "change/", {"cost": "150", "note": "糖尿病随访加测血糖", "state": _state(doctor)})
    cadre.post(f"/households/{world.mine.number}/plans/{plan.pk}/accept/",
               {"state": _plan_state(cadre, world.mine, plan)})
    r = cadre.post(url + "deliver/", {"date": "2020-10-01", "amount": "150", "proof_note": "乡卫生院糖尿病签约单"})
    assert r.status_code == 302
    for page in (cadre.get(url).content.decode(), cadre.get(f"/households/{world.mine.number}/").content.decode()):
        assert "糖尿病随访加测血糖" in page and "乡卫生院糖尿病签约单" in page
    inspector = login("inspector")
    for page in (inspector.get(url).content.decode(),
                 inspector.get(f"/households/{world.mine.number}/").content.decode()):
        assert "糖尿病" not in page
    subsidy = _measure(plan, "education_subsidy")  # a measure of another line keeps its note
    ChangeRecord.objects.all().delete()
    PlanMeasure.objects.filter(pk=subsidy.pk).update(note="学费按实际收取")
    assert "学费按实际收取" in inspector.get(f"/households/{world.mine.number}/").content.decode()


# -- permissions --------------------------------------------------------------------------------------------
def _read_urls(world, plan) -> list[str]:  # type: ignore[no-untyped-def]
    m = _measure(plan, "education_subsidy")
    return [f"/households/{world.mine.number}/measures/{m.pk}/", f"/region/{VILLAGE}/plans/"]


def _edit_urls(world, plan) -> list[str]:  # type: ignore[no-untyped-def]
    m = _measure(plan, "education_subsidy")
    return [f"/households/{world.mine.number}/measures/{m.pk}/deliver/", f"/households/{world.mine.number}/visits/add/"]


def _post_urls(world, plan) -> list[str]:  # type: ignore[no-untyped-def]
    m = _measure(plan, "education_subsidy")
    n = world.mine.number
    return [f"/households/{n}/measures/{m.pk}/decide/", f"/households/{n}/measures/{m.pk}/change/",
            f"/households/{n}/plans/{plan.pk}/accept/", f"/households/{n}/plans/{plan.pk}/revise/",
            f"/households/{n}/measures/{m.pk}/deliver/",
            f"/households/{n}/visits/add/", f"/region/{VILLAGE}/plans/propose/"]


@pytest.mark.parametrize("persona", ["admin", "reviewer", "cadre"])
def test_people_of_the_region_open_every_plan_page(world, login, plan, persona: str) -> None:
    c = login(persona)
    for url in _read_urls(world, plan) + _edit_urls(world, plan):
        assert c.get(url).status_code == 200, url


def test_other_village_gets_not_found_and_changes_nothing(world, login, plan) -> None:
    c = login("other_cadre")
    before = (ChangeRecord.objects.count(), PlanRun.objects.count(), Visit.objects.count())
    head = Member.objects.get(household=world.mine, relation="head").name
    for url in [u for u in _read_urls(world, plan) + _edit_urls(world, plan) if "/households/" in u]:
        r = c.get(url)
        assert r.status_code == 404, url
        assert head not in r.content.decode()
    assert c.get(f"/region/{VILLAGE}/plans/").status_code == 404
    for url in _post_urls(world, plan):
        r = c.post(url, {"decision": "accepted", "state": _state(_measure(plan, "education_subsidy")),
                         "year": YEAR, "date": "2020-10-01", "visitor": "x", "findings": "x", "proof_note": "x"})
        assert r.status_code == 404, url
    assert (ChangeRecord.objects.count(), PlanRun.objects.count(), Visit.objects.count()) == before
    assert set(plan.measures.values_list("status", flat=True)) == {"proposed"}


def test_inspector_reads_plans_but_cannot_post(world, login, plan) -> None:
    c = login("inspector")
    for url in _read_urls(world, plan):
        assert c.get(url).status_code == 200, url
    for url in _edit_urls(world, plan):
        assert c.get(url).status_code == 403, url
    before = ChangeRecord.objects.count()
    for url in _post_urls(world, plan):
        r = c.post(url, {"decision": "accepted", "state": _state(_measure(plan, "education_subsidy")), "year": YEAR})
        assert r.status_code == 403, url
    assert ChangeRecord.objects.count() == before
    area = c.get(f"/region/{COUNTY}/plans/").content.decode()
    assert "/plans/propose/" not in area


def test_no_account_and_anonymous_get_nothing(world, plan, login) -> None:
    urls = _read_urls(world, plan) + _edit_urls(world, plan)
    nobody = login("nobody")
    for url in urls:
        r = nobody.get(url)
        assert r.status_code == 403 and world.mine.number not in r.content.decode(), url
    for url in urls:
        r = Client().get(url)
        assert r.status_code == 302 and r["Location"].startswith("/login/"), url
    for url in _post_urls(world, plan):
        assert Client().post(url, {}).status_code == 302, url


def test_plan_forms_need_the_csrf_token(world, plan) -> None:
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.users["cadre"])
    for url in _post_urls(world, plan):
        assert c.post(url, {"decision": "accepted", "state": _state(_measure(plan, "education_subsidy"))}
                      ).status_code == 403, url
    assert set(plan.measures.values_list("status", flat=True)) == {"proposed"}
    page = c.get(f"/households/{world.mine.number}/").content.decode()
    forms = re.findall(r'<form method="post"[^>]*>.*?</form>', page, re.S)
    assert forms and all("csrfmiddlewaretoken" in f for f in forms)


@pytest.mark.parametrize(("persona", "code", "status"), [
    ("admin", COUNTY, 200), ("reviewer", TOWNSHIP, 200), ("reviewer", COUNTY, 404), ("cadre", VILLAGE, 200),
    ("cadre", OTHER_VILLAGE, 404), ("cadre", TOWNSHIP, 404), ("cadre", "999999999999", 404),
])
def test_area_pages_stay_inside_the_region(world, login, plan, persona: str, code: str, status: int) -> None:
    assert login(persona).get(f"/region/{code}/plans/").status_code == status


def test_a_run_that_does_not_cover_the_area_is_not_found(world, login, plan) -> None:
    other = plan_area(region=Region.objects.get(code=OTHER_VILLAGE), year=YEAR, budget=None, by="x").run
    assert other is not None
    c = login("cadre")
    assert c.get(f"/region/{VILLAGE}/plans/?run={other.pk}").status_code == 404
    assert c.get(f"/region/{VILLAGE}/plans/?run=abc").status_code == 400  # not a run's number (web/params.py)
    county_run = PlanRun.objects.filter(region__code=COUNTY).get()
    page = c.get(f"/region/{VILLAGE}/plans/?run={county_run.pk}").content.decode()
    assert world.mine.number in page and world.theirs.number not in page  # the village's share only
    whole = f"{county_run.total_cost:,}"
    assert whole not in page and f">{county_run.households_in_need}<" not in page  # nor the county's totals
    assert whole in login("admin").get(f"/region/{VILLAGE}/plans/?run={county_run.pk}").content.decode()


# -- decisions ---------------------------------------------------------------------------------------------
def test_a_cadre_accepts_a_measure(world, login, plan) -> None:
    m = _measure(plan, "education_subsidy")
    c = login("cadre")
    r = c.post(f"/households/{world.mine.number}/measures/{m.pk}/decide/", {"decision": "accepted", "state": _state(m)})
    assert r.status_code == 302 and r["Location"].endswith(f"/households/{world.mine.number}/#plans")
    m.refresh_from_db()
    assert (m.status, m.decided_by) == ("accepted", "cadre")
    assert ChangeRecord.objects.filter(action="measure_accepted", household_number=world.mine.number).exists()
    page = c.get(r["Location"]).content.decode()
    assert "已同意措施：教育资助：两免一补。" in page
    row = re.search(rf'<tr data-measure="{m.pk}".*?</tr>', page, re.S)
    assert row is not None and "/decide/" not in row.group(0) and "调整或不采纳" in row.group(0)


def test_a_rejection_needs_a_reason_and_keeps_nothing_half_done(world, login, plan) -> None:
    m = _measure(plan, "motivation")
    c = login("cadre")
    url = f"/households/{world.mine.number}/measures/{m.pk}/decide/"
    r = c.post(url, {"decision": "rejected", "note": " ", "state": _state(m)})
    assert r.status_code == 400 and "不采纳须说明原因" in r.content.decode()
    m.refresh_from_db()
    assert m.status == "proposed"
    r = c.post(url, {"decision": "rejected", "note": "户主已参加村培训", "state": _state(m)})
    assert r.status_code == 302
    m.refresh_from_db()
    assert (m.status, m.note) == ("rejected", "户主已参加村培训")


def test_a_stale_decision_is_refused_and_the_input_kept(world, login, plan) -> None:
    m = _measure(plan, "motivation")
    seen = _state(m)
    measure_decide(measure=m, decision="accepted", by="李审核", expected_state=seen)  # someone else, meanwhile
    c = login("cadre")
    r = c.post(f"/households/{world.mine.number}/measures/{m.pk}/decide/",
               {"decision": "rejected", "note": "已参加培训，不再重复", "state": seen})
    assert r.status_code == 409
    body = r.content.decode()
    assert "李审核" in body and "本次未写入" in body
    assert 'value="已参加培训，不再重复"' in body  # the reason typed is still in the form
    m.refresh_from_db()
    assert (m.status, m.decided_by) == ("accepted", "李审核")
    fresh = re.search(r'name="state" value="([^"]+)"', body)
    assert fresh is not None and fresh.group(1) == _state(m)
    # Sending it again, deliberately, applies it on top of the other decision.
    r = c.post(f"/households/{world.mine.number}/measures/{m.pk}/decide/",
               {"decision": "rejected", "note": "已参加培训，不再重复", "state": fresh.group(1)})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.status == "rejected"


def test_a_decision_on_a_superseded_plan_is_refused(world, login, plan) -> None:
    m = _measure(plan, "motivation")
    seen = _state(m)
    plan_area(region=Region.objects.get(code=VILLAGE), year=YEAR, budget=None, by="乡镇")  # a new version
    r = login("cadre").post(f"/households/{world.mine.number}/measures/{m.pk}/decide/",
                            {"decision": "accepted", "state": seen})
    assert r.status_code == 409 and "新版本" in r.content.decode()
    m.refresh_from_db()
    assert m.status == "proposed"


def test_changing_a_measure_validates_and_saves(world, login, plan) -> None:
    m = _measure(plan, "education_subsidy")
    c = login("reviewer")
    url = f"/households/{world.mine.number}/measures/{m.pk}/change/"
    form = c.get(f"/households/{world.mine.number}/measures/{m.pk}/").content.decode()
    assert 'name="due_date" value="2020-12-31"' in form and 'name="cost" value="1000.00"' in form
    r = c.post(url, {"cost": "一千", "note": "x", "state": _state(m)})
    assert r.status_code == 400 and "请输入金额" in r.content.decode()
    r = c.post(url, {"cost": "800", "fund_source": "no_such_fund", "note": "x", "state": _state(m)})
    assert r.status_code == 400
    r = c.post(url, {"cost": "800", "note": "", "state": _state(m)})
    assert r.status_code == 400 and "调整须说明原因" in r.content.decode()
    r = c.post(url, {"cost": "-5", "note": "x", "state": _state(m)})
    assert r.status_code == 400 and "「费用（元）」不能小于 0" in r.content.decode()
    m.refresh_from_db()
    assert (m.status, m.cost) == ("proposed", Decimal("1000.00"))
    r = c.post(url, {"cost": "1,200", "due_date": "2020-09-01", "fund_source": "partner_support",
                     "note": "按实际学费调整", "state": _state(m)})
    assert r.status_code == 302
    m.refresh_from_db()
    assert (m.status, m.cost, m.due_date, m.fund_source) == ("changed", Decimal(1200), dt.date(2020, 9, 1),
                                                             "partner_support")


def test_a_stale_change_is_refused_with_the_input_kept(world, login, plan) -> None:
    m = _measure(plan, "education_subsidy")
    seen = _state(m)
    measure_change(measure=m, by="李审核", note="先改", cost=Decimal(900), expected_state=seen)
    r = login("cadre").post(f"/households/{world.mine.number}/measures/{m.pk}/change/",
                            {"cost": "1500", "note": "按学校收费", "state": seen})
    assert r.status_code == 409
    body = r.content.decode()
    assert "李审核" in body and 'value="1500"' in body and 'value="按学校收费"' in body
    m.refresh_from_db()
    assert m.cost == Decimal(900)


def test_a_typo_does_not_let_a_stale_change_through(world, login, plan) -> None:
    """A form sent back for a typo keeps the state the user saw: corrected and sent again, it is
    refused if someone changed the measure meanwhile, instead of silently overwriting that change."""
    m = _measure(plan, "education_subsidy")
    seen = _state(m)
    measure_change(measure=m, by="李审核", note="先改", cost=Decimal(900), expected_state=seen)
    c = login("cadre")
    url = f"/households/{world.mine.number}/measures/{m.pk}/change/"
    r = c.post(url, {"cost": "15OO", "note": "按学校收费", "state": seen})  # a letter O typed for a zero
    assert r.status_code == 400
    kept = re.search(r'action="[^"]*/change/".*?name="state" value="([^"]+)"', r.content.decode(), re.S)
    assert kept is not None and kept.group(1) == seen
    r = c.post(url, {"cost": "1500", "note": "按学校收费", "state": kept.group(1)})
    assert r.status_code == 409 and "李审核" in r.content.decode()
    m.refresh_from_db()
    assert (m.cost, m.decided_by) == (Decimal(900), "李审核")
    decide = f"/households/{world.mine.number}/measures/{m.pk}/decide/"
    r = c.post(decide, {"decision": "maybe", "state": seen})
    assert r.status_code == 400
    kept = re.search(r'action="[^"]*/decide/".*?name="state" value="([^"]+)"', r.content.decode(), re.S)
    assert kept is not None and kept.group(1) == seen


def test_input_refused_on_a_closed_plan_is_shown_in_words(world, login, plan) -> None:
    m = _measure(plan, "education_subsidy")
    seen = _state(m)
    c = login("cadre")
    c.post(f"/households/{world.mine.number}/plans/{plan.pk}/accept/", {"state": _plan_state(c, world.mine, plan)})
    r = c.post(f"/households/{world.mine.number}/measures/{m.pk}/change/",
               {"cost": "1200", "fund_source": "partner_support", "note": "按实际学费", "state": seen})
    assert r.status_code == 409
    kept = r.content.decode().split("该计划已不能修改。您填写的内容：")[1].split("</p>")[0]
    assert "帮扶单位和社会帮扶资金" in kept and "partner_support" not in kept and "按实际学费" in kept
    r = c.post(f"/households/{world.mine.number}/measures/{m.pk}/decide/",
               {"decision": "rejected", "note": "不需要", "state": seen})
    assert r.status_code == 409
    kept = r.content.decode().split("该计划已不能修改。您填写的内容：")[1].split("</p>")[0]
    assert "不采纳" in kept and "rejected" not in kept and "不需要" in kept


def test_the_history_names_fund_sources_in_words(world, login, plan) -> None:
    m = _measure(plan, "education_subsidy")
    c = login("cadre")
    r = c.post(f"/households/{world.mine.number}/measures/{m.pk}/change/",
               {"fund_source": "partner_support", "note": "帮扶单位承担", "state": _state(m)})
    assert r.status_code == 302
    page = c.get(f"/households/{world.mine.number}/").content.decode()
    history = page[page.index("<ol class=\"history\">"):]
    assert "<del>教育资助资金</del> → 帮扶单位和社会帮扶资金" in history
    assert "partner_support" not in history and "education_aid" not in history


def test_accepting_the_plan_makes_it_the_plan_of_record(world, login, plan) -> None:
    c = login("cadre")
    r = c.post(f"/households/{world.mine.number}/plans/{plan.pk}/accept/",
               {"state": _plan_state(c, world.mine, plan)})
    assert r.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.accepted_by) == ("accepted", "cadre")
    assert set(plan.measures.values_list("status", flat=True)) == {"accepted"}
    page = c.get(f"/households/{world.mine.number}/").content.decode()
    assert "现行计划" in page and "/decide/" not in page and "/deliver/" in page


def test_accepting_a_plan_changed_meanwhile_is_refused(world, login, plan) -> None:
    c = login("cadre")
    seen = _plan_state(c, world.mine, plan)
    m = _measure(plan, "motivation")
    measure_decide(measure=m, decision="rejected", note="不需要", by="李审核")
    r = c.post(f"/households/{world.mine.number}/plans/{plan.pk}/accept/", {"state": seen})
    assert r.status_code == 409 and "李审核" in r.content.decode()
    plan.refresh_from_db()
    assert plan.status == "proposed"
    r = c.post(f"/households/{world.mine.number}/plans/{plan.pk}/accept/", {})
    assert r.status_code == 400
    assert Plan.objects.get(pk=plan.pk).status == "proposed"


def test_the_plan_of_record_is_revised_into_a_new_version_once(world, login, plan) -> None:
    c = login("cadre")
    c.post(f"/households/{world.mine.number}/plans/{plan.pk}/accept/", {"state": _plan_state(c, world.mine, plan)})
    page = c.get(f"/households/{world.mine.number}/").content.decode()
    found = re.search(rf'/plans/{plan.pk}/revise/".*?name="state" value="([^"]+)"', page, re.S)
    assert found is not None
    seen = found.group(1)
    r = c.post(f"/households/{world.mine.number}/plans/{plan.pk}/revise/", {"state": seen})
    assert r.status_code == 302
    versions = dict(Plan.objects.filter(household=world.mine, year=YEAR).values_list("version", "status"))
    assert versions == {1: "accepted", 2: "proposed"}
    page = c.get(f"/households/{world.mine.number}/").content.decode()
    assert "2020 年计划 第 2 版" in page and "2020 年计划 第 1 版" in page and "现行计划" in page
    assert f"/plans/{plan.pk}/revise/" not in page  # a newer version awaits acceptance
    r = c.post(f"/households/{world.mine.number}/plans/{plan.pk}/revise/", {"state": seen})  # an old page
    assert r.status_code == 409 and "第 2 版" in r.content.decode()
    assert Plan.objects.filter(household=world.mine, year=YEAR).count() == 2


# -- delivery and visits ------------------------------------------------------------------------------------
def test_a_delivery_needs_proof_and_writes_the_registry(world, login, plan) -> None:
    c = login("cadre")
    c.post(f"/households/{world.mine.number}/plans/{plan.pk}/accept/", {"state": _plan_state(c, world.mine, plan)})
    m = _measure(plan, "family_doctor")
    url = f"/households/{world.mine.number}/measures/{m.pk}/deliver/"
    r = c.post(url, {"date": "2020-05-10", "proof_note": " "})
    assert r.status_code == 400 and "请填写佐证" in r.content.decode()
    r = c.post(url, {"date": "2020-05-10", "amount": "abc", "proof_note": "签约单 17 号"})
    assert r.status_code == 400
    assert Delivery.objects.count() == 0
    r = c.post(url, {"date": "2020-05-10", "proof_note": "签约单 17 号"})
    assert r.status_code == 302
    d = Delivery.objects.get(measure=m)
    assert (d.amount, d.fund_source, d.recorded_by) == (Decimal("20.00"), "medical_aid", "cadre")
    assert m.member is not None and Member.objects.get(pk=m.member.pk).family_doctor is True
    page = c.get(f"/households/{world.mine.number}/").content.decode()
    assert "签约单 17 号" in page
    assert c.post(url, {"date": "2020-05-11", "proof_note": "again"}).status_code == 400  # once only


def test_the_history_says_in_words_what_a_delivery_wrote(world, login, plan) -> None:
    c = login("cadre")
    c.post(f"/households/{world.mine.number}/plans/{plan.pk}/accept/", {"state": _plan_state(c, world.mine, plan)})
    for code in ("family_doctor", "education_subsidy"):
        r = c.post(f"/households/{world.mine.number}/measures/{_measure(plan, code).pk}/deliver/",
                   {"date": "2020-05-10", "proof_note": "凭证"})
        assert r.status_code == 302
    page = c.get(f"/households/{world.mine.number}/").content.decode()
    history = page[page.index('<ol class="history">'):]
    assert "写入登记数据: 家庭医生签约 是" in history
    assert "{" not in history and "[" not in history and "family_doctor" not in history and "medical_aid" not in history


def test_a_visit_is_recorded_and_listed(world, login, plan) -> None:
    c = login("cadre")
    url = f"/households/{world.mine.number}/visits/add/"
    form = c.get(url).content.decode()
    assert 'value="王帮扶"' in form  # the responsible cadre, by default
    r = c.post(url, {"date": "2020-06-01", "visitor": "王帮扶", "findings": " "})
    assert r.status_code == 400 and "请填写走访情况" in r.content.decode()
    r = c.post(url, {"date": (dt.date.today() + dt.timedelta(days=3)).isoformat(), "visitor": "王帮扶",
                     "findings": "核实收入"})
    assert r.status_code == 400 and "不能晚于今天" in r.content.decode()
    r = c.post(url, {"date": "2020-06-01", "visitor": "王帮扶", "findings": "入户核实收入，子女在校"})
    assert r.status_code == 302
    visit = Visit.objects.get(household=world.mine)
    assert visit.cadre == world.cadre and visit.recorded_by == "cadre"
    assert "入户核实收入，子女在校" in c.get(f"/households/{world.mine.number}/").content.decode()


# -- area plans --------------------------------------------------------------------------------------------
def test_a_cadre_proposes_the_village_plans_and_reads_the_report(world, login) -> None:
    assessment_run(year=YEAR, by="setup")
    c = login("cadre")
    r = c.post(f"/region/{VILLAGE}/plans/propose/", {"year": YEAR, "budget": "50,000"})
    assert r.status_code == 302
    run = PlanRun.objects.get()
    assert (run.region.code, run.budget, run.created_by) == (VILLAGE, Decimal(50000), "cadre")
    assert r["Location"] == f"/region/{VILLAGE}/plans/?run={run.pk}"
    page = c.get(r["Location"]).content.decode()
    for title in ("按措施", "按资金来源", "按行政村"):
        assert title in page
    assert "教育资助资金" in page and f'href="/households/{world.mine.number}/#plans"' in page
    assert f"/households/?region={VILLAGE}" in page  # the village row links to its households
    assert world.theirs.number not in page


@pytest.mark.parametrize(("data", "message"), [
    ({"year": YEAR, "budget": "-5"}, "「预算（元）」不能小于 0"), ({"year": YEAR, "budget": "很多"}, "请输入金额"),
    ({"year": "", "budget": ""}, "这个字段是必填项"), ({"year": 2013, "budget": ""}, "适用于"),
])
def test_a_bad_area_plan_request_is_explained(world, login, data: dict[str, object], message: str) -> None:
    r = login("reviewer").post(f"/region/{TOWNSHIP}/plans/propose/", data)
    assert r.status_code == 400 and message in r.content.decode()
    assert PlanRun.objects.count() == 0


def test_a_county_is_planned_from_the_web(world, login) -> None:
    c = login("admin")
    page = c.get(f"/region/{COUNTY}/plans/").content.decode()
    assert f"/region/{COUNTY}/plans/propose/" in page and "约需半分钟" in page
    assessment_run(year=YEAR, by="setup")
    run = plan_area(region=Region.objects.get(code=VILLAGE), year=YEAR, budget=None, by="村").run
    assert run is not None
    page = c.get(f"/region/{COUNTY}/plans/").content.decode()
    assert "没有覆盖整个区域的测算" in page and f"/region/{COUNTY}/plans/?run={run.pk}" in page
    page = c.get(f"/region/{COUNTY}/plans/?run={run.pk}").content.decode()  # a run inside: all of it
    assert f"第 {run.pk} 次测算：新建村 2020 年帮扶计划" in page and "部分" not in page.split('id="report"')[1][:300]
    r = c.post(f"/region/{COUNTY}/plans/propose/", {"year": YEAR})
    county_run = PlanRun.objects.get(region__code=COUNTY)
    assert r.status_code == 302 and r["Location"].endswith(f"/region/{COUNTY}/plans/?run={county_run.pk}")
    assert county_run.households_in_need >= 1
    assert c.post(f"/region/{COUNTY}/plans/propose/", {"year": YEAR, "budget": "-1"}).status_code == 400


def test_a_province_is_not_planned_from_the_web(world, login) -> None:
    r = login("admin").post("/region/220000000000/plans/propose/", {"year": YEAR})
    assert r.status_code in (400, 404) and PlanRun.objects.count() == 0


def test_overdue_measures_and_visits_are_listed(world, login, plan) -> None:
    c = login("cadre")
    c.post(f"/households/{world.mine.number}/plans/{plan.pk}/accept/", {"state": _plan_state(c, world.mine, plan)})
    page = c.get(f"/region/{VILLAGE}/plans/").content.decode()
    section = page[page.index('id="overdue"'):]
    assert f"逾期未落实的措施：{plan.measures.count()} 项" in section
    assert section.count(f'href="/households/{world.mine.number}/#plans"') == plan.measures.count()
    assert f'href="/households/{world.mine.number}/#visits"' in section  # never visited


def test_links_to_the_plan_pages(world, login, plan) -> None:
    c = login("cadre")
    dashboard = c.get(f"/region/{VILLAGE}/").content.decode()
    assert f'href="/region/{VILLAGE}/plans/"' in dashboard  # in the navigation and by the title
    household = c.get(f"/households/{world.mine.number}/").content.decode()
    assert f'href="/region/{VILLAGE}/plans/"' in household and 'href="#plans"' in household


# -- queries -----------------------------------------------------------------------------------------------
def _more_households(n: int) -> None:
    made = write_many([HouseholdInput(VILLAGE, household_data(), [
        member_data(), member_data("son", born=dt.date(2012, 3, 1), school_status="primary")]) for _ in range(n)],
        by="test")
    assert made
    for h in Household.objects.filter(incomes=None):
        income_set(household=h, year=YEAR, data={"wage_income": "3000"}, expected_version=h.version, by="t")


def _count(client: Client, url: str, django_assert_max_num_queries, limit: int) -> int:  # type: ignore[no-untyped-def]
    cache.clear()
    with django_assert_max_num_queries(limit) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_area_page_does_not_grow_with_households(world, login, django_assert_max_num_queries) -> None:
    assessment_run(year=YEAR, by="setup")
    c = login("admin")
    first = plan_area(region=Region.objects.get(code=VILLAGE), year=YEAR, budget=None, by="t").run
    assert first is not None
    c.get(f"/region/{VILLAGE}/plans/")  # the session's first request records its start
    pages = [f"/region/{VILLAGE}/plans/", f"/region/{TOWNSHIP}/plans/?run={{run}}"]
    few = [_count(c, url.format(run=first.pk), django_assert_max_num_queries, 40) for url in pages]
    _more_households(25)
    assessment_run(year=YEAR, by="setup")
    run = plan_area(region=Region.objects.get(code=VILLAGE), year=YEAR, budget=None, by="t").run
    assert run is not None and run.households_in_need == first.households_in_need + 25
    many = [_count(c, url.format(run=run.pk), django_assert_max_num_queries, 40) for url in pages]
    assert many == few


def test_the_household_page_does_not_grow_with_plans(world, login, plan, django_assert_max_num_queries) -> None:
    c = login("admin")
    c.get(f"/households/{world.mine.number}/")
    one = _count(c, f"/households/{world.mine.number}/", django_assert_max_num_queries, 20)
    c.post(f"/households/{world.mine.number}/plans/{plan.pk}/accept/", {"state": _plan_state(c, world.mine, plan)})
    plan_area(region=Region.objects.get(code=VILLAGE), year=YEAR, budget=None, by="t")  # record + proposal
    for m in Plan.objects.get(household=world.mine, status="accepted").measures.all()[:2]:
        c.post(f"/households/{world.mine.number}/measures/{m.pk}/deliver/",
               {"date": "2020-10-01", "proof_note": "单据"})
    assert Delivery.objects.count() == 2
    two = _count(c, f"/households/{world.mine.number}/", django_assert_max_num_queries, 20)
    assert two == one
