"""Counts by members' ages on the month's first day are known to the explainer (``MONTH_AGE_FACTS``),
which words a rule naming one for a reader shown birth years by its name alone."""

from __future__ import annotations

from sqlglot import exp

from liangfang.accounts.roles import COUNTY_ADMIN, ROLES, TOWNSHIP_REVIEWER
from liangfang.disclosure import MASKED
from liangfang.engine.monitor.compiled import compile_monitoring
from liangfang.engine.monitor.facts import monitoring_facts
from liangfang.engine.monitor.plan import MonitorPlanner
from liangfang.engine.monitor.results import MONTH_AGE_FACTS, WITHHELD, MonitorExplainer, withheld_reason
from liangfang.policy.monitoring import load_monitoring_pack


def _columns(node: exp.Expr) -> set[tuple[str, str]]:
    return {(c.table, c.name) for c in node.find_all(exp.Column)}


def test_every_member_count_that_reads_a_birth_date_is_a_month_age_fact() -> None:
    compiled = compile_monitoring(load_monitoring_pack("cn-monitoring-2021"), 2024, 10)
    members = MonitorPlanner(compiled, "duckdb").members()
    by_age = {e.alias for e in members.expressions if ("", "birth_date") in _columns(e)}
    assert by_age == {"out_of_school"}  # the test would prove nothing without one
    ctx = compiled.context("duckdb")
    reading = {name for name, fact in monitoring_facts().items()
               if any(("ma", alias) in _columns(fact.sql(ctx)) for alias in by_age)}  # type: ignore[arg-type]
    assert reading == set(MONTH_AGE_FACTS)


def test_a_rule_naming_a_month_age_count_is_withheld_whole_from_a_reader_shown_birth_years() -> None:
    pack = load_monitoring_pack("cn-monitoring-2021")
    explainer = MonitorExplainer(compile_monitoring(pack, 2024, 10))
    values = {"housing_safe": True, "housing_grade": "A", "members_uninsured": 0, "children_out_of_school": 1}
    full = explainer.line("elimination", "guarantees_secured", "fail", values, "zh", ROLES[COUNTY_ADMIN])
    assert "适龄失学 1 人" in full.text() and full.outcome == "不满足"
    for reader in (ROLES[TOWNSHIP_REVIEWER], MASKED):
        line = explainer.line("elimination", "guarantees_secured", "fail", values, "zh", reader)
        assert line.status == WITHHELD and line.outcome == "—" and "1" not in line.text()
        assert line.name in line.text()
        other = explainer.line("elimination", "water_secured", "pass", {"water_quality": "safe"}, "en", reader)
        assert other.status == "pass" and other.outcome == "met"
    stored = {"rule": "income_below_line", "zh": "近12个月人均纯收入 5,480 元", "en": "5,480 yuan"}
    assert withheld_reason(MASKED, pack, stored) == stored  # a rule reading no age is left as it is
