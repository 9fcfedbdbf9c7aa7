"""Hostile packs are refused with the file and line, in bounded time and memory (issue 13,
medium 9): a 1 KB alias bomb, deep nesting, huge numbers, and rule expressions too long, too deep
or with out-of-range literals. The property tests run under a lowered address-space limit."""

from __future__ import annotations

import contextlib
import resource
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangfang.engine.rules import MAX_RULE_DEPTH, RuleError, Scope, check_rule
from liangfang.policy.check import check_pack_file
from liangfang.policy.yamltext import read_yaml

HEADROOM = 768 << 20  # address space allowed above what the worker already holds
BOMB = """\
pack: bomb
version: "1"
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def _vm_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmSize")


@pytest.fixture
def bounded_memory() -> Iterator[None]:
    """The test runs with the address space capped at what the process holds now plus HEADROOM:
    a blow-up is a MemoryError here, not the machine's memory."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (_vm_bytes() + HEADROOM, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    pack, problems = check_pack_file(path)
    assert pack is None or problems
    return [str(p) for p in problems]


def test_an_alias_bomb_is_refused_at_its_first_alias(tmp_path: Path, bounded_memory: None) -> None:
    assert len(BOMB) < 1024
    (problem,) = _problems(tmp_path, BOMB)
    assert problem.startswith(f"{tmp_path / 'hostile.yaml'}:4") and "aliases" in problem and "别名" in problem


def test_deep_nesting_and_huge_numbers_name_their_line(tmp_path: Path, bounded_memory: None) -> None:
    (problem,) = _problems(tmp_path, 'pack: x\nversion: "1"\nname: ' + "[" * 5000 + "]" * 5000 + "\n")
    assert ":3" in problem and "nested deeper" in problem
    (problem,) = _problems(tmp_path, 'pack: x\nversion: "1"\nparameters:\n  p: {value: 1.0e+999999999}\n')
    assert ":4" in problem and "out of range" in problem
    (problem,) = _problems(tmp_path, 'pack: x\nversion: "1"\nyears: [2014, ' + "9" * 100_000 + "]\n")
    assert ":3" in problem and "out of range" in problem
    for value in ("1e999999999", '"1e999999999"', "1e16"):  # strings to YAML, numbers to the schema
        problems = _problems(tmp_path, 'pack: x\nversion: "1"\nextends: cn-national\nname: {zh: 某县, en: a county}\n'
                             f"parameters:\n  incidence_max: {{value: {value}}}\n")
        assert len(problems) == 1 and ":6" in problems[0] and "out of range" in problems[0], problems


INCOME_RULE = "rule: per_capita_net_income > poverty_line"


def _pack_with_rule(rule: str) -> tuple[str, int]:
    """The national pack with its income rule replaced by ``rule``, and that rule's line."""
    source = (Path(__file__).parents[2] / "liangfang/policy/packs/cn-national.yaml").read_text(encoding="utf-8")
    assert INCOME_RULE in source, "the pack's income rule changed: update INCOME_RULE"
    line = source[:source.index(INCOME_RULE)].count("\n") + 1
    return source.replace(INCOME_RULE, f"rule: {rule}", 1), line


@pytest.mark.parametrize(("rule", "words"), [
    ("per_capita_net_income >= 1e999999999", "number out of range"),
    ("(" * 3000 + "TRUE" + ")" * 3000, "characters, over the limit"),
    ("(" * 100 + "TRUE" + ")" * 100, "nested deeper"),
    (" AND ".join(["per_capita_net_income > 1"] * 45), "nested deeper"),
    ("NOT " * 450 + "TRUE", "nested deeper"),
])
def test_hostile_rules_are_refused_with_file_and_line(tmp_path: Path, bounded_memory: None, rule: str,
                                                     words: str) -> None:
    text, line = _pack_with_rule(rule)
    problems = _problems(tmp_path, text)
    assert problems and all(f":{line}" in p for p in problems), problems  # the rule's line in the pack
    assert any(words in p for p in problems), problems


SCOPE = Scope.for_level("household", {"poverty_line": (Decimal(4000), "yuan")})
_ATOMS = st.sampled_from(["per_capita_net_income", "poverty_line", "1", "1e999999999", "-5", "'x'", "NULL",
                          "TRUE", "household_size", "0.5"])
_RULES = st.recursive(_ATOMS, lambda inner: st.one_of(
    st.tuples(inner, st.sampled_from([" AND ", " OR ", " >= ", " = ", " + ", " * ", " / "]), inner).map("".join),
    inner.map(lambda x: f"({x})"), inner.map(lambda x: f"NOT {x}"), inner.map(lambda x: f"-{x}")), max_leaves=400)


@settings(max_examples=150, deadline=2000, suppress_health_check=list(HealthCheck))
@given(st.one_of(_RULES, st.text(max_size=300), st.text(alphabet="()NOT AND1=-'", max_size=3000)))
def test_any_rule_is_accepted_or_refused_with_a_place(bounded_memory: None, rule: str) -> None:
    try:
        check_rule(rule, SCOPE)
    except RuleError as err:
        assert err.line >= 1 and err.column >= 1 and "/ " in err.message


_YAML = st.recursive(
    st.one_of(st.integers(), st.decimals(allow_nan=False, allow_infinity=False).map(str), st.text(max_size=10),
              st.sampled_from(["*a", "&a x", "1e999999999", ".inf", "9" * 40, "!!python/object:os.system"])),
    lambda inner: st.one_of(st.lists(inner, max_size=5).map(lambda xs: "[" + ", ".join(map(str, xs)) + "]"),
                            st.dictionaries(st.text("abc", min_size=1, max_size=3), inner, max_size=4).map(
                                lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}")),
    max_leaves=60)


@settings(max_examples=200, deadline=2000, suppress_health_check=list(HealthCheck))
@given(st.one_of(_YAML.map(lambda body: f"root: {body}\n"), st.text(max_size=500),
                 st.integers(min_value=1, max_value=12).map(lambda n: BOMB.replace("i: &i", "# ").replace(
                     "\n".join(BOMB.splitlines()[n:]), ""))))
def test_any_yaml_is_read_or_refused_as_yaml(bounded_memory: None, text: str) -> None:
    with contextlib.suppress(yaml.YAMLError):  # refused as YAML, with its mark; anything else fails
        read_yaml(text)


def test_the_depth_limit_allows_the_shipped_packs() -> None:
    assert MAX_RULE_DEPTH >= 20
    for name in ("cn-national", "jilin-taobei-2020"):
        pack, problems = check_pack_file(Path(__file__).parents[2] / f"liangfang/policy/packs/{name}.yaml")
        assert pack is not None and problems == []
