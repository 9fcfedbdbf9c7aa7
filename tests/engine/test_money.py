"""Money is exact on every engine: per-capita net income to the fen (halves away from zero) and
"poor" strictly below the line, checked against Python's Decimal on SQLite (which stores REAL),
DuckDB (DECIMAL from Parquet) and PostgreSQL (NUMERIC, when reachable)."""

from __future__ import annotations

import random
import sqlite3
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from liangfang.engine.assess import assess, compile_for_year
from liangfang.engine.results import collect
from liangfang.engine.session import Session, dbapi_session, duckdb_session, parquet_views
from tests.engine.golden_registry import Builder
from tests.engine.layout_db import load, write_parquet
from tests.postgres import postgres_connection

LINE = Decimal("4000")
ITEMS = ("wage_income", "business_income", "property_income", "transfer_minimum_living", "transfer_other")


def _cases(seed: int = 7, n: int = 400) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    cases = []
    for i in range(n):
        size = rng.randint(1, 6)
        target = LINE * size + Decimal(rng.randint(-300, 300)) / 100  # around the line, to the fen
        if i % 5 == 0:
            target = LINE * size  # exactly on the line
        if i % 7 == 0:
            target = LINE * size - Decimal(size) / 200  # a half fen per person below: rounds up to the line
        parts = [Decimal(rng.randint(0, 99999)) / 100 for _ in ITEMS[1:]]
        expense = Decimal(rng.randint(0, 5000)) / 100
        wage = (target - sum(parts) + expense).quantize(Decimal("0.01"))
        if wage < 0:
            expense += -wage
            wage = Decimal(0)
        amounts = dict(zip(ITEMS, [wage, *parts], strict=True)) | {"business_expense": expense}
        cases.append({"size": size, "amounts": amounts})
    return cases


def _expected(case: dict[str, Any]) -> tuple[Decimal, str]:
    a = case["amounts"]
    net = sum((a[k] for k in ITEMS), Decimal(0)) - a["business_expense"]
    pc = (net / case["size"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return pc, "pass" if pc >= LINE else "fail"


@pytest.fixture(scope="module")
def registry() -> tuple[dict[str, list[dict[str, Any]]], dict[int, tuple[Decimal, str]]]:
    b = Builder(2020)
    county, code = b.county()
    village = b.village(county, code, 1)
    expected = {}
    for case in _cases():
        members = [{"relation": "head"}] + [{"relation": "son", "birth_date": "1990-01-01"}] * (case["size"] - 1)
        income = {"year": 2020, **{k: str(v) for k, v in case["amounts"].items()}}
        hid = b.household(village, {"members": members, "incomes": [income]})
        expected[hid] = _expected(case)
    return b.reg.rows, expected


def _check(session: Session, expected: dict[int, tuple[Decimal, str]]) -> None:
    compiled = compile_for_year("cn-national", 2020)
    assess(session, compiled)
    outcome = collect(session, compiled)
    got = {hid: (r.values["per_capita_net_income"], r.statuses["income"]) for hid, r in outcome.households.items()}
    assert got == expected


def test_sqlite_is_exact(registry: Any) -> None:
    rows, expected = registry
    assert sum(1 for pc, _ in expected.values() if pc == LINE) > 50  # many land exactly on the line
    connection = sqlite3.connect(":memory:")
    load(connection, "sqlite", rows)
    _check(dbapi_session(connection, "sqlite"), expected)


def test_duckdb_is_exact(registry: Any, tmp_path: Path) -> None:
    rows, expected = registry
    write_parquet(tmp_path, rows)
    session = duckdb_session(duckdb.connect())
    parquet_views(session, tmp_path)
    _check(session, expected)


def test_postgres_is_exact(registry: Any) -> None:
    rows, expected = registry
    pg = postgres_connection()
    schema = f"lf_money_{random.randint(0, 10**9)}"
    try:
        pg.execute(f"CREATE SCHEMA {schema}")
        pg.execute(f"SET search_path TO {schema}")
        load(pg, "postgres", rows)
        _check(dbapi_session(pg, "postgres"), expected)
    finally:
        pg.rollback()
        pg.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        pg.commit()
        pg.close()
