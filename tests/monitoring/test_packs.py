"""The two monitoring procedures are defined in the monitoring packs (a county's pack overrides their
periods), and a case of those kinds names the monitoring pack in force on its date."""

from __future__ import annotations

from pathlib import Path

import pytest

from liangfang.domain.problems import ValidationFailed
from liangfang.monitoring.services.objects import object_admit
from liangfang.policy.loader import PackError, load_pack, shipped_pack_names
from liangfang.policy.monitoring import load_monitoring_pack, shipped_monitoring_pack_names
from liangfang.procedures.selectors import case_lines
from liangfang.procedures.services import case_open, notice_post, step_record
from liangfang.procedures.workdays import add_working_days, period_end

from .conftest import D, World, minutes

KINDS = {"monitoring_identification", "risk_elimination"}


def test_the_two_procedures_are_in_the_monitoring_packs_and_in_no_exit_pack() -> None:
    for name in shipped_monitoring_pack_names():
        pack = load_monitoring_pack(name)
        assert set(pack.procedures) == KINDS
        assert (pack.procedure_kinds.identification, pack.procedure_kinds.elimination) == (
            "monitoring_identification", "risk_elimination")
        notice = pack.notice_periods["monitoring_notice"]
        assert (notice.days, notice.unit, notice.source.reliability.value) == (5, "days", "CONFIRMED")
        for proc in pack.procedures.values():
            assert proc.source.note and all(step.source.note for step in proc.steps.values())
    for name in shipped_pack_names():
        assert not KINDS & set(load_pack(name).procedures), name
        assert not {"monitoring_notice", "elimination_notice"} & set(load_pack(name).notice_periods), name


def _object(world: World) -> None:
    object_admit(household=world.households[0], on=D(2023, 6, 26), category="edge", risk_types=["illness"],
                 case_ref="test", by="test")


def test_an_elimination_case_names_the_monitoring_pack_in_force(world: World,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIANGFANG_MONITORING_PACK", raising=False)
    _object(world)
    case = case_open(kind="risk_elimination", year=2024, households=[world.households[0]], on=D(2024, 3, 4),
                     actor=world.cadre)
    assert (case.pack, case.pack_version) == ("jilin-monitoring-2021", load_monitoring_pack(
        "jilin-monitoring-2021").version)
    line = case_lines([case], D(2024, 3, 5))[0]
    assert line.proc.name.zh == "风险消除" and line.clock.due == add_working_days(D(2024, 3, 4), 5)


def test_a_county_monitoring_pack_overrides_a_deadline_and_the_notice_period(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    county = tmp_path / "county-monitoring.yaml"
    county.write_text(
        "pack: test-county-monitoring\nversion: '1'\nextends: jilin-monitoring-2021\n"
        "notice_periods:\n  elimination_notice:\n    days: 10\n"
        "    source: {reliability: ANALOGUE, note: the county's own notice (test)}\n"
        "procedures:\n  risk_elimination:\n    steps:\n      home_check:\n        deadline_working_days: 2\n",
        encoding="utf-8")
    monkeypatch.setenv("LIANGFANG_MONITORING_PACK", str(county))
    _object(world)
    case = case_open(kind="risk_elimination", year=2024, households=[world.households[0]], on=D(2024, 3, 4),
                     actor=world.cadre)
    assert (case.pack, case.pack_version) == (str(county), "1")
    assert case_lines([case], D(2024, 3, 5))[0].clock.due == add_working_days(D(2024, 3, 4), 2)
    for on in (D(2024, 3, 5), D(2024, 3, 6)):
        case.refresh_from_db()
        case = step_record(case=case, expected_version=case.version, on=on, actor=world.cadre, outcome="属实",
                           attachments=[minutes()] if case.step == "deliberation" else [])
    notice = notice_post(case=case, expected_version=case.version, on=D(2024, 3, 7), actor=world.cadre)
    assert notice.ends_on == period_end(D(2024, 3, 7), 10, "days", ends_on_working_day=True) == D(2024, 3, 18)
    # the shipped pack is untouched: five days there
    assert load_monitoring_pack("jilin-monitoring-2021").notice_periods["elimination_notice"].days == 5


def test_a_case_dated_after_the_monitoring_packs_years_is_refused(world: World,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIANGFANG_MONITORING_PACK", raising=False)
    _object(world)
    with pytest.raises(ValidationFailed, match="2021–2026"):
        case_open(kind="risk_elimination", year=2027, households=[world.households[0]], on=D(2027, 1, 4),
                  actor=world.cadre)


def test_a_monitoring_pack_whose_step_names_no_notice_period_is_refused(tmp_path: Path) -> None:
    county = tmp_path / "bad.yaml"
    county.write_text("pack: bad\nversion: '1'\nextends: cn-monitoring-2021\n"
                      "notice_periods:\n  elimination_notice: null\n", encoding="utf-8")
    with pytest.raises(PackError, match="elimination_notice"):
        load_monitoring_pack(county)
    county.write_text("pack: bad\nversion: '1'\nextends: cn-monitoring-2021\n"
                      "procedure_kinds:\n  elimination: risk_removal\n", encoding="utf-8")
    with pytest.raises(PackError, match="risk_removal"):
        load_monitoring_pack(county)


def test_a_monitoring_notice_over_the_2026_spring_festival_ends_on_the_first_working_day_after_it(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIANGFANG_MONITORING_PACK", raising=False)
    monkeypatch.delenv("LIANGFANG_HOLIDAYS", raising=False)
    _object(world)
    case = case_open(kind="risk_elimination", year=2026, households=[world.households[0]], on=D(2026, 2, 9),
                     actor=world.cadre)
    for on in (D(2026, 2, 10), D(2026, 2, 11)):
        case.refresh_from_db()
        case = step_record(case=case, expected_version=case.version, on=on, actor=world.cadre, outcome="属实",
                           attachments=[minutes()] if case.step == "deliberation" else [])
    notice = notice_post(case=case, expected_version=case.version, on=D(2026, 2, 12), actor=world.cadre)
    # five days end on Tue 17 Feb, the first day of the year; the holiday runs to Mon 23 Feb
    assert notice.ends_on == D(2026, 2, 24)
    line = case_lines([case], D(2026, 2, 20))[0]
    assert (line.clock.phase, line.clock.notice_ends, line.clock.provisional) == ("notice_running", D(2026, 2, 24),
                                                                                  None)
