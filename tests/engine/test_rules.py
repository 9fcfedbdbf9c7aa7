from decimal import Decimal
from pathlib import Path

import pytest

from liangfang.engine.compiled import CompileError, compile_pack
from liangfang.engine.rules import RuleError, Scope, check_rule, compile_rule
from liangfang.policy import load_pack, load_pack_file

PARAMS = {"poverty_line": (Decimal("4000"), "yuan"), "water_litres_min": (Decimal("20"), "litres")}
HOUSEHOLD = Scope.for_level("household", PARAMS)
VILLAGE = Scope.for_level("village", PARAMS, {"household": ("income", "water")})


@pytest.mark.parametrize(("rule", "sql"), [
    ("per_capita_net_income >= poverty_line", "f.per_capita_net_income >= 4000"),
    ("housing_safe", "f.housing_safe"),
    ("water_quality IN ('safe', 'basic') AND NOT water_piped",
     "f.water_quality IN ('safe', 'basic') AND NOT f.water_piped"),
    ("COALESCE(water_days_without, 0) <= 36", "COALESCE(f.water_days_without, 0) <= 36"),
    ("household_size BETWEEN 1 AND 3 OR net_income IS NULL",
     "f.household_size BETWEEN 1 AND 3 OR f.net_income IS NULL"),
])
def test_allowed_rules_compile_to_the_fact_table(rule: str, sql: str) -> None:
    assert compile_rule(rule, HOUSEHOLD).sql("postgres") == sql


def test_a_rule_is_rendered_in_each_dialect_from_the_same_tree() -> None:
    tree = compile_rule("water_piped AND water_litres_per_day >= water_litres_min", HOUSEHOLD)
    assert tree.sql("sqlite") == tree.sql("duckdb") == "f.water_piped AND f.water_litres_per_day >= 20"


def test_parameters_become_literals_with_their_exact_value() -> None:
    scope = Scope.for_level("household", {"poverty_line": (Decimal("3218.30"), "yuan")})
    assert compile_rule("per_capita_net_income < poverty_line", scope).sql("sqlite") == \
        "f.per_capita_net_income < 3218.30"


@pytest.mark.parametrize(("rule", "message", "line", "column"), [
    ("per_capita_net_incom >= 1", "unknown fact or parameter 'per_capita_net_incom'", 1, 1),
    ("housing_safe AND x >= (SELECT max(a) FROM t)", "unknown fact or parameter 'x'", 1, 18),
    ("housing_safe AND household_size >= (SELECT 1)", "subquery", 1, 37),
    ("housing_safe AND\n  registry_member.age > 3", "table-qualified", 2, 3),
    ("DROP TABLE registry_household", "statement DROP", 1, 1),
    ("housing_safe; DROP TABLE registry_household", "exactly one expression", 1, 1),
    ("upper(status) = 'X'", "function UPPER()", 1, 1),
    ("pg_sleep(10) = 1", "function pg_sleep() is not allowed", 1, 1),
    ("age >= 6", "age is a member fact", 1, 1),
    ("water_quality = 'clean'", "has no code 'clean'", 1, 17),
    ("per_capita_net_income > 'a lot'", "cannot compare number with text", 1, 1),
    ("per_capita_net_income + 1", "a condition is needed here", 1, 1),
    ("household_size IN (SELECT 1)", "not a subquery", 1, 1),
    ("per_capita_net_income >=", "cannot parse", 1, 24),
    ("", "empty", 1, 1),
])
def test_rejected_rules_say_what_and_where(rule: str, message: str, line: int, column: int) -> None:
    with pytest.raises(RuleError) as err:
        check_rule(rule, HOUSEHOLD)
    assert message in str(err.value)
    assert (err.value.line, err.value.column) == (line, column)


def test_area_functions_name_an_indicator_of_the_level_below() -> None:
    sql = compile_rule("households_failing('water') = 0", VILLAGE).sql("sqlite")
    assert sql == "f.hf__water = 0"
    with pytest.raises(RuleError, match="no household indicator 'roof'"):
        check_rule("households_failing('roof') = 0", VILLAGE)
    with pytest.raises(RuleError, match="not allowed"):
        check_rule("households_failing('water') = 0", HOUSEHOLD)


def test_what_a_rule_uses_is_recorded() -> None:
    _, used = check_rule("per_capita_net_income >= poverty_line OR assistance_income > 0", HOUSEHOLD)
    assert used.facts == ["per_capita_net_income", "assistance_income"]
    assert used.parameters == ["poverty_line"]


@pytest.mark.parametrize("argument", ["income", "verdict", "roof"])
def test_percent_members_passing_names_a_per_member_indicator_at_compile_time(tmp_path: Path,
                                                                             argument: str) -> None:
    """People are counted only for an indicator judged member by member; any other argument is a
    compile error with its place, not a missing column when the assessment runs."""
    pack = tmp_path / "members.yaml"
    pack.write_text(
        "pack: members-test\nversion: '1'\nextends: jilin-taobei-2020\ncounty_indicators:\n  medical:\n"
        f"    rule: percent_members_passing('{argument}') >= county_insured_percent_min\n", encoding="utf-8")
    with pytest.raises(CompileError) as caught:
        compile_pack(load_pack_file(pack), 2020)
    (problem,) = caught.value.problems
    assert (problem.level, problem.indicator, problem.field) == ("county", "medical", "rule")
    assert "per: member" in problem.message and (problem.line, problem.column) == (1, 25)
    assert "medical" in problem.message  # the indicators it may name


def test_percent_members_passing_accepts_a_per_member_indicator() -> None:
    compiled = compile_pack(load_pack("jilin-taobei-2020"), 2020)
    assert any("pq__medical" in ind.condition.sql("sqlite") for ind in compiled.indicators["county"])
