"""A village cadre records a household's own application (农户自主申报) on the web: the form, each
field refused beside it in the session's language, the signed consent checked and stored by its
hash, region scoping and roles; finding the household from the monitoring page; the month's
screening run for a village; each object's plan, delivery and the date the months condition is met."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from liangfang.monitoring.models import Lead
from liangfang.monitoring.services.help import object_plan
from liangfang.monitoring.services.months import months_set
from liangfang.monitoring.services.objects import object_admit
from liangfang.plans.services.delivery import delivery_record
from liangfang.procedures.services import Upload
from liangfang.procedures.services.attachments import path_of
from liangfang.registry.models import Household
from tests.factories import COUNTY, OTHER_VILLAGE, TOWNSHIP, VILLAGE
from tests.monitoring.conftest import months_of

from .conftest import World

D = dt.date
Login = Callable[[str], Client]


def _url(household: Household) -> str:
    return f"/households/{household.number}/monitoring/apply/"


def _data(scan: Upload | None, **change: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"found_on": "2023-06-05", "consent_on": "2023-06-05",
                            "risk_types": ["illness", "accident"], "statement": "车祸住院，自付医疗费约 3 万元"}
    if scan is not None:
        data["consent_file"] = SimpleUploadedFile(scan.name, scan.content, content_type="image/png")
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


def _beside(page: str, field: str) -> str:
    """The error text shown in the field's own block of the form (marked invalid, the error under it)."""
    assert f'<div class="field invalid" data-field="{field}">' in page, f"{field} is not marked invalid"
    return " ".join(re.findall(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S))


def test_the_cadre_opens_the_form_from_the_household_page(world: World, login: Login) -> None:
    cadre = login("cadre")
    page = cadre.get(f"/households/{world.mine.number}/").content.decode()
    assert _url(world.mine) in page and "登记农户自主申报" in page
    form = cadre.get(_url(world.mine))
    body = form.content.decode()
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in body
    assert 'name="consent_file"' in body and 'accept="application/pdf,image/jpeg,image/png"' in body
    assert "因病" in body or "疾病" in body  # the pack's risk types, in Chinese
    assert 'value="illness"' in body and 'type="checkbox"' in body


def test_a_valid_application_becomes_an_open_lead_with_its_consent_stored(world: World, login: Login,
                                                                          signed_consent: Upload) -> None:
    cadre = login("cadre")
    response = cadre.post(_url(world.mine), _data(signed_consent))
    assert response.status_code == 302 and response["Location"] == f"/households/{world.mine.number}/#monitoring"
    lead = Lead.objects.get(household=world.mine)
    digest = hashlib.sha256(signed_consent.content).hexdigest()
    assert (lead.channel, lead.status, lead.risk_types, lead.created_by) == (
        "self_application", "open", ["illness", "accident"], "cadre")
    assert (lead.found_on, lead.consent_on, lead.consent_sha256) == (D(2023, 6, 5), D(2023, 6, 5), digest)
    assert lead.reasons[0]["zh"] == "车祸住院，自付医疗费约 3 万元"
    assert path_of(digest).read_bytes() == signed_consent.content
    page = cadre.get(response["Location"]).content.decode()
    assert "申请已登记" in page and f"入户核查期限 {lead.home_check_due}" in page
    consent = cadre.get(f"/households/{world.mine.number}/leads/{lead.pk}/consent/")
    assert consent.status_code == 200 and b"".join(consent.streaming_content) == signed_consent.content  # type: ignore[attr-defined]
    assert f"/leads/{lead.pk}/consent/" in page
    # the scan shows the full ID and the illness: not opened by the read-only inspector, nor linked
    inspector = login("inspector")
    assert inspector.get(f"/households/{world.mine.number}/leads/{lead.pk}/consent/").status_code == 403
    assert f"/leads/{lead.pk}/consent/" not in inspector.get(response["Location"]).content.decode()


