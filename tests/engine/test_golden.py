"""Golden cases: for every indicator of both shipped packs, households, villages and counties
that pass and fail, with the expected explanation text next to the input
(tests/engine/golden/<pack>.yaml). All cases of a pack run in one assessment on SQLite."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from typing import Any

import pytest

from liangfang.engine.assess import assess, compile_for_year
from liangfang.engine.explain import Explainer
from liangfang.engine.results import Outcome, collect
from liangfang.engine.session import dbapi_session
from liangfang.engine.statements import Verification
from liangfang.policy import load_pack
from tests.engine.golden_registry import Case, Registry, build, load_cases
from tests.engine.layout_db import load

PACKS = ("cn-national", "jilin-taobei-2020")


def _rate(values: dict[str, Any], key: str) -> Decimal | None:
    return None if values.get(key) is None else Decimal(str(values[key]))


def verification_of(cases: list[Case]) -> tuple[Verification, ...]:
    out = []
    for case in cases:
        v = case.spec.get("verification")
        if case.level == "county" and v:
            out.append(Verification(case.spec["_code"], wrong_exit_rate=_rate(v, "wrong_exit_rate"),
                                    missed_poor_rate=_rate(v, "missed_poor_rate"),
                                    public_approval=_rate(v, "public_approval"),
                                    missed_poor_people=v.get("missed_poor_people"),
                                    wrong_exit_people=v.get("wrong_exit_people")))
    return tuple(out)


def assess_cases(pack_name: str) -> tuple[list[Case], Outcome, Registry]:
    year, cases = load_cases(pack_name)
    registry = build(year, cases)
    connection = sqlite3.connect(":memory:")
    load(connection, "sqlite", registry.rows)
    compiled = compile_for_year(pack_name, year)
    session = dbapi_session(connection, "sqlite")
    assess(session, compiled, verification=verification_of(cases))
    return cases, collect(session, compiled), registry


@pytest.fixture(scope="module", params=PACKS)
def golden(request: pytest.FixtureRequest) -> tuple[str, list[Case], Outcome]:
    cases, outcome, _ = assess_cases(request.param)
    return request.param, cases, outcome


def test_every_case_gives_the_expected_status_and_text(golden: tuple[str, list[Case], Outcome]) -> None:
    pack_name, cases, outcome = golden
    pack = load_pack(pack_name)
    explainer = Explainer(pack, 2020)
    wrong = []
    for case in cases:
        result = outcome.by_level(case.level)[case.subject_id]
        members = [m for m in outcome.members if m.household_id == case.subject_id] if case.level == "household" \
            else []
        lines = {line.indicator: line for line in explainer.lines(case.level, result, members)}  # type: ignore[arg-type]
        line = lines[case.indicator]
        got = (line.status, line.text())
        if got != (case.status, case.text):
            wrong.append(f"{case.name}: expected {(case.status, case.text)}, got {got}")
        for expected in case.spec.get("members_text", []):
            # the masked resident ID (220802********1234) is followed by the member's facts
            if not any(m.startswith("22") and m[6:14] == "********" and m[18:] == expected for m in line.members):
                wrong.append(f"{case.name}: member line {expected!r} not in {line.members}")
    assert not wrong, "\n".join(wrong)


def test_every_indicator_has_a_passing_and_a_failing_case(golden: tuple[str, list[Case], Outcome]) -> None:
    pack_name, cases, _ = golden
    pack = load_pack(pack_name)
    missing = []
    for level in ("household", "village", "county"):
        for name in pack.indicators_for_year(level, 2020):
            statuses = {c.status for c in cases if c.level == level and c.indicator == name}
            if "pass" not in statuses or not statuses & {"fail", "no_data"}:
                missing.append(f"{level}.{name}: {sorted(statuses)}")
    assert not missing, missing
