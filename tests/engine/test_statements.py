"""``StatementPlanner.household_statuses``: a few household indicators in one statement give the same
statuses as the whole assessment's ``lf_household_eval``, on SQLite and on DuckDB over Parquet, for the
perturbed registry of ``test_perturbed_registry`` (every kind of status and gap), in the pack's scope and
widened to every household."""

from __future__ import annotations

import datetime as dt
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
    reference_day = dt.date(YEAR, 8, 31)

    def registered_by_then(h: dict[str, Any]) -> bool:  # a blank identification date: always so
        identified = h.get("first_identified_on")
        return bool(h["is_registered"]) and (identified is None or identified <= reference_day)
    assert len(rows) == len(expected) == len([h for h in households if scope == "all" or registered_by_then(h)])


@pytest.mark.parametrize("scope", ["registered", "all"])
@pytest.mark.parametrize("names", [n for n in SETS if "income_stable" not in n])
def test_the_statuses_by_table_put_together_are_the_assessments(session: Session, scope: str,
                                                                names: tuple[str, ...]) -> None:
    pack = load_pack(PACK).model_copy(update={"household_scope": scope})
    planner = StatementPlanner(compile_pack(pack, YEAR), session.dialect)
    expected = whole_plan(session, planner, names)

    tables = planner.household_statuses_by_table(list(names))

    assert tables is not None
    results = {name: session.query(statement) for name, statement in tables.items()}
    rows = {name: {r[0]: dict(zip(columns, r, strict=True)) for r in found}
            for name, (columns, found) in results.items() if name != "no_income"}
    columns, found = results["no_income"]
    no_income = dict(zip(columns, found[0], strict=True))
    pass_code = 1  # a household without members on the reference date: no member fails
    got = set()
    for household, row in rows["households"].items():
        members = rows["members"].get(household, {})
        income = rows["income"].get(household, no_income)
        statuses = {**row, **income, **{k: v for k, v in members.items() if k.startswith("s_")}}
        got.add((household, row["village_id"], members.get("people", 0),
                 *[statuses.get(f"s_{name}", pass_code) for name in names]))
    assert got == expected
    assert len(rows["households"]) == len(expected)


def test_statuses_by_table_only_when_each_indicator_reads_one_table() -> None:
    planner = StatementPlanner(compile_pack(load_pack(PACK), YEAR), "duckdb")
    assert planner.household_statuses_by_table(["income_stable"]) is None  # the previous year's record
    tables = planner.household_statuses_by_table(["food", "education", "water"])
    assert tables is not None
    assert "s_food" in tables["income"].sql() and "s_food" in tables["no_income"].sql()
    assert "s_water" in tables["households"].sql() and "s_education" in tables["members"].sql()
    assert "registry_member" not in tables["households"].sql()


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
