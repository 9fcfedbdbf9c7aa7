"""``StatementPlanner.household_statuses``: a few household indicators in one statement give the same
statuses as the whole assessment's ``lf_household_eval``, on SQLite and on DuckDB over Parquet, for the
perturbed registry of ``test_perturbed_registry`` (every kind of status and gap), in the pack's scope and
widened to every household."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from liangfang.engine.compiled import compile_pack
from liangfang.engine.duck import connect
from liangfang.engine.session import Session, dbapi_session, duckdb_session, parquet_views
from liangfang.engine.statements import StatementPlanner
from liangfang.policy import load_pack
from tests.engine.layout_db import load, write_parquet
from tests.engine.test_perturbed_registry import PACK, YEAR, build

SETS = [("food", "clothing", "education", "medical", "housing", "water"), ("income_stable",), ("education",),
        ("water", "income")]


@pytest.fixture(params=["sqlite", "duckdb"])
def session(request: pytest.FixtureRequest, tmp_path: Path) -> Session:
    rows, _, _, _ = build()
    if request.param == "sqlite":
        connection = sqlite3.connect(":memory:")
        load(connection, "sqlite", rows)
        return dbapi_session(connection, "sqlite")
    write_parquet(tmp_path / "registry", rows)
    duck = duckdb_session(connect())
    parquet_views(duck, tmp_path / "registry")
    return duck


def whole_plan(session: Session, planner: StatementPlanner, names: tuple[str, ...]) -> set[tuple[Any, ...]]:
    for step in planner.steps():
        session.execute(step.statement)
        if step.table == "lf_household_eval":
            break
    statuses = ", ".join(f"s_{name}" for name in names)
    _, rows = session.query(f"SELECT household_id, village_id, people, {statuses} FROM lf_household_eval")
    return {tuple(r) for r in rows}


@pytest.mark.parametrize("scope", ["registered", "all"])
@pytest.mark.parametrize("names", SETS)
def test_the_named_statuses_are_the_assessments(session: Session, scope: str, names: tuple[str, ...]) -> None:
    pack = load_pack(PACK).model_copy(update={"household_scope": scope})
    planner = StatementPlanner(compile_pack(pack, YEAR), session.dialect)
    expected = whole_plan(session, planner, names)

    columns, rows = session.query(planner.household_statuses(list(names)))

    assert columns == ["household_id", "village_id", "people", *[f"s_{name}" for name in names]]
    assert {tuple(r) for r in rows} == expected
    registry, _, _, _ = build()
    households = registry["households"]
    assert len(rows) == len(expected) == len([h for h in households if h["is_registered"] or scope == "all"])


def test_only_the_facts_the_named_indicators_read() -> None:
    planner = StatementPlanner(compile_pack(load_pack(PACK), YEAR), "duckdb")

    water = planner.household_statuses(["water"]).sql("duckdb")
    stable = planner.household_statuses(["income_stable"]).sql("duckdb")
    education = planner.household_statuses(["education"]).sql("duckdb")

    assert "registry_incomerecord" not in water and "housing_grade" not in water
    assert "water_quality" in water and "registry_member" in water  # people: the members on the reference date
    assert f"year = {YEAR - 1}" in stable and "water_quality" not in stable
    assert "birth_date" in education and "insured_since" not in education and "water_quality" not in education


def test_an_unknown_indicator_is_refused() -> None:
    planner = StatementPlanner(compile_pack(load_pack(PACK), YEAR), "sqlite")
    with pytest.raises(ValueError, match="no household indicator roads"):
        planner.household_statuses(["water", "roads"])
