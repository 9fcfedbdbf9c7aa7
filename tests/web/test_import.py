"""Importing a workbook from the web: the same checks as ``liangfang import``, all or nothing, the
error workbook downloadable by the session that made it, and only into the user's region."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from liangfang.registry.importers.workbook import normalise_header
from liangfang.registry.models import Household, Member
from tests.factories import OTHER_VILLAGE, VILLAGE
from tests.registry.importers.builders import household_rows, save_xlsx

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def data_folder(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path / "var"


def _upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type=XLSX)


def test_a_good_workbook_is_imported(world, login, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = save_xlsx(tmp_path / "good.xlsx", household_rows("2208022010019001") + household_rows("2208022010019002"))
    c = login("cadre")
    checked = c.post("/import/", {"file": _upload(path), "dry_run": "on"})
    assert checked.status_code == 200 and "没有错误" in checked.content.decode()
    assert not Household.objects.filter(number__startswith="220802201001900").exists()
    r = c.post("/import/", {"file": _upload(path)})
    html = r.content.decode()
    assert r.status_code == 200 and "good.xlsx 已导入" in html
    assert Household.objects.filter(number__startswith="220802201001900").count() == 2
    assert Member.objects.filter(household__number="2208022010019001").count() == 2


def test_a_bad_workbook_writes_nothing_and_its_error_workbook_downloads(world, login, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = household_rows("2208022010019001") + household_rows("2208022010019002")
    rows[3]["性别"] = "不详"
    path = save_xlsx(tmp_path / "bad.xlsx", rows)
    c = login("admin")
    r = c.post("/import/", {"file": _upload(path)})
    html = r.content.decode()
    assert r.status_code == 400 and "未写入任何数据" in html and "不详" in html
    assert not Household.objects.filter(number__startswith="220802201001900").exists()  # not even the good one
    token = html.split("/import/errors/")[1].split("/")[0]
    download = c.get(f"/import/errors/{token}/")
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))  # type: ignore[attr-defined]
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert "不详" in cells
    assert login("reviewer").get(f"/import/errors/{token}/").status_code == 404  # another session
    assert c.get("/import/errors/not-a-token/").status_code == 404


def test_only_the_users_region_can_be_imported(world, login, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = save_xlsx(tmp_path / "other.xlsx", household_rows("2208022010029001", village=OTHER_VILLAGE))
    r = login("cadre").post("/import/", {"file": _upload(path)})
    assert r.status_code == 400 and "不在您的区划" in r.content.decode()
    assert not Household.objects.filter(number="2208022010029001").exists()
    ok = login("reviewer").post("/import/", {"file": _upload(path)})
    assert ok.status_code == 200, ok.content.decode()
    assert Household.objects.get(number="2208022010029001").village.code == OTHER_VILLAGE


def test_a_household_of_another_village_cannot_be_moved_in(world, login, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = save_xlsx(tmp_path / "move.xlsx", household_rows(world.theirs.number, village=VILLAGE))
    r = login("cadre").post("/import/", {"file": _upload(path)})
    assert r.status_code == 400 and "不在您的区划" in r.content.decode()
    assert Household.objects.get(pk=world.theirs.pk).village.code == OTHER_VILLAGE


def test_refusals_before_reading(world, login, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c = login("cadre")
    assert c.post("/import/", {}).status_code == 400
    text = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    assert "都不是" in c.post("/import/", {"file": text}).content.decode()
    assert login("inspector").get("/import/").status_code == 403  # a read-only role
    assert c.get("/import/template.xlsx")["Content-Type"] == XLSX


def test_a_reimport_lacking_a_member_lists_them_and_asks(world, login, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = household_rows("2208022010019005", size=3)
    c = login("cadre")
    assert c.post("/import/", {"file": _upload(save_xlsx(tmp_path / "a.xlsx", rows))}).status_code == 200
    lacking = save_xlsx(tmp_path / "b.xlsx", rows[:2])
    name = str(rows[2]["姓名"])
    refused = c.post("/import/", {"file": _upload(lacking)})
    assert refused.status_code == 400 and name in refused.content.decode() and "记为减员" in refused.content.decode()
    assert Member.objects.get(name=name).is_active
    allowed = c.post("/import/", {"file": _upload(lacking), "allow_removals": "on"})
    assert allowed.status_code == 200, allowed.content.decode()
    assert not Member.objects.get(name=name).is_active


def _stale_export(world, login, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """The county office's export of the list, then a page edit: the file is now stale for it."""
    from liangfang.registry.services.households import household_update

    path = tmp_path / "old.xlsx"
    path.write_bytes(login("admin").get("/households/export.xlsx").getvalue())
    h = Household.objects.get(pk=world.mine.pk)
    household_update(household=h, data={"phone": "13811112222"}, expected_version=h.version, by="网页编辑")
    return path