@pytest.mark.parametrize(("change", "field", "says"), [
    ({"found_on": None}, "found_on", "必填"),
    ({"found_on": "2023-13-01"}, "found_on", "有效的日期"),
    ({"found_on": "2020-12-31"}, "found_on", "2021-01-01"),
    ({"consent_on": None}, "consent_on", "须有签署的授权承诺书日期"),
    ({"consent_on": (dt.date.today() + dt.timedelta(days=1)).isoformat()}, "consent_on", "至今天"),
    ({"risk_types": None}, "risk_types", "风险类型须为"),
    ({"risk_types": ["no_such_risk"]}, "risk_types", "no_such_risk"),
    ({"statement": "  "}, "statement", "须写明依据"),
    ({"consent_file": None}, "consent_file", "须附签署的授权承诺书"),
])
def test_each_wrong_field_is_refused_beside_it(world: World, login: Login, signed_consent: Upload,
                                               change: dict[str, Any], field: str, says: str) -> None:
    data = _data(signed_consent, **change)
    response = login("cadre").post(_url(world.mine), data)
    assert response.status_code == 400
    assert says in _beside(response.content.decode(), field)
    assert not Lead.objects.exists()


@pytest.mark.parametrize(("content", "says"), [(b"%PDF-1.4 not really", "不是可读的 PDF、JPEG 或 PNG"),
                                               (b"", "空文件"), (b"\x89PNG\r\n\x1a\n" + b"0" * 600, "超过上限")])
def test_a_bad_attachment_is_refused_beside_the_file_field(world: World, login: Login, signed_consent: Upload,
                                                           settings, content: bytes, says: str) -> None:  # type: ignore[no-untyped-def]
    settings.LIANGFANG_ATTACHMENT_MAX_BYTES = 500
    data = _data(None, consent_file=SimpleUploadedFile("扫描.png", content, content_type="image/png"))
    response = login("cadre").post(_url(world.mine), data)
    assert response.status_code == 400
    assert says in _beside(response.content.decode(), "consent_file")
    assert not Lead.objects.exists() and not (settings.VAR_DIR / "attachments").exists()


def test_errors_are_in_the_sessions_language(world: World, login: Login, signed_consent: Upload) -> None:
    cadre = login("cadre")
    cadre.post("/i18n/setlang/", {"language": "en", "next": "/"})
    form = cadre.get(_url(world.mine)).content.decode()
    assert "Signed consent to look up its data" in form and "Date of the application" in form
    response = cadre.post(_url(world.mine), _data(signed_consent, statement="", risk_types=None))
    page = response.content.decode()
    assert "say why this is a lead" in _beside(page, "statement")
    assert "risk types must be among" in _beside(page, "risk_types")
    assert "须写明依据" not in page


def test_a_household_with_an_open_lead_is_refused_above_the_form(world: World, login: Login,
                                                                 signed_consent: Upload) -> None:
    cadre = login("cadre")
    assert cadre.post(_url(world.mine), _data(signed_consent)).status_code == 302
    again = cadre.post(_url(world.mine), _data(signed_consent, found_on="2023-07-01"))
    assert again.status_code == 400 and "已有待办线索" in again.content.decode()
    assert Lead.objects.count() == 1


def test_another_villages_cadre_gets_not_found_and_records_nothing(world: World, login: Login,
                                                                   signed_consent: Upload) -> None:
    other = login("other_cadre")
    assert other.get(_url(world.mine)).status_code == 404
    assert other.post(_url(world.mine), _data(signed_consent)).status_code == 404
    assert not Lead.objects.exists()
    login("cadre").post(_url(world.mine), _data(signed_consent))
    lead = Lead.objects.get()
    assert other.get(f"/households/{world.mine.number}/leads/{lead.pk}/consent/").status_code == 404
    assert login("cadre").get(f"/households/{world.theirs.number}/leads/{lead.pk}/consent/").status_code == 404


def test_a_role_that_may_not_record_is_forbidden(world: World, login: Login, signed_consent: Upload) -> None:
    inspector = login("inspector")
    assert inspector.get(_url(world.mine)).status_code == 403
    assert inspector.post(_url(world.mine), _data(signed_consent)).status_code == 403
    assert inspector.get(f"/region/{COUNTY}/monitoring/apply/?q=测试").status_code == 403
    assert _url(world.mine) not in inspector.get(f"/households/{world.mine.number}/").content.decode()
    assert not Lead.objects.exists()


