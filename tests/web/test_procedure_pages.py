"""The procedure pages: a cadre opens an exit case and records it step by step, the township and
the county review, the county announces; outsiders get 404; every PDF is free of private facts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from liangfang.procedures.models import Attachment, Case, Notice
from liangfang.registry.models import Household, Member, Region
from tests.factories import TOWNSHIP
from tests.procedures.pdftext import assert_free_of, pages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def attachments_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    Region.objects.filter(code=TOWNSHIP).update(office_phone="0436-7654321")


def _png() -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buf, "PNG")
    buf.seek(0)
    buf.name = "minutes.png"
    return buf


def _secrets(*households: Household) -> list[str]:
    out = ["长期慢性病", "患有大病", "残疾"]
    for h in households:
        out += [h.phone, h.bank_account, *Member.objects.filter(household=h).values_list("resident_id", flat=True)]
    return [s for s in out if s]


def _open(c, world) -> Case:  # type: ignore[no-untyped-def]
    r = c.post("/procedures/new/", {"kind": "cn-national|household_exit", "year": "2020", "on": "2020-11-02",
                                     "subject": [world.mine.number]})
    assert r.status_code == 302, r.content.decode()[:2000]
    return Case.objects.get()


def _act(c, case: Case, action: str, data: dict[str, object], status: int = 302):  # type: ignore[no-untyped-def]
    case.refresh_from_db()
    r = c.post(f"/procedures/{case.pk}/{action}/", {"version": case.version, **data})
    assert r.status_code == status, r.content.decode()[:3000]
    return r


def test_an_exit_case_through_the_pages(world, login) -> None:  # type: ignore[no-untyped-def]
    cadre, reviewer, admin = login("cadre"), login("reviewer"), login("admin")
    case = _open(cadre, world)
    _act(cadre, case, "record", {"on": "2020-11-04", "people": "村两委", "outcome": "同意", "kind": "minutes",
                                  "file": _png()})
    assert Attachment.objects.filter(case=case).count() == 1
    _act(cadre, case, "record", {"on": "2020-11-05", "outcome": "户主签字", "kind": "consent", "file": _png()})
    _act(cadre, case, "post", {"on": "2020-11-06"})
    notice = Notice.objects.get(type="notice")
    _act(cadre, case, "object", {"on": "2020-11-09", "raised_by": "村民李某", "content": "收入不实"})
    page = cadre.get(f"/procedures/{case.pk}/").content.decode()
    assert "计时暂停" in page
    objection = case.steps.get(action="objection")
    _act(cadre, case, "resolve", {"on": "2020-11-10", "objection": objection.pk, "outcome": "核实收入属实，异议不成立"})
    r = _act(reviewer, case, "review", {"on": "2020-11-14", "decision": "approve"}, status=400)
    assert "不能提前" in r.content.decode()
    _act(reviewer, case, "review", {"on": "2020-11-17", "decision": "approve"})  # 9–10 Nov paused: ends Mon 16
    _act(admin, case, "review", {"on": "2020-11-19", "decision": "approve"})
    case.refresh_from_db()
    r = admin.post("/procedures/announce/", {"case": [case.pk], f"version{case.pk}": case.version,
                                             "on": "2020-11-25", "title": ""})
    assert r.status_code == 302
    h = Household.objects.get(pk=world.mine.pk)
    assert (h.status, h.status_since) == ("exited", dt.date(2020, 11, 25))
    for n in Notice.objects.all():
        pdf = cadre.get(f"/procedures/notices/{n.pk}/pdf/")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert_free_of(pdf.content, _secrets(h))
    assert notice.pk in Notice.objects.values_list("pk", flat=True)


def test_a_case_of_another_village_is_not_found(world, login) -> None:  # type: ignore[no-untyped-def]
    case = _open(login("cadre"), world)
    other = login("other_cadre")
    assert other.get(f"/procedures/{case.pk}/").status_code == 404
    case.refresh_from_db()
    assert other.post(f"/procedures/{case.pk}/record/", {"version": case.version, "on": "2020-11-04",
                                                          "outcome": "x"}).status_code == 404
    attachment_case = login("cadre")
    _act(attachment_case, case, "record", {"on": "2020-11-04", "outcome": "同意", "kind": "minutes", "file": _png()})
    a = Attachment.objects.get()
    assert other.get(f"/procedures/attachments/{a.pk}/").status_code == 404
    assert login("reviewer").get(f"/procedures/attachments/{a.pk}/").status_code == 200
    # a scan cannot be masked: the read-only inspector sees that it exists, not what it holds
    inspector = login("inspector")
    assert inspector.get(f"/procedures/attachments/{a.pk}/").status_code == 403
    page = inspector.get(f"/procedures/{case.pk}/").content.decode()
    assert a.name in page and f"/procedures/attachments/{a.pk}/" not in page
    assert other.get(f"/procedures/cards/household/{world.mine.number}/").status_code == 404


def test_the_wrong_role_is_refused_and_the_inspector_cannot_act(world, login) -> None:  # type: ignore[no-untyped-def]
    case = _open(login("cadre"), world)
    r = _act(login("reviewer"), case, "record", {"on": "2020-11-04", "outcome": "x", "kind": "minutes",
                                                 "file": _png()}, status=400)
    assert "村干部" in r.content.decode()
    case.refresh_from_db()
    assert login("inspector").post(f"/procedures/{case.pk}/record/", {"version": case.version}).status_code == 403
    assert login("inspector").get(f"/procedures/{case.pk}/").status_code == 200


def test_a_stale_version_is_refused_with_409(world, login) -> None:  # type: ignore[no-untyped-def]
    c = login("cadre")
    case = _open(c, world)
    stale = case.version
    _act(c, case, "record", {"on": "2020-11-04", "outcome": "同意", "kind": "minutes", "file": _png()})
    r = c.post(f"/procedures/{case.pk}/record/", {"version": stale, "on": "2020-11-05", "outcome": "认可",
                                                  "kind": "consent", "file": _png()})
    assert r.status_code == 409 and "已被他人办理" in r.content.decode()


def test_cards_of_a_village_are_one_page_per_household_and_free_of_private_facts(world, login) -> None:  # type: ignore[no-untyped-def]
    r = login("cadre").get(f"/procedures/cards/village/{world.mine.village.code}/?year=2020")
    assert r.status_code == 200
    households = list(Household.objects.filter(village=world.mine.village, is_registered=True))
    assert pages(r.content) == len(households)
    found = assert_free_of(r.content, _secrets(*households))
    assert "王帮扶" in found and "13900001111" in found


def test_the_board_and_the_lists_render_for_every_persona(world, login) -> None:  # type: ignore[no-untyped-def]
    case = _open(login("cadre"), world)
    for persona in ("admin", "reviewer", "cadre", "inspector"):
        c = login(persona)
        assert c.get("/procedures/").status_code == 200
        assert c.get("/procedures/?all=1").status_code == 200
        assert c.get(f"/procedures/board/{world.mine.village.code}/").status_code == 200
        assert c.get(f"/procedures/{case.pk}/").status_code == 200
    assert login("other_cadre").get(f"/procedures/board/{world.mine.village.code}/").status_code == 404
    assert login("cadre").get("/procedures/announce/").status_code == 404


def test_a_deadline_in_a_year_without_published_holidays_is_marked_provisional(  # type: ignore[no-untyped-def]
        world, login, tmp_path, monkeypatch) -> None:
    from liangfang.procedures import workdays
    from liangfang.procedures.actors import Actor
    from liangfang.procedures.services import Upload, case_open, notice_post, step_record

    first, _ = workdays._library_years()
    monkeypatch.setattr(workdays, "_library_years", lambda: (first, 2026))  # as chinesecalendar 1.11.0
    monkeypatch.delenv("LIANGFANG_HOLIDAYS", raising=False)
    pack = tmp_path / "county.yaml"
    pack.write_text("pack: test-county\nversion: '1'\nextends: cn-national\nprocedures:\n  household_exit:\n"
                    "    to_year: null\nnotice_periods:\n  household_exit:\n    days: 30\n", encoding="utf-8")
    cadre = Actor("cadre", "village_cadre", world.mine.village)
    case = case_open(kind="household_exit", year=2026, households=[world.mine], on=dt.date(2026, 11, 20),
                     actor=cadre, pack=str(pack))
    case = step_record(case=case, expected_version=case.version, on=dt.date(2026, 11, 23), actor=cadre, outcome="同意",
                       attachments=[Upload("minutes", "m.png", _png().getvalue())])
    c = login("cadre")
    page = c.get(f"/procedures/{case.pk}/").content.decode()
    assert "按周末推算" not in page, page[page.find("class=\"due\""):][:300]  # due within 2026: final
    step_record(case=case, expected_version=case.version, on=dt.date(2026, 11, 24), actor=cadre, outcome="认可",
                attachments=[Upload("consent", "c.png", _png().getvalue())])
    case.refresh_from_db()
    notice = notice_post(case=case, expected_version=case.version, on=dt.date(2026, 12, 4), actor=cadre)
    marked = "按周末推算，待公布2027年节假日安排后复核"
    for url in (f"/procedures/{case.pk}/", "/procedures/?all=1", f"/procedures/notices/{notice.pk}/",
                f"/procedures/board/{world.mine.village.code}/"):
        page = c.get(url).content.decode()
        assert "2027-01-04" in page and marked in page, url
    en = login("cadre")
    en.cookies["django_language"] = "en"
    assert "to be re-checked once the public holidays of 2027 are published" in en.get(
        f"/procedures/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_procedure_pages_words_come_from_the_catalogues(world, login) -> None:  # type: ignore[no-untyped-def]
    import re
    from pathlib import Path

    from django.utils import translation

    import liangfang.procedures

    folder = Path(liangfang.procedures.__file__).parent
    sources = [p.read_text(encoding="utf-8") for p in (folder / "jinja2" / "procedures").glob("*.html")]
    sources.append((folder / "web" / "views.py").read_text(encoding="utf-8"))
    assert not any(re.search(r"\bt\(\"", s) for s in sources), "a bilingual pair outside the catalogues"
    msgids = {m for s in sources for m in re.findall(r'\b_\("([^"]+)"\)', s)}
    assert len(msgids) > 60
    with translation.override("zh-hans"):
        untranslated = sorted(m for m in msgids if translation.gettext(m) == m and re.search("[A-Za-z]", m))
    assert not untranslated
    case = _open(login("cadre"), world)
    zh = login("cadre").get(f"/procedures/{case.pk}/").content.decode()
    en_client = login("cadre")
    en_client.cookies["django_language"] = "en"
    en = en_client.get(f"/procedures/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "公示栏" in login("cadre").get("/procedures/").content.decode()
    assert "Due" in en and "期限" in zh
