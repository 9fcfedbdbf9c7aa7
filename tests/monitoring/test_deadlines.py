"""A lead's deadlines come from the same calendar as a case's (the pack's holiday table included),
and one counted into a year known only by weekends is marked provisional wherever it is shown: the
lead's record of deadlines, the monitoring page, the month's workbook."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import liangfang.cli.monitor_cmds  # noqa: F401  (registers the commands)
from liangfang.cli.app import app
from liangfang.monitoring.deadlines import lead_deadlines, stored_deadlines
from liangfang.monitoring.services.leads import application_record
from liangfang.policy.monitoring import load_monitoring_pack
from liangfang.procedures import workdays
from tests.factories import COUNTY

from .conftest import D, World, signed_consent

MARK = "按周末推算，待公布2027年节假日安排后复核"


@pytest.fixture
def calendar_to_2026(monkeypatch: pytest.MonkeyPatch) -> None:
    """As chinesecalendar 1.11.0: 2026 known, 2027 not; no county holiday file."""
    first, _ = workdays._library_years()
    monkeypatch.setattr(workdays, "_library_years", lambda: (first, 2026))
    monkeypatch.delenv("LIANGFANG_HOLIDAYS", raising=False)
    monkeypatch.delenv("LIANGFANG_MONITORING_PACK", raising=False)


def test_a_deadline_counted_into_an_unpublished_year_is_provisional(calendar_to_2026: None) -> None:
    pack = load_monitoring_pack("jilin-monitoring-2021")
    due = lead_deadlines(pack, D(2026, 12, 4))
    assert (due.home_check, due.identification) == (D(2026, 12, 11), D(2027, 1, 1))
    assert due.home_check_provisional is None
    assert due.identification_provisional is not None and due.identification_provisional.zh == MARK
    assert due.provisional == due.identification_provisional
    assert "to be re-checked once the public holidays of 2027 are published" in due.provisional.en
    assert lead_deadlines(pack, D(2026, 11, 2)).provisional is None  # due within 2026: final


def test_the_packs_holiday_table_moves_and_confirms_the_deadline(calendar_to_2026: None, tmp_path: Path) -> None:
    county = tmp_path / "county.yaml"
    county.write_text(
        "pack: test-county\nversion: '1'\nextends: jilin-monitoring-2021\nholidays:\n  2027:\n"
        "    source: {reliability: CONFIRMED, note: the State Council's notice for 2027 (test)}\n"
        "    days_off: [2027-01-01]\n", encoding="utf-8")
    due = lead_deadlines(load_monitoring_pack(county), D(2026, 12, 4))
    assert (due.identification, due.provisional) == (D(2027, 1, 4), None)


def _lead(world: World):  # type: ignore[no-untyped-def]
    return application_record(household=world.households[0], found_on=D(2026, 12, 4), consent_on=D(2026, 12, 4),
                              risk_types=["illness"], statement="住院", consent=signed_consent(), by="cadre")


def test_a_recorded_leads_deadlines_keep_the_calendars_answer(world: World, calendar_to_2026: None) -> None:
    lead = _lead(world)
    assert (lead.home_check_due, lead.identification_due) == (D(2026, 12, 11), D(2027, 1, 1))
    due = stored_deadlines(load_monitoring_pack("jilin-monitoring-2021"), lead)
    assert due.home_check_provisional is None and due.identification_provisional is not None


def test_the_months_workbook_marks_a_provisional_deadline(world: World, calendar_to_2026: None,
                                                          tmp_path: Path) -> None:
    lead = _lead(world)
    out = tmp_path / "月报.xlsx"
    result = CliRunner().invoke(app, ["monitor", "report", "--region", COUNTY, "--month", "2026-12", "-o", str(out)],
                                env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out, read_only=True)["线索 leads"]
    header, *rows = list(sheet.iter_rows(values_only=True))
    column = header.index("期限暂定 provisional deadlines")
    [row] = [r for r in rows if r[0] == lead.household.number]
    assert MARK in row[column] and "to be re-checked once the public holidays of 2027" in row[column]


def test_a_years_holidays_published_later_move_the_open_leads_deadlines_on_recount(
        world: World, calendar_to_2026: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lead's identification deadline was counted through 2027 by weekends only (1 January);
    once the county records 2027's holidays, `monitor recount` moves it (4 January), logged; a
    dry run shows the change and stores nothing; a second recount finds nothing to change."""
    from liangfang.monitoring.models import Lead
    from liangfang.registry.models import ChangeRecord

    lead = _lead(world)
    assert lead.identification_due == D(2027, 1, 1)
    table = tmp_path / "holidays.yaml"
    table.write_text("name: {zh: 本县节假日表, en: county holidays}\nholidays:\n  2027:\n"
                     "    source: {reliability: CONFIRMED, note: \"国务院办公厅通知（测试） / the notice (test)\"}\n"
                     "    days_off: [2027-01-01]\n", encoding="utf-8")
    monkeypatch.setenv("LIANGFANG_HOLIDAYS", str(table))
    runner = CliRunner()
    dry = runner.invoke(app, ["monitor", "recount", "--dry-run", "--format", "json"], env={"COLUMNS": "80"})
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout.strip()) == {
        "lead": lead.pk, "household": lead.household.number, "home_check_was": "2026-12-11",
        "home_check_due": "2026-12-11", "identification_was": "2027-01-01", "identification_due": "2027-01-04"}
    assert Lead.objects.get(pk=lead.pk).identification_due == D(2027, 1, 1)
    done = runner.invoke(app, ["monitor", "recount", "--by", "县管理员"], env={"COLUMNS": "80"})
    assert done.exit_code == 0, done.output
    stored = Lead.objects.get(pk=lead.pk)
    assert (stored.home_check_due, stored.identification_due) == (D(2026, 12, 11), D(2027, 1, 4))
    assert stored_deadlines(load_monitoring_pack("jilin-monitoring-2021"), stored).provisional is None
    record = ChangeRecord.objects.filter(entity="lead", entity_id=lead.pk, actor="县管理员").get()
    assert record.changes == {"identification_due": ["2027-01-01", "2027-01-04"]}
    again = runner.invoke(app, ["monitor", "recount", "--format", "json"], env={"COLUMNS": "80"})
    assert again.exit_code == 0 and again.stdout.strip() == "", again.output