def test_the_county_office_overrides_a_stale_import_from_the_web(world, login, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from liangfang.registry.models import ChangeRecord

    path = _stale_export(world, login, tmp_path)
    c = login("admin")
    assert 'name="override_stale"' in c.get("/import/").content.decode()
    refused = c.post("/import/", {"file": _upload(path), "allow_removals": "on"})
    assert refused.status_code == 400 and world.mine.number in refused.content.decode()
    no_reason = c.post("/import/", {"file": _upload(path), "override_stale": "on", "override_reason": " "})
    assert no_reason.status_code == 400 and "覆盖原因" in no_reason.content.decode()
    assert Household.objects.get(pk=world.mine.pk).phone == "13811112222"
    done = c.post("/import/", {"file": _upload(path), "override_stale": "on", "override_reason": "以乡镇核实表为准"})
    assert done.status_code == 200, done.content.decode()[:2000]
    assert Household.objects.get(pk=world.mine.pk).phone == "13812345678"
    logged = ChangeRecord.objects.get(action="import_override_stale", household_number=world.mine.number)
    assert logged.actor == "admin" and logged.changes["reason"] == "以乡镇核实表为准"


@pytest.mark.parametrize("persona", ["reviewer", "cadre"])
def test_other_roles_cannot_override_a_stale_import(world, login, tmp_path: Path, persona: str) -> None:  # type: ignore[no-untyped-def]
    path = _stale_export(world, login, tmp_path)
    c = login(persona)
    assert 'name="override_stale"' not in c.get("/import/").content.decode()
    crafted = c.post("/import/", {"file": _upload(path), "override_stale": "on", "override_reason": "x"})
    assert crafted.status_code == 403
    assert Household.objects.get(pk=world.mine.pk).phone == "13811112222"


def test_the_lists_export_imports_back_but_its_ancestors_stay_as_they_are(world, login, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The export carries the regions above the user's (so it imports into an empty database);
    read back through the web they are let through unchanged, and refused when edited."""
    c = login("admin")
    path = tmp_path / "export.xlsx"
    path.write_bytes(c.get("/households/export.xlsx").getvalue())
    back = c.post("/import/", {"file": _upload(path)})
    assert back.status_code == 200, back.content.decode()
    book = load_workbook(path)
    regions = book["区划"]
    header = [normalise_header(cell.value) for cell in regions[1]]
    top = next(row for row in regions.iter_rows(min_row=2) if not row[header.index("上级区划代码")].value)
    top[header.index("名称")].value = "改名省"
    book.save(path)
    edited = c.post("/import/", {"file": _upload(path)})
    assert edited.status_code == 400 and "不在您的区划" in edited.content.decode()


@pytest.mark.parametrize(("language", "said", "unsaid"), [("en", "must be a date such as 2016-03-01", "应为日期"),
                                                          ("zh-hans", "应为日期", "must be a date")])
def test_a_cells_problem_is_shown_in_the_sessions_language(world, login, tmp_path: Path, language: str,  # type: ignore[no-untyped-def]
                                                           said: str, unsaid: str) -> None:
    rows = household_rows("2208022010019001")
    rows[1]["出生日期"] = "1960-13-45"
    c = login("admin")
    c.cookies["django_language"] = language
    html = c.post("/import/", {"file": _upload(save_xlsx(tmp_path / "bad.xlsx", rows))}).content.decode()
    assert said in html and unsaid not in html