def test_the_monitoring_page_finds_the_household_inside_the_region(world: World, login: Login) -> None:
    cadre = login("cadre")
    assert "/monitoring/apply/" in cadre.get(f"/region/{VILLAGE}/monitoring/").content.decode()
    found = cadre.get(f"/region/{VILLAGE}/monitoring/apply/", {"q": world.mine.number})
    assert found.status_code == 200 and _url(world.mine) in found.content.decode()
    theirs = cadre.get(f"/region/{VILLAGE}/monitoring/apply/", {"q": world.theirs.number}).content.decode()
    assert _url(world.theirs) not in theirs
    assert cadre.get(f"/region/{OTHER_VILLAGE}/monitoring/apply/", {"q": "x"}).status_code == 404


def _poor_months(*households: Household) -> None:
    for h in households:
        months_set(household=h, months=months_of(202206, 202305, wage_income="300"), by="test")


def test_a_cadre_screens_the_month_for_the_village_and_sees_why(world: World, login: Login) -> None:
    _poor_months(world.mine, world.theirs)
    cadre = login("cadre")
    response = cadre.post(f"/region/{VILLAGE}/monitoring/screen/", {"month": "2023-06"})
    assert response.status_code == 302 and response["Location"].endswith("?month=2023-06")
    lead = Lead.objects.get()  # the other village's household is not screened from this village
    assert (lead.household_id, lead.channel, lead.month) == (world.mine.pk, "cadre_screening", 202306)
    page = cadre.get(response["Location"]).content.decode()
    assert "2023-06 排查：触发 1 户，登记线索 1 条" in page
    assert "近12个月人均纯收入" in page and world.mine.number in page
    again = cadre.post(f"/region/{VILLAGE}/monitoring/screen/", {"month": "2023-06"}, follow=True)
    assert "触发 1 户，登记线索 0 条，1 户已在跟进" in again.content.decode()
    inspector = login("inspector").get(f"/region/{VILLAGE}/monitoring/?month=2023-06").content.decode()
    assert world.mine.number in inspector and "近12个月人均纯收入" not in inspector  # why: withheld with health


def test_screening_is_refused_above_a_township_and_for_a_read_only_role(world: World, login: Login) -> None:
    _poor_months(world.mine)
    page = login("admin").post(f"/region/{COUNTY}/monitoring/screen/", {"month": "2023-06"}, follow=True)
    assert "请在村或乡镇的监测页面进行排查" in page.content.decode()
    assert login("inspector").post(f"/region/{COUNTY}/monitoring/screen/", {"month": "2023-06"}).status_code == 403
    assert login("other_cadre").post(f"/region/{VILLAGE}/monitoring/screen/", {"month": "2023-06"}).status_code == 404
    assert not Lead.objects.exists()
    assert login("reviewer").post(f"/region/{TOWNSHIP}/monitoring/screen/", {"month": "2023-06"}).status_code == 302
    assert Lead.objects.get().household_id == world.mine.pk


def test_each_object_shows_its_plan_delivery_and_the_months_condition(world: World, login: Login,
                                                                       django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    cadre = login("cadre")
    url = f"/region/{VILLAGE}/monitoring/?month=2023-07"
    obj = object_admit(household=world.mine, on=D(2023, 5, 29), category="unstable", risk_types=["illness"],
                       case_ref="t", by="t")
    plan = object_plan(obj=obj, year=2023, due=D(2023, 8, 27), by="admin")
    cadre.get(url)
    with django_assert_max_num_queries(100) as one:
        cadre.get(url)
    object_admit(household=world.mine_exited, on=D(2023, 6, 2), category="edge", risk_types=["illness"],
                 case_ref="t", by="t")
    with django_assert_max_num_queries(len(one.captured_queries)):  # a second object costs no query
        page = cadre.get(url).content.decode()
    rows = {m.group(1): m.group(2) for m in re.finditer(r'<tr class="object"><td><a [^>]*>(\d+)</a></td>(.*?)</tr>',
                                                         page, re.S)}
    mine, exited = rows[world.mine.number], rows[world.mine_exited.number]
    assert "脱贫不稳定户" in mine and "未落实" in mine and "2023-11-01" in mine
    assert "尚无计划" in exited and "2023-12-01" in exited
    delivery_record(measure=plan.measures.get(), date=D(2023, 7, 10), proof_note="验收单 17", by="cadre")
    page = cadre.get(url).content.decode()
    assert "2023-07-10" in page and "未落实" not in page
