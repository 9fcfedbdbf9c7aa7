"""The hash chain catches a row edited, deleted, or swapped by raw SQL (run on SQLite and PostgreSQL
alike: the suite's PostgreSQL run covers the second)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.db import connection

from liangfang.audit.verify import verify_chain
from liangfang.cli.app import app
from liangfang.procedures.models import Case, CaseRecord, CaseSubject, Step
from liangfang.procedures.services import case_open, step_record
from liangfang.registry.models import ChangeRecord
from liangfang.registry.services.households import household_update
from tests.procedures.conftest import D, World, minutes, world  # noqa: F401  (the fixture)


def _sql(statement: str, *params: str | int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def history(world: World) -> World:  # noqa: F811
    """Change records and steps interleaved on one chain."""
    case = case_open(kind="household_exit", year=2020, households=world.households[:2], on=D(2020, 11, 2),
                     actor=world.cadre)
    h = world.households[2]
    household_update(household=h, data={"group_name": "前屯"}, expected_version=h.version, by="cadre")
    step_record(case=case, expected_version=case.version, on=D(2020, 11, 4), actor=world.cadre, outcome="同意",
                attachments=[minutes()])
    h.refresh_from_db()
    household_update(household=h, data={"group_name": "后屯"}, expected_version=h.version, by="cadre")
    assert verify_chain().ok
    return world


def _middle_change() -> ChangeRecord:
    rows = list(ChangeRecord.objects.order_by("seq"))
    return rows[len(rows) // 2]


def _edit_change() -> tuple[str, int]:
    r = _middle_change()
    _sql("UPDATE registry_changerecord SET note = %s WHERE id = %s", "悄悄改过", r.pk)
    return "edited", r.seq


def _edit_change_json() -> tuple[str, int]:
    r = ChangeRecord.objects.filter(action="update").order_by("seq").first()
    assert r is not None
    _sql("UPDATE registry_changerecord SET changes = %s WHERE id = %s", '{"group_name": ["", "别处"]}', r.pk)
    return "edited", r.seq


def _edit_step() -> tuple[str, int]:
    s = Step.objects.get(action="done")
    _sql("UPDATE procedures_step SET outcome = %s WHERE id = %s", "不同意", s.pk)
    return "edited", s.seq


def _delete_step() -> tuple[str, int]:
    s = Step.objects.get(action="open")
    _sql("DELETE FROM procedures_step WHERE id = %s", s.pk)
    return "deleted", s.seq


def _delete_change() -> tuple[str, int]:
    r = _middle_change()
    _sql("DELETE FROM registry_changerecord WHERE id = %s", r.pk)
    return "deleted", r.seq


def _delete_last() -> tuple[str, int]:
    last = ChangeRecord.objects.order_by("-seq").first()
    assert last is not None
    _sql("DELETE FROM registry_changerecord WHERE id = %s", last.pk)
    return "tail_deleted", last.seq - 1


def _swap_seq() -> tuple[str, int]:
    a, b = list(ChangeRecord.objects.order_by("seq"))[1:3]
    _sql("UPDATE registry_changerecord SET seq = -1 WHERE id = %s", a.pk)
    _sql("UPDATE registry_changerecord SET seq = %s WHERE id = %s", a.seq, b.pk)
    _sql("UPDATE registry_changerecord SET seq = %s WHERE id = %s", b.seq, a.pk)
    return "reordered", a.seq


def _swap_contents() -> tuple[str, int]:
    a, b = ChangeRecord.objects.filter(action="update", entity="household").order_by("seq")
    assert a.changes != b.changes
    _sql("UPDATE registry_changerecord SET changes = (SELECT changes FROM registry_changerecord WHERE id = %s) "
         "WHERE id = %s", b.pk, a.pk)
    _sql("UPDATE registry_changerecord SET changes = %s WHERE id = %s", json.dumps(a.changes), b.pk)
    return "edited", a.seq


def _last_record(case_id: int) -> int:
    return CaseRecord.objects.filter(case_id=case_id).order_by("-seq").values_list("seq", flat=True)[0]


def _edit_case_state() -> tuple[str, int]:
    case = Case.objects.get()
    _sql("UPDATE procedures_case SET state = 'decided', step = '', decided_on = %s WHERE id = %s", "2020-11-05",
         case.pk)
    return "edited", _last_record(case.pk)


def _edit_case_clock() -> tuple[str, int]:
    case = Case.objects.get()
    _sql("UPDATE procedures_case SET clock_from = %s WHERE id = %s", "2020-12-30", case.pk)
    return "edited", _last_record(case.pk)


def _take_a_household_off_the_list() -> tuple[str, int]:
    subject = CaseSubject.objects.order_by("id").first()
    assert subject is not None
    _sql("UPDATE procedures_casesubject SET removed_on = %s WHERE id = %s", "2020-11-04", subject.pk)
    return "edited", _last_record(subject.case_id)


def _swap_a_household_on_the_list(w: World) -> tuple[str, int]:
    subject = CaseSubject.objects.order_by("id").first()
    assert subject is not None
    _sql("UPDATE procedures_casesubject SET household_id = %s WHERE id = %s", w.households[2].pk, subject.pk)
    return "edited", _last_record(subject.case_id)


def _edit_case_record() -> tuple[str, int]:
    record = CaseRecord.objects.order_by("seq").first()
    assert record is not None
    _sql("UPDATE procedures_caserecord SET state = 'decided' WHERE id = %s", record.pk)
    return "edited", record.seq


def _insert_a_case(w: World) -> tuple[str, int]:
    _sql("INSERT INTO procedures_case (kind, pack, pack_version, year, region_id, state, step, clock_from, "
         "opened_on, opened_by, version, created_at) VALUES ('household_exit', 'cn-national', '1', 2020, %s, "
         "'decided', '', '2020-11-02', '2020-11-02', 'x', 1, '2020-11-02 00:00:00')", w.households[0].village_id)
    return "unsealed", 0


@pytest.mark.parametrize("tamper", [_edit_case_state, _edit_case_clock, _take_a_household_off_the_list,
                                    _swap_a_household_on_the_list, _edit_case_record, _insert_a_case])
def test_a_case_row_changed_outside_the_services_is_caught(
        history: World, tamper: Callable[..., tuple[str, int]]) -> None:
    kind, seq = tamper(history) if tamper in (_swap_a_household_on_the_list, _insert_a_case) else tamper()
    report = verify_chain()
    assert report.broken is not None, "not caught"
    assert (report.broken.kind, report.broken.seq) == (kind, seq)


def test_every_change_of_a_case_is_sealed(world: World) -> None:  # noqa: F811
    from liangfang.procedures.services import announce, notice_post, objection_record, objection_resolve, review_decide
    from tests.procedures.test_cases import _to_notice

    case = _to_notice(world, world.households[:2])
    notice_post(case=case, expected_version=case.version, on=D(2020, 11, 6), actor=world.cadre)
    case.refresh_from_db()
    objection = objection_record(case=case, expected_version=case.version, on=D(2020, 11, 9), actor=world.cadre,
                                 raised_by="村民", content="有车", household=world.households[1])
    case.refresh_from_db()
    objection_resolve(case=case, expected_version=case.version, objection=objection, on=D(2020, 11, 10),
                      actor=world.cadre, outcome="属实", upheld=True, remove=[world.households[1]])
    case.refresh_from_db()
    for who, day in ((world.reviewer, D(2020, 11, 17)), (world.admin, D(2020, 11, 19))):
        case = review_decide(case=case, expected_version=case.version, on=day, actor=who, approve=True)
    announce(cases={case: case.version}, on=D(2020, 11, 25), actor=world.admin)
    assert verify_chain().ok
    records = list(CaseRecord.objects.filter(case=case).order_by("seq"))
    assert [r.state for r in records][-1] == "decided" and records[-1].decided_on == D(2020, 11, 25)
    assert any(r.subjects[1][2] == "2020-11-10" for r in records)
    assert len(records) >= 6


@pytest.mark.parametrize("tamper", [_edit_change, _edit_change_json, _edit_step, _delete_step, _delete_change,
                                    _delete_last, _swap_seq, _swap_contents])
def test_each_kind_of_tampering_is_caught_and_the_first_broken_entry_named(
        history: World, tamper: Callable[[], tuple[str, int]]) -> None:
    kind, seq = tamper()
    report = verify_chain()
    assert report.broken is not None
    assert (report.broken.kind, report.broken.seq) == (kind, seq)


def test_audit_verify_says_intact_or_names_the_entry(history: World) -> None:
    from typer.testing import CliRunner

    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "哈希链完整" in ok.output
    _, seq = _edit_step()
    bad = runner.invoke(app, ["audit", "verify"])
    assert bad.exit_code == 1
    assert f"程序记录 procedure step #{Step.objects.get(seq=seq).pk}" in bad.output
