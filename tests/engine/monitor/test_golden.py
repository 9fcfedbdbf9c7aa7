"""Golden cases: every screening and elimination rule of the shipped monitoring pack, holding,
not holding and (where data can lack) undecided, with the explanation text beside the input
(tests/engine/monitor/golden/<pack>.yaml); all cases of a pack run in one month on SQLite."""

from __future__ import annotations

import sqlite3

import pytest

from liangfang.engine.monitor.compiled import CompiledMonitoring
from liangfang.engine.monitor.results import HouseholdScreen, MonitorExplainer
from liangfang.engine.monitor.run import run_month
from liangfang.engine.session import dbapi_session
from liangfang.policy.monitoring import load_monitoring_pack
from tests.engine.monitor.registry import MonitorCase, build, load_all, load_cases

PACK = "cn-monitoring-2021"


def run_cases(pack: str = PACK) -> tuple[list[MonitorCase], CompiledMonitoring, dict[int, HouseholdScreen]]:
    year, month, cases = load_cases(pack)
    registry = build(year, month, cases)
    connection = sqlite3.connect(":memory:")
    load_all(connection, "sqlite", registry.rows)
    compiled, results = run_month(dbapi_session(connection, "sqlite"), load_monitoring_pack(pack), year, month)
    return cases, compiled, results


@pytest.fixture(scope="module")
def golden() -> tuple[list[MonitorCase], CompiledMonitoring, dict[int, HouseholdScreen]]:
    return run_cases()


def test_every_case_gives_the_expected_status_and_text(golden: tuple[list[MonitorCase], CompiledMonitoring,
                                                                     dict[int, HouseholdScreen]]) -> None:
    cases, compiled, results = golden
    explainer = MonitorExplainer(compiled)
    wrong = []
    for case in cases:
        result = results[case.household_id]
        statuses = result.screening if case.kind == "screening" else result.eliminating
        line = explainer.line(case.kind, case.rule, statuses[case.rule], result.values)  # type: ignore[arg-type]
        if (line.status, line.text()) != (case.status, case.text):
            wrong.append(f"{case.name}: expected {(case.status, case.text)}, got {(line.status, line.text())}")
        expected = {"is_lead": result.is_lead, "category": result.category,
                    "risk_types": result.risk_types(compiled.pack), "elimination": result.elimination}
        for key, got in expected.items():
            if key in case.spec and case.spec[key] != got:
                wrong.append(f"{case.name}: {key} expected {case.spec[key]!r}, got {got!r}")
    assert not wrong, "\n".join(wrong)


def test_every_rule_holds_and_fails_and_lacks_data_in_some_case(
        golden: tuple[list[MonitorCase], CompiledMonitoring, dict[int, HouseholdScreen]]) -> None:
    cases, compiled, _ = golden
    missing = []
    for kind in ("screening", "elimination"):
        for rule in compiled.of(kind):  # type: ignore[arg-type]
            statuses = {c.status for c in cases if c.kind == kind and c.rule == rule.name}
            wanted = {"pass", "fail", "no_data"}
            if not wanted <= statuses:
                missing.append(f"{kind}.{rule.name}: {sorted(statuses)}")
    assert not missing, missing


def test_english_sentences_come_from_the_same_templates(
        golden: tuple[list[MonitorCase], CompiledMonitoring, dict[int, HouseholdScreen]]) -> None:
    cases, compiled, results = golden
    explainer = MonitorExplainer(compiled)
    first = results[cases[0].household_id]
    line = explainer.line("screening", "income_below_line", first.screening["income_below_line"], first.values, "en")
    assert line.text() == ("per-capita net income over the last 12 months 5,480 yuan < monitoring line 6,000 yuan"
                           " — raised")
