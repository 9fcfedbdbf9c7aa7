"""The household page shows the household's monitoring history — leads with their source and
outcome, the object's period with its category, risk types, plan and delivery, and the
identification case with its steps' dates — and leaves the health facts in it (risk types, the
reasons for a lead, a dismissal's reason) out for a role that may not see them."""

from __future__ import annotations

import datetime as dt

import pytest

from liangfang.monitoring.services.help import object_plan
from liangfang.monitoring.services.leads import application_record, lead_dismiss, leads_to_case
from liangfang.monitoring.services.objects import object_admit
from liangfang.plans.services.delivery import delivery_record
from liangfang.procedures.actors import Actor
from liangfang.procedures.services import step_record
from tests.factories import VILLAGE
from tests.procedures.conftest import minutes

pytestmark = pytest.mark.django_db

D = dt.date
STATEMENT = "家中老人住院，合规自付医疗费用 12,000 元"
DISMISSAL = "入户核查：已获大病保险报销"


@pytest.fixture
def history(world, signed_consent):  # type: ignore[no-untyped-def]
    home = world.mine
    first = application_record(household=home, found_on=D(2022, 3, 1), consent_on=D(2022, 3, 1),
                               risk_types=["illness"], statement=STATEMENT, consent=signed_consent, by="cadre")
    lead_dismiss(lead=first, reason=DISMISSAL, on=D(2022, 3, 3), by="cadre")
    lead = application_record(household=home, found_on=D(2023, 6, 5), consent_on=D(2023, 6, 5),
                              risk_types=["illness", "unstable_work"], statement=STATEMENT, consent=signed_consent,
                              by="cadre")
    cadre = Actor("cadre", "village_cadre", world.regions[VILLAGE])
    case = leads_to_case(leads=[lead], on=D(2023, 6, 5), actor=cadre)
    step_record(case=case, expected_version=case.version, on=D(2023, 6, 7), actor=cadre, people="村两委",
                outcome="属实", attachments=[minutes("consent.png", "consent")])
    obj = object_admit(household=home, on=D(2023, 6, 26), category="edge", risk_types=["illness", "unstable_work"],
                       case_ref=f"程序 #{case.pk}", by="admin", lead=lead)
    plan = object_plan(obj=obj, year=2023, due=D(2023, 9, 24), by="admin")
    delivery_record(measure=plan.measures.get(), date=D(2023, 7, 10), proof_note="验收单 17", by="cadre")
    return case


def test_the_page_shows_the_monitoring_history(world, login, history) -> None:  # type: ignore[no-untyped-def]
    body = login("admin").get(f"/households/{world.mine.number}/").content.decode()
    section = body[body.index('id="monitoring"'):]
    section = section[:section.index("</section>")]
    for text in ["防止返贫监测记录", "边缘易致贫户", "因病", "因务工就业不稳", "2023-06-26", f"程序 #{history.pk}",
                 "最早 2023-12-01 满 6 个月", "开发式帮扶", "2023-07-10", "农户自主申报", STATEMENT, "已排除",
                 DISMISSAL, "入户核查（签授权承诺书） 2023-06-07", "2022-03-01", "已纳入监测"]:
        assert text in section, text


def test_health_facts_in_it_are_left_out_for_a_role_without_them(world, login, history) -> None:  # type: ignore[no-untyped-def]
    body = login("inspector").get(f"/households/{world.mine.number}/").content.decode()
    section = body[body.index('id="monitoring"'):]
    section = section[:section.index("</section>")]
    assert "边缘易致贫户" in section and "2023-06-26" in section and "入户核查（签授权承诺书） 2023-06-07" in section
    for text in ["因病", "因务工就业不稳", STATEMENT, DISMISSAL, "医疗"]:
        assert text not in section, text
    assert "您的角色不可见" in section


def test_a_household_never_monitored_shows_no_section(world, login) -> None:  # type: ignore[no-untyped-def]
    body = login("admin").get(f"/households/{world.mine.number}/").content.decode()
    assert 'id="monitoring"' not in body
