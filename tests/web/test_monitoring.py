"""The monitoring page: a county's figures for a month, a village cadre's open leads turned into
a case or dismissed with a reason, and the objects with the date the months condition is met."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from liangfang.monitoring.models import Lead
from liangfang.monitoring.services.leads import application_record
from liangfang.monitoring.services.objects import object_admit
from liangfang.procedures.services import Upload
from tests.factories import COUNTY, VILLAGE

from .conftest import World

D = dt.date


def _setup(world: World, consent: Upload) -> Lead:
    object_admit(household=world.mine_exited, on=D(2023, 5, 29), category="unstable", risk_types=["illness"],
                 case_ref="t", by="t")
    return application_record(household=world.mine, found_on=D(2023, 5, 8), consent_on=D(2023, 5, 8),
                              risk_types=["accident"], statement="车祸住院 / in hospital after an accident",
                              consent=consent, by="t")


def test_the_county_sees_the_months_figures(world: World, login: Callable[[str], Client],
        signed_consent: Upload) -> None:
    _setup(world, signed_consent)
    page = login("admin").get(f"/region/{COUNTY}/monitoring/?month=2023-05")
    assert page.status_code == 200
    text = page.content.decode()
    assert "月末监测对象（户）" in text and "2023-05" in text
    figures = page.context["figures"]
    assert (figures.objects, figures.new, figures.open_leads, figures.overdue_home_checks) == (1, 1, 1, 1)
    assert world.mine.number in text and world.mine_exited.number in text
    assert "2023-11-01" in text  # entered 29 May: the months condition is met from 1 November
    assert "13812345678" not in text


def test_a_cadre_dismisses_a_lead_with_a_reason_or_opens_a_case(world: World, login: Callable[[str], Client],
        signed_consent: Upload) -> None:
    lead = _setup(world, signed_consent)
    cadre = login("cadre")
    url = f"/region/{VILLAGE}/monitoring/leads/{lead.pk}/"
    cadre.post(url, {"action": "dismiss", "reason": " "})
    assert Lead.objects.get(pk=lead.pk).status == "open"  # no reason: refused
    cadre.post(url, {"action": "case"})
    lead.refresh_from_db()
    assert lead.status == "case" and lead.case is not None and lead.case.kind == "monitoring_identification"


def test_another_villages_cadre_cannot_act(world: World, login: Callable[[str], Client],
        signed_consent: Upload) -> None:
    lead = _setup(world, signed_consent)
    login("other_cadre").post(f"/region/{VILLAGE}/monitoring/leads/{lead.pk}/", {"action": "case"})
    assert Lead.objects.get(pk=lead.pk).status == "open"
    assert login("inspector").post(f"/region/{COUNTY}/monitoring/leads/{lead.pk}/", {"action": "case"}
                                   ).status_code == 403


def test_a_lead_deadline_in_a_year_without_published_holidays_is_marked_provisional(
        world: World, login: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch, signed_consent: Upload) -> None:
    from liangfang.procedures import workdays

    first, _ = workdays._library_years()
    monkeypatch.setattr(workdays, "_library_years", lambda: (first, 2026))  # as chinesecalendar 1.11.0
    monkeypatch.delenv("LIANGFANG_HOLIDAYS", raising=False)
    monkeypatch.delenv("LIANGFANG_MONITORING_PACK", raising=False)
    lead = application_record(household=world.mine, found_on=D(2026, 12, 4), consent_on=D(2026, 12, 4),
                              risk_types=["accident"], statement="车祸", consent=signed_consent, by="t")
    assert (lead.home_check_due, lead.identification_due) == (D(2026, 12, 11), D(2027, 1, 1))
    marked = "按周末推算，待公布2027年节假日安排后复核"
    page = login("cadre").get(f"/region/{VILLAGE}/monitoring/?month=2026-12").content.decode()
    assert "2027-01-01" in page and page.count(marked) == 1  # the identification due; the home check is final
    assert "暂定期限" in page
    en = login("cadre")
    en.cookies["django_language"] = "en"
    page = en.get(f"/region/{VILLAGE}/monitoring/?month=2026-12", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count("to be re-checked once the public holidays of 2027 are published") == 1
    assert "provisional deadline" in page and marked not in page


def test_a_small_count_by_illness_is_withheld_from_a_role_without_health_facts(
        world: World, login: Callable[[str], Client], signed_consent: Upload) -> None:
    """One object by illness (因病 1) beside the list of the area's objects would name the ill household:
    the inspector (no health facts) sees no counts by risk type, the county administrator sees them."""
    _setup(world, signed_consent)
    url = f"/region/{COUNTY}/monitoring/?month=2023-05"
    inspector = login("inspector").get(url)
    assert inspector.status_code == 200
    text = inspector.content.decode()
    assert world.mine_exited.number in text  # the object is listed ...
    assert "因病" not in text and "不予显示（健康信息）" in text  # ... its illness is not
    admin = login("admin").get(url).content.decode()
    assert "因病" in admin and "不予显示（健康信息）" not in admin
