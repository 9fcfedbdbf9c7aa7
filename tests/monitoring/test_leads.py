"""Leads from the three channels through one core, dismissal, the department workbook (all or
nothing, row errors), months validation."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from liangfang.domain.problems import ValidationFailed
from liangfang.monitoring.models import Lead, LeadBatch
from liangfang.monitoring.services.department import DepartmentFileError, department_import
from liangfang.monitoring.services.leads import application_record, lead_dismiss
from liangfang.monitoring.services.months import months_set
from liangfang.procedures.services import Upload
from liangfang.procedures.services.attachments import path_of
from liangfang.registry.models import ChangeRecord

from .conftest import D, World, signed_consent


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["户编号", "预警事项", "风险类型", "预警日期", "部门编号"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_application_needs_the_signed_consent_and_gets_working_day_deadlines(world: World) -> None:
    home = world.households[0]
    lead = application_record(household=home, found_on=D(2023, 9, 28), consent_on=D(2023, 9, 28),
                              risk_types=["illness"], statement="户主住院，自付医疗费约3万元",
                              consent=signed_consent(), by="cadre")
    # 中秋、国庆 29 Sep – 6 Oct; 7 and 8 Oct were working days
    assert (lead.home_check_due, lead.identification_due) == (D(2023, 10, 11), D(2023, 11, 1))
    assert lead.channel == "self_application" and lead.category == "unstable"
    with pytest.raises(ValidationFailed, match="已有待办线索"):
        application_record(household=home, found_on=D(2023, 10, 8), consent_on=D(2023, 10, 8),
                           risk_types=["illness"], statement="再次申请",
                           consent=signed_consent(), by="cadre")


def test_the_signed_consent_is_stored_by_its_hash_and_named_in_the_record(world: World) -> None:
    scan = signed_consent()
    lead = application_record(household=world.households[0], found_on=D(2023, 6, 5), consent_on=D(2023, 6, 5),
                              risk_types=["illness"], statement="住院", consent=scan, by="cadre")
    digest = hashlib.sha256(scan.content).hexdigest()
    assert (lead.consent_sha256, lead.consent_type, lead.consent_size) == (digest, "image/png", len(scan.content))
    assert lead.consent_name == "授权承诺书.png" and path_of(digest).read_bytes() == scan.content
    change = ChangeRecord.objects.filter(entity="lead", entity_id=lead.pk).get()
    assert change.changes["consent"] == {"name": "授权承诺书.png", "sha256": digest}


@pytest.mark.parametrize(("change", "field", "says"), [
    ({"consent": None}, "consent_file", "授权承诺书"),
    ({"consent": Upload("consent", "scan.png", b"not a picture")}, "consent_file", "不是可读的"),
    ({"consent_on": None}, "consent_on", "授权承诺书日期"),
    ({"found_on": D(2020, 12, 31)}, "found_on", "2021-01-01"),
    ({"consent_on": dt.date.today() + dt.timedelta(days=1)}, "consent_on", "至今天"),
    ({"statement": "  "}, "reasons", "依据"),
    ({"risk_types": []}, "risk_types", "风险类型"),
])
def test_an_application_is_refused_with_the_field_that_is_wrong(world: World, settings, change: dict[str, object],
                                                              field: str, says: str) -> None:
    args: dict[str, object] = {"household": world.households[0], "found_on": D(2023, 6, 5),
                               "consent_on": D(2023, 6, 5), "risk_types": ["illness"], "statement": "住院",
                               "consent": signed_consent(), "by": "cadre", **change}
    with pytest.raises(ValidationFailed) as err:
        application_record(**args)  # type: ignore[arg-type]
    assert [(p.field, says in p.message) for p in err.value.problems] == [(field, True)]
    assert not Lead.objects.exists() and not (Path(settings.VAR_DIR) / "attachments").exists()


def test_a_lead_is_dismissed_only_with_a_reason(world: World) -> None:
    lead = application_record(household=world.households[1], found_on=D(2023, 3, 1), consent_on=D(2023, 3, 1),
                              risk_types=["disaster"], statement="冰雹",
                              consent=signed_consent(), by="cadre")
    with pytest.raises(ValidationFailed, match="排除原因"):
        lead_dismiss(lead=lead, reason="  ", on=D(2023, 3, 3), by="cadre")
    lead_dismiss(lead=lead, reason="入户核查：保险已赔付，收入高于监测线", on=D(2023, 3, 3), by="cadre")
    lead.refresh_from_db()
    assert (lead.status, lead.checked_on) == ("dismissed", D(2023, 3, 3))
    with pytest.raises(ValidationFailed, match="只能排除"):
        lead_dismiss(lead=lead, reason="again", on=D(2023, 3, 4), by="cadre")


def test_a_department_list_becomes_leads_all_or_nothing(world: World, tmp_path: Path) -> None:
    good = _workbook(tmp_path / "医保局.xlsx", [
        [world.households[0].number, "自付医疗费用 32,000 元", "因病", "2023-05-10", "YB-1"],
        [world.households[1].number, "重度残疾新办证", "disability", "2023-05-11", "CL-9"],
    ])
    result = department_import(good, department="县医保局", by="county")
    assert len(result.outcome.created) == 2
    lead = Lead.objects.get(household=world.households[0])
    assert (lead.channel, lead.source_name, lead.source_ref, lead.risk_types) == (
        "department_warning", "县医保局", "YB-1", ["illness"])
    assert lead.batch == result.batch and result.batch.rows == 2

    bad = _workbook(tmp_path / "民政局.xlsx", [
        [world.households[2].number, "新增低保", "因病", "2023-05-12", ""],
        ["220802201001999", "新增特困", "因病", "2023-05-12", ""],
        [world.theirs.number, "", "bad luck", "12/05/2023", ""],
    ])
    with pytest.raises(DepartmentFileError) as err:
        department_import(bad, department="县民政局", by="county")
    lines = [str(e) for e in err.value.errors]
    assert lines[0].startswith("民政局.xlsx 第 3 行 / row 3，户编号（household）= '220802201001999'")
    assert {(e.row, e.field) for e in err.value.errors} == {
        (3, "household"), (4, "warning"), (4, "risk_type"), (4, "found_on")}
    assert not Lead.objects.filter(household=world.households[2]).exists()
    assert LeadBatch.objects.count() == 1


def test_a_department_file_without_the_columns_says_which(world: World, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("户编号,说明\n123,x\n", encoding="utf-8")
    with pytest.raises(DepartmentFileError, match="预警事项 / warning; 风险类型 / risk type; 预警日期 / date"):
        department_import(path, department="县应急局", by="county")


def test_months_are_checked_before_anything_is_written(world: World, record_months: Callable[..., int]) -> None:
    home = world.households[0]
    with pytest.raises(ValidationFailed) as err:
        months_set(household=home, months=[{"month": 202113, "wage_income": "1"},
                                           {"month": 202101, "wage_income": "-5", "shock": "meteor"}], by="t")
    assert {(p.item, p.field) for p in err.value.problems} == {(0, "month"), (1, "wage_income"), (1, "shock")}
    assert record_months(home, 202101, 202112, wage_income="800") == 12
    assert home.months.count() == 12
