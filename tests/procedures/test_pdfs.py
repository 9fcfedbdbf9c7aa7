"""Notices, announcements and household cards are A4 PDFs in Chinese that never carry a resident ID,
a household's phone, a bank account or a health fact (read back with pdftotext and pypdf)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from liangfang.pairing.services import cadre_pairing_set
from liangfang.plans.models import Plan, PlanMeasure
from liangfang.procedures.cards import cards_pdf, village_households
from liangfang.procedures.models import Notice
from liangfang.procedures.notice_pdf import notice_pdf
from liangfang.procedures.services import announce, notice_post, review_decide
from liangfang.registry.models import Cadre, Household, Member
from liangfang.registry.services.households import income_set

from .conftest import D, World, minutes
from .pdftext import assert_free_of, pages
from .test_cases import _to_notice

HEALTH_WORDS = ["长期慢性病", "患有大病", "残疾", "慢性病", "大病"]


def _secrets(households: list[Household]) -> list[str]:
    out = list(HEALTH_WORDS)
    for h in households:
        out += [h.phone, h.bank_account]
        out += list(Member.objects.filter(household=h).values_list("resident_id", flat=True))
    return [s for s in out if s]


def test_the_notice_lists_heads_groups_and_sizes_with_the_period_and_where_to_object(world: World) -> None:
    Household.objects.filter(pk__in=[h.pk for h in world.households]).update(
        group_name="东屯", bank_account="6228480012345678")
    case = _to_notice(world)
    notice = notice_post(case=case, expected_version=case.version, on=D(2020, 11, 6), actor=world.cadre)
    pdf = notice_pdf(notice)
    assert pdf.startswith(b"%PDF") and pages(pdf) == 1
    found = assert_free_of(pdf, _secrets([Household.objects.get(pk=h.pk) for h in world.households]))
    heads = Member.objects.filter(household__in=world.households[:2], relation="head").values_list("name", flat=True)
    for name in heads:
        assert name in found
    assert "东屯" in found and "拟脱贫退出" in found
    assert "2020年11月06日至2020年11月13日" in found and "0436-1234567" in found
    assert "共2户2人" in found


def test_the_announcement_covers_the_batch_and_is_free_of_private_facts(world: World) -> None:
    cases = []
    for households in (world.households[:1], world.households[1:3]):
        case = _to_notice(world, households)
        notice_post(case=case, expected_version=case.version, on=D(2020, 11, 6), actor=world.cadre)
        case.refresh_from_db()
        case = review_decide(case=case, expected_version=case.version, on=D(2020, 11, 16), actor=world.reviewer,
                             approve=True)
        case = review_decide(case=case, expected_version=case.version, on=D(2020, 11, 18), actor=world.admin,
                             approve=True)
        cases.append(case)
    notice = announce(cases={c: c.version for c in cases}, on=D(2020, 11, 25), actor=world.admin)
    assert Notice.objects.get(pk=notice.pk).cases.count() == 2
    found = assert_free_of(notice_pdf(notice), _secrets(world.households))
    assert "共3户3人" in found and "脱贫退出" in found and "公告" in found


def test_household_cards_show_masked_ids_the_cadre_policies_measures_and_income(world: World) -> None:
    h = world.households[0]
    income_set(household=h, year=2020, data={"wage_income": "9000", "transfer_minimum_living": "1200",
                                             "transfer_pension": "1320"}, expected_version=h.version, by="setup")
    cadre = Cadre.objects.create(name="王帮扶", unit_name="区财政局", post="科员", phone="13900001111",
                                 unit_level="county")
    h.refresh_from_db()
    cadre_pairing_set(household=h, cadre=cadre, start_date=dt.date(2016, 1, 1), expected_version=h.version,
                      by="setup")
    plan = Plan.objects.create(household=h, year=2020, version=1, status="accepted", pack="cn-national",
                               created_by="setup")
    head = Member.objects.get(household=h, relation="head")
    for code, category, cost in (("courtyard_economy", "industry", "3000"),
                                 ("serious_illness_relief", "health", "8000")):
        PlanMeasure.objects.create(plan=plan, measure=code, member=head if category == "health" else None,
                                   stage="close", status="accepted", category=category, cost=Decimal(cost),
                                   fund_source="fiscal", due_date=dt.date(2020, 10, 31), reason_zh="x", reason_en="x")
    households = village_households(world.regions[h.village.code].pk)
    pdf = cards_pdf(households, 2020)
    assert pages(pdf) == len(households) == 3
    found = assert_free_of(pdf, _secrets(households))
    rid = Member.objects.get(household=h, relation="head").resident_id
    assert f"{rid[:6]}********{rid[-4:]}" in found
    assert "王帮扶" in found and "13900001111" in found
    assert "低保金" in found and "1,200.00" in found and "养老保险金" in found
    assert f"{Decimal('11520'):,.2f}" in found  # the year's net income
    assert "庭院经济" in found and "3,000.00" in found and "健康扶贫" in found and "8,000.00" in found
    assert "大病救治" not in found  # a health measure's name says what illness someone has


def test_a_long_run_of_cards_is_laid_out_in_parts_and_joined_in_order(world: World, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from liangfang.procedures import cards

    monkeypatch.setattr(cards, "PART", 1)
    settings.LIANGFANG_PDF_WORKERS = 2
    households = village_households(world.households[0].village_id)
    pdf = cards_pdf(households, 2020)
    assert pages(pdf) == 3
    found = assert_free_of(pdf, _secrets(households))
    assert found.index(households[0].number) < found.index(households[1].number) < found.index(households[2].number)


def test_a_monitoring_notice_and_its_announcement_are_free_of_private_facts(world: World) -> None:
    from liangfang.monitoring.services.leads import application_record, leads_to_case
    from liangfang.procedures.services import step_record

    homes = world.households[:2]
    Household.objects.filter(pk__in=[h.pk for h in homes]).update(bank_account="6228480012345678")
    leads = [application_record(household=h, found_on=D(2023, 6, 5), consent_on=D(2023, 6, 5),
                                risk_types=["illness", "disability"], statement="住院治疗尿毒症",
                                consent=minutes("授权承诺书.png", "consent"), by="cadre")
             for h in homes]
    case = leads_to_case(leads=leads, on=D(2023, 6, 5), actor=world.cadre)
    for on, files in ((D(2023, 6, 6), [minutes("consent.png", "consent")]), (D(2023, 6, 7), []),
                      (D(2023, 6, 8), [minutes()])):
        case = step_record(case=case, expected_version=case.version, on=on, actor=world.cadre, outcome="属实",
                           attachments=files)
    notice = notice_post(case=case, expected_version=case.version, on=D(2023, 6, 9), actor=world.cadre)
    secrets = [*_secrets([Household.objects.get(pk=h.pk) for h in homes]), "尿毒症", "因病", "因残"]
    found = assert_free_of(notice_pdf(notice), secrets)
    assert "共2户2人" in found and "监测" in found
    case.refresh_from_db()
    for actor, on in ((world.reviewer, D(2023, 6, 19)), (world.admin, D(2023, 6, 20))):
        case = review_decide(case=case, expected_version=case.version, on=on, actor=actor, approve=True)
    announcement = announce(cases={case: case.version}, on=D(2023, 6, 21), actor=world.admin)
    found = assert_free_of(notice_pdf(announcement), secrets)
    assert "共2户2人" in found and "公告" in found
