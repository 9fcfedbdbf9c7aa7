"""The Kleene evaluator (``engine/kleene.py``, SQL's three-valued logic in Python) as an independent
reference: on every golden case, each indicator's status computed in Python from the subject's facts
is the status the SQL engine gave. (``tests/assessments/test_differential.py`` holds every engine to
the same SQLite results, so they all agree with it.)"""

from __future__ import annotations

import pytest

from liangfang.engine.assess import compile_for_year
from liangfang.engine.compiled import CompiledIndicator
from liangfang.engine.kleene import evaluate
from liangfang.engine.results import Outcome
from tests.engine.golden_registry import load_cases
from tests.engine.test_golden import PACKS, assess_cases


def _status(ind: CompiledIndicator, values: dict[str, object]) -> str:
    value, _ = evaluate(ind.condition, values)
    if value is None:
        return "no_data" if ind.spec.when_no_data == "fail" else "pending"
    return "pass" if value else "fail"


def _members(pack: str, year: int) -> list[CompiledIndicator]:
    return [ind for ind in compile_for_year(pack, year).of("household") if ind.per_member]


@pytest.fixture(scope="module", params=PACKS)
def golden(request: pytest.FixtureRequest) -> tuple[str, Outcome]:
    _, outcome, _ = assess_cases(request.param)
    return request.param, outcome


def test_kleene_gives_the_engines_status_for_every_subject_and_indicator(golden: tuple[str, Outcome]) -> None:
    pack, outcome = golden
    year, _ = load_cases(pack)
    compiled = compile_for_year(pack, year)
    checked, wrong = 0, []
    for level in ("household", "village", "county"):
        for ind in compiled.of(level):  # type: ignore[arg-type]
            if ind.per_member:
                continue
            for subject in outcome.by_level(level).values():
                if ind.name not in subject.statuses:
                    continue
                checked += 1
                ours = _status(ind, subject.values)
                if ours != subject.statuses[ind.name]:
                    wrong.append(f"{level} {subject.id} {ind.name}: kleene {ours}, SQL {subject.statuses[ind.name]}")
    assert checked > 100 and wrong == []


def test_kleene_agrees_on_every_member_the_engine_found_short(golden: tuple[str, Outcome]) -> None:
    pack, outcome = golden
    year, _ = load_cases(pack)
    per_member = {ind.name: ind for ind in _members(pack, year)}
    assert outcome.members
    wrong = [f"member {m.member_id} {m.indicator}: kleene {ours}, SQL {m.status}"
             for m in outcome.members if (ours := _status(per_member[m.indicator], m.values)) != m.status]
    assert wrong == []

