"""Sensitive values by role (see liangfang/accounts/roles.py), on pages and in the export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from liangfang.ids import mask_resident_id
from liangfang.registry.importers.headers import MASK_MARK
from liangfang.registry.importers.workbook import MEMBERS_SHEET, OVERVIEW_SHEET, README_SHEET
from liangfang.registry.models import Household, Member
from liangfang.web import masking
from tests.factories import OTHER_VILLAGE

pytestmark = pytest.mark.django_db


def _head(world) -> Member:  # type: ignore[no-untyped-def]
    return Member.objects.get(household=world.mine, relation="head")


@pytest.mark.parametrize(("persona", "full_id", "full_phone", "full_bank", "health"), [
    ("admin", True, True, True, True),
    ("reviewer", False, True, False, True),
    ("cadre", True, True, False, True),
    ("inspector", False, False, False, False),
])
def test_household_page_masks_by_role(world, login, persona, full_id, full_phone, full_bank, health) -> None:
    body = login(persona).get(f"/households/{world.mine.number}/").content.decode()
    rid = _head(world).resident_id
    assert (rid in body) is full_id
    assert mask_resident_id(rid) in body or full_id
    assert ("13812345678" in body) is full_phone
    assert ("6228480012345678" in body) is full_bank
    assert ("长期慢性病" in body) is health


def test_visit_findings_are_shown_only_to_roles_shown_health_facts(world, login) -> None:  # type: ignore[no-untyped-def]
    from liangfang.plans.services.delivery import visit_record

    visit_record(household=world.mine, date=dt.date(2020, 6, 1), findings="户主高血压复查，已签约家庭医生",
                 by="cadre", cadre=world.cadre)
    for persona in ("admin", "reviewer", "cadre"):
        assert "户主高血压复查" in login(persona).get(f"/households/{world.mine.number}/").content.decode()
    body = login("inspector").get(f"/households/{world.mine.number}/").content.decode()
    assert "户主高血压复查" not in body
    assert "2020-06-01" in body and "王帮扶" in body  # the visit itself is shown: when and by whom
    assert "走访情况常涉及病情，对您的角色不显示" in body


def test_history_masks_sensitive_changes_for_inspectors(world, login) -> None:
    body = login("inspector").get(f"/households/{world.mine.number}/").content.decode()
    assert _head(world).resident_id not in body and "6228480012345678" not in body


def _sheets(response) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_export_holds_the_filtered_households_of_the_region_only(world, login) -> None:
    r = login("cadre").get("/households/export.xlsx?status=not_exited")
    assert r.status_code == 200
    sheets = _sheets(r)
    members = sheets[MEMBERS_SHEET]
    assert {row[0] for row in members[1:]} == {world.mine.number}
    assert [row[0] for row in sheets[OVERVIEW_SHEET][1:]] == [world.mine.number]
    assert _head(world).resident_id in [c for row in members for c in row]


def test_export_masks_for_inspectors(world, login) -> None:
    sheets = _sheets(login("inspector").get("/households/export.xlsx"))
    members = sheets[MEMBERS_SHEET]
    header = list(members[0])
    cells = [c for row in members for c in row]
    assert _head(world).resident_id not in cells and mask_resident_id(_head(world).resident_id) in cells
    for hidden in ("健康状况", "开户银行"):
        assert {row[header.index(hidden)] for row in members[1:]} == {None}
    assert {row[header.index("银行账号")] for row in members[1:]} <= {None, masking.HIDDEN}
    assert len({row[0] for row in members[1:]}) == 3  # the three households of the county
    assert any(MASK_MARK in str(c) for row in sheets[README_SHEET][:5] for c in row)


@pytest.mark.parametrize("persona", ["admin", "reviewer", "cadre", "inspector"])
def test_every_exported_cell_is_the_stored_value_as_shown_to_the_role(world, login, persona) -> None:  # type: ignore[no-untyped-def]
    """Each cell against the slow way: the model's value through ``cell_value`` and the pages'
    masking, column by column as the header names it."""
    from liangfang.accounts.roles import ROLES
    from liangfang.disclosure import CAUSE_FIELDS, HEALTH_FIELDS
    from liangfang.registry.export import cell_value
    from liangfang.registry.importers.workbook import MEMBERS_SPEC

    role = ROLES[world.users[persona].account.role]
    maskers = {"resident_id": masking.resident_id, "phone": masking.phone, "bank_account": masking.bank_account}

    def shown(f, obj):  # type: ignore[no-untyped-def]
        raw = obj.village.code if f.name == "village_code" else getattr(obj, f.name)
        if f.name == "birth_date" and role.resident_id != "full":
            return raw.year  # the masked ID's middle: a year only
        if f.name in maskers:
            return maskers[f.name](role, str(raw)) if raw and getattr(role, f.name) != "hidden" else None
        if (f.name == "bank_name" and role.bank_account == "hidden") or (
                f.name in HEALTH_FIELDS | CAUSE_FIELDS and not role.health):
            return None  # a column the role does not see: blank, the layout keeps it
        return cell_value(f, raw)

    members = _sheets(login(persona).get("/households/export.xlsx"))[MEMBERS_SHEET]
    columns = {c.header: c for c in MEMBERS_SPEC.columns}
    assert list(members[0]) == list(columns)  # the import layout, whatever the role
    assert len(members) > 1
    for row in members[1:]:
        member = Member.objects.get(household__number=row[0], is_active=True,
                                    resident_id__endswith=_tail(row, members[0]), name=row[list(columns).index("姓名")])
        expected = [shown(columns[h].field, member.household if columns[h].group == "household" else member)
                    for h in members[0]]
        assert list(row) == [_as_read(v) for v in expected]


def test_an_administrators_export_imports_again_unchanged(world, login, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from liangfang.registry.importers import import_file

    r = login("admin").get("/households/export.xlsx")
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"".join(r.streaming_content))
    result = import_file(path, by="t", dry_run=True, write_errors=False)
    assert not result.errors, result.errors
    assert not [w for w in result.warnings if OVERVIEW_SHEET in w.sheet]  # the overview sheet is known
    assert result.report is not None and result.report.households_unchanged == Household.objects.count()
    assert result.report.households_updated == result.report.households_created == 0


def test_the_overview_sheet_says_who_what_and_why(world, login) -> None:
    from django.core.cache import cache
    from typer.testing import CliRunner

    from liangfang.cli import app
    from liangfang.monitoring.selectors import category_choices
    from liangfang.monitoring.services.objects import object_admit

    assert CliRunner().invoke(app, ["assess", "--year", "2020"]).exit_code == 0
    object_admit(household=world.mine, on=dt.date(2023, 6, 26), category="edge", risk_types=["illness"],
                 case_ref="程序 #1", by="admin")
    cache.clear()
    overview = _sheets(login("admin").get("/households/export.xlsx"))[OVERVIEW_SHEET]
    assert list(overview[0]) == ["户编号", "户主", "乡镇", "行政村", "帮扶责任人", "收入年度", "人均纯收入（元）",
                                 "未达标指标", "监测对象类型"]
    row = next(r for r in overview if r[0] == world.mine.number)
    assert row[1] == _head(world).name and row[2] == "金祥乡" and row[3] == "新建村" and row[4] == "王帮扶"
    assert row[5] == 2020 and row[6] == pytest.approx(float(world.mine.incomes.get(year=2020).per_capita_net_income))
    from liangfang.assessments.models import IndicatorResult

    failing = IndicatorResult.objects.filter(level="household", subject_id=world.mine.pk,
                                             status__in=("fail", "no_data")).count()
    assert (len(str(row[7]).split("、")) if row[7] else 0) == failing
    assert row[8] == dict(category_choices("zh"))["edge"]
    assert all(r[8] is None for r in overview[1:] if r[0] != world.mine.number)


def _as_read(value: object) -> object:
    """A written value as openpyxl reads it back (dates as datetimes, whole decimals as ints)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _tail(row: tuple, header: tuple) -> str:  # type: ignore[type-arg]
    """The last four characters of the member's resident ID cell (masked or not)."""
    return str(row[list(header).index("身份证号码")])[-4:]


def test_export_outside_the_region_is_refused(world, login) -> None:
    assert login("cadre").get(f"/households/export.xlsx?region={OTHER_VILLAGE}").status_code == 404


def test_history_masks_a_cadre_number_logged_by_a_pairing(world, login) -> None:
    from liangfang.audit.changelog import record_change

    record_change(by="import", action="pair_cadre", entity="cadre_pairing", entity_id=None,
                  household_number=world.mine.number, changes={"cadre": "220802198401105705"})
    assert "220802198401105705" not in login("reviewer").get(f"/households/{world.mine.number}/").content.decode()
    assert "220802198401105705" in login("admin").get(f"/households/{world.mine.number}/").content.decode()
