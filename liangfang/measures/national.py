"""Measures by county over a national Parquet registry: FGT(0, 1, 2) and Gini from DuckDB's reads of the
registry as arrays by household id, then one sort per county in numpy; the Alkire–Foster index from the
engine's own statuses of the six 两不愁三保障 indicators of every household, compiled by the planner for
those indicators only (``StatementPlanner.household_statuses_by_table``: one statement per table, put
together by household id in the same way; ``household_statuses``: one joined statement, when an
indicator reads two tables).

The SQL is fixed text or the planner's rendering of the compiled rules, with bound parameters ($year,
$low, $high, $need, $d): no value is pasted into it.
Income per person is the household's per-capita net income (the income record's net income over its
household size, not rounded), each household weighted by its active members (``is_active``).
The Gini coefficient is the weighted pairwise form of ``liangfang.measures.gini``, computed from each
county's incomes in order: G = Σ wᵢyᵢ(2·Cᵢ + wᵢ − W) / (W·Y), Cᵢ the weight ranked before i (households
with equal incomes give the same sum in any order).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
from sqlglot import exp

from ..domain.text import Text
from ..engine.session import duckdb_session, parquet_views
from ..engine.statements import DUCKDB_PERFECT_DEFAULT, PERFECT_BITS, STATUS_CODE
from ..policy.schema import Pack
from .frames import DIMENSIONS

# Three reads, each one row per household, fetched into arrays indexed by household id (a registry's
# ids run from its first to its last household with few gaps), so no 30-million-row join or hash
# table is built. Active members are counted per household with DuckDB's perfect hash table (an
# array over the id range, see ``liangfang.engine.statements.PERFECT_BITS``). Income per person is the
# record's net income in whole fen (integers: no decimal arithmetic) over its household size, as a
# double: (fen / 100) / size, the same double as the exact amount divided by the size.
MEMBERS = """
SELECT household_id - $low AS i, count(*)::USMALLINT AS w FROM registry_member
WHERE is_active AND household_id BETWEEN $low AND $high GROUP BY household_id
"""
INCOMES = """
SELECT household_id - $low AS i,
       ((coalesce(wage_income, 0) * 100)::BIGINT + (coalesce(business_income, 0) * 100)::BIGINT
        + (coalesce(property_income, 0) * 100)::BIGINT + (coalesce(transfer_family_planning, 0) * 100)::BIGINT
        + (coalesce(transfer_minimum_living, 0) * 100)::BIGINT
        + (coalesce(transfer_destitute_support, 0) * 100)::BIGINT + (coalesce(transfer_pension, 0) * 100)::BIGINT
        + (coalesce(transfer_eco_compensation, 0) * 100)::BIGINT + (coalesce(transfer_other, 0) * 100)::BIGINT
        - (coalesce(business_expense, 0) * 100)::BIGINT) / 100 / household_size AS y
FROM registry_incomerecord
WHERE year = $year AND household_size > 0 AND household_id BETWEEN $low AND $high
"""
# Counties in code order (their index is the county's number in the arrays), villages → counties.
COUNTIES = "SELECT id, code FROM registry_region WHERE level = 'county' ORDER BY code"
HOUSEHOLDS = """
SELECT h.id - $low AS i, k.n::SMALLINT AS c
FROM registry_household h
JOIN registry_region v ON v.id = h.village_id
JOIN registry_region t ON t.id = v.parent_id
JOIN (SELECT id, row_number() OVER (ORDER BY code) - 1 AS n FROM registry_region WHERE level = 'county') k
  ON k.id = t.parent_id
"""
# Counties are numbered in SMALLINT; a registry with more counties than that holds is refused.
MAX_COUNTIES = 32_767
PERFECT_ON = f"SET perfect_ht_threshold = {PERFECT_BITS}"
PERFECT_OFF = f"SET perfect_ht_threshold = {DUCKDB_PERFECT_DEFAULT}"


def _counties(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    counties = con.execute(COUNTIES).fetchnumpy()
    if len(counties["id"]) > MAX_COUNTIES:
        raise ValueError(Text(f"县级区划 {len(counties['id'])} 个，超过本测算可编号的 {MAX_COUNTIES} 个",
                              f"{len(counties['id'])} counties: more than the {MAX_COUNTIES} this measure numbers"))
    return counties


def fgt_gini_by_county(con: duckdb.DuckDBPyConnection, data: Path, year: int, line: float) -> Any:
    """A pandas frame per county (code order): people, FGT(0), FGT(1), FGT(2) and Gini, over the persons
    of households with active members and an income record for ``year`` (each household's persons share
    its per-capita income). DuckDB reads the registry; numpy sorts each county once."""
    parquet_views(duckdb_session(con), data)
    counties = _counties(con)
    row = con.execute("SELECT min(id), max(id) FROM registry_household").fetchone()
    low, high = row or (None, None)
    if low is None or high is None:
        return _county_frame(counties["code"], *(np.zeros(len(counties["id"])) for _ in range(6)))
    ids = {"low": int(low), "high": int(high)}
    n = int(high) - int(low) + 1
    con.execute(PERFECT_ON)
    try:
        members = con.execute(MEMBERS, ids).fetchnumpy()
    finally:
        con.execute(PERFECT_OFF)
    w = np.zeros(n, dtype=np.uint16)
    w[members["i"]] = members["w"]
    del members
    incomes = con.execute(INCOMES, {**ids, "year": year}).fetchnumpy()
    y = np.full(n, np.nan)
    y[incomes["i"]] = incomes["y"]
    del incomes
    households = con.execute(HOUSEHOLDS, {"low": ids["low"]}).fetchnumpy()
    county = np.full(n, -1, dtype=np.int16)
    county[households["i"]] = households["c"]
    del households
    threads = int(con.execute("SELECT current_setting('threads')").fetchone()[0])  # type: ignore[index]
    return _county_frame(counties["code"], *_measures(county, w, y, len(counties["id"]), float(line), threads))


def _measures(county: npt.NDArray[np.int16], w: npt.NDArray[np.uint16], y: npt.NDArray[np.float64], counties: int,
              line: float, threads: int = 1) -> tuple[npt.NDArray[np.float64], ...]:
    """Per county: people, Σ w·y, the FGT sums and the Gini's Σ wᵢyᵢ(2Cᵢ + wᵢ), from one array entry per
    household (county number or −1, active members, per-capita income or NaN). Households are put in
    county order (a radix sort of 16-bit numbers), then each county's incomes are sorted and summed
    apart: small arrays, in cache, shared among ``threads`` (numpy releases the GIL while it sorts)."""
    keep = np.flatnonzero((w > 0) & (county >= 0) & ~np.isnan(y))
    by_county = keep[np.argsort(county[keep], kind="stable")]
    del keep
    sizes = np.bincount(county[by_county], minlength=counties)
    bounds = np.concatenate(([0], np.cumsum(sizes)))
    ys, ws = y[by_county], w[by_county]
    del by_county
    out = np.zeros((6, counties))

    def each(numbers: npt.NDArray[np.intp]) -> None:
        for c in numbers:
            a, b = bounds[c], bounds[c + 1]
            order = np.argsort(ys[a:b])
            incomes, weights = ys[a:b][order], ws[a:b][order].astype(np.float64)
            running = np.cumsum(weights)  # 2Cᵢ + wᵢ = 2·(weight up to and including i) − wᵢ
            weighted = weights * incomes
            poor = int(np.searchsorted(incomes, line, side="left"))  # y < line: the first ones
            gaps = (line - incomes[:poor]) / line
            poor_weights = weights[:poor]
            # products summed by numpy, not BLAS dot products (whose threads would compete with these)
            out[:, c] = (running[-1], weighted.sum(), poor_weights.sum(), (poor_weights * gaps).sum(),
                         (poor_weights * gaps * gaps).sum(), (weighted * (2 * running - weights)).sum())

    held = np.flatnonzero(sizes > 0)
    if threads > 1 and held.size > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(each, np.array_split(held, threads * 8)))
    else:
        each(held)
    people, amount, p0, p1, p2, gini_sum = out
    return people, amount, p0, p1, p2, gini_sum


def _county_frame(codes: Any, people: npt.NDArray[np.float64], amount: npt.NDArray[np.float64],
                  p0: npt.NDArray[np.float64], p1: npt.NDArray[np.float64], p2: npt.NDArray[np.float64],
                  gini_sum: npt.NDArray[np.float64]) -> Any:
    """G = Σ wᵢyᵢ(2Cᵢ + wᵢ − W) / (W·Y) = (Σ wᵢyᵢ(2Cᵢ + wᵢ) − W·Y) / (W·Y); counties without people left out."""
    import pandas as pd

    held = people > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        frame = pd.DataFrame({"county": codes, "people": people, "fgt0": p0 / people, "fgt1": p1 / people,
                              "fgt2": p2 / people, "gini": (gini_sum - people * amount) / (people * amount)})
    return frame[held].reset_index(drop=True)


def alkire_foster_by_county(con: duckdb.DuckDBPyConnection, data: Path, pack: Pack, year: int, k: float) -> Any:
    """A pandas frame per county: people, H, A, M0 over the pack's 两不愁三保障 indicators (equal weights).

    The statuses are the engine's (``StatementPlanner``): when each indicator reads one table, one
    statement per table (``household_statuses_by_table``), put together by household id in arrays as
    the FGT's reads are; otherwise one statement joining them (``household_statuses``)."""
    from ..engine.compiled import compile_pack
    from ..engine.statements import StatementPlanner

    session = duckdb_session(con)
    parquet_views(session, data)
    wide = pack.model_copy(update={"household_scope": "all"})
    planner = StatementPlanner(compile_pack(wide, year), "duckdb")
    names = [i.name for i in planner.c.of("household") if i.name in DIMENSIONS]
    if not names:
        raise ValueError(Text(f"政策包 {pack.pack} 在 {year} 年没有两不愁三保障指标",
                              f"pack {pack.pack} has no 两不愁三保障 indicators in {year}"))
    # the score is a count of deprived dimensions over their number; compared with k·d in whole counts,
    # so no floating-point tolerance is needed here
    need = math.ceil(k * len(names) - 1e-9)
    grouping = planner.grouping_by_household
    for step in grouping(True):
        session.execute(step.statement)
    try:
        tables = planner.household_statuses_by_table(names)
        if tables is not None:
            result = _alkire_foster_by_table(con, tables, need, len(names))
        else:
            result = _alkire_foster_joined(con, planner.household_statuses(names).sql("duckdb"), names, need)
    finally:
        for step in grouping(False):
            session.execute(step.statement)
    result["A"] = (result["M0"] / result["H"]).where(result["H"] > 0, 0.0)
    return result


# Only names from the fixed DIMENSIONS tuple, the engine's integer status codes and statements the planner
# rendered from the pack's compiled rules enter the texts below; values are bound as parameters.
_FAILING = f"({STATUS_CODE['fail']}, {STATUS_CODE['no_data']})"


def _deprived(columns: list[str]) -> str:
    """SQL: how many of the status columns fail or lack data."""
    return " + ".join(f"(CASE WHEN {c} IN {_FAILING} THEN 1 ELSE 0 END)" for c in columns) or "0"


def _statuses_of(statement: exp.Select) -> list[str]:
    return [e.alias_or_name for e in statement.expressions if e.alias_or_name.startswith("s_")]


def _alkire_foster_by_table(con: duckdb.DuckDBPyConnection, tables: dict[str, exp.Select], need: int,
                            dimensions: int) -> Any:
    import pandas as pd

    counties = _counties(con)
    row = con.execute("SELECT min(id), max(id) FROM registry_household").fetchone()
    low, high = row or (None, None)
    empty = pd.DataFrame({"county": pd.Series(dtype=object), "people": pd.Series(dtype=float),
                          "H": pd.Series(dtype=float), "M0": pd.Series(dtype=float)})
    if low is None or high is None:
        return empty
    ids = {"low": int(low), "high": int(high)}
    n = int(high) - int(low) + 1
    sql = {name: statement.sql("duckdb") for name, statement in tables.items()}
    within = "household_id BETWEEN $low AND $high"
    households = con.execute(f"""
        SELECT s.household_id - $low AS i, k.n::SMALLINT AS c, {_deprived(_statuses_of(tables['households']))} AS d
        FROM ({sql['households']}) s
        JOIN registry_region v ON v.id = s.village_id JOIN registry_region t ON t.id = v.parent_id
        JOIN (SELECT id, row_number() OVER (ORDER BY code) - 1 AS n FROM registry_region WHERE level = 'county') k
          ON k.id = t.parent_id
        WHERE s.{within}""", ids).fetchnumpy()
    county = np.full(n, -1, dtype=np.int16)
    county[households["i"]] = households["c"]
    deprived = np.zeros(n, dtype=np.int16)
    deprived[households["i"]] = households["d"]
    del households
    members = con.execute(f"""
        SELECT household_id - $low AS i, people::USMALLINT AS w, {_deprived(_statuses_of(tables['members']))} AS d
        FROM ({sql['members']}) s WHERE {within}""", ids).fetchnumpy()
    people = np.zeros(n, dtype=np.uint16)  # no member on the reference date: no people, no member fails
    people[members["i"]] = members["w"]
    deprived[members["i"]] += members["d"].astype(np.int16)
    del members
    income_statuses = _statuses_of(tables["income"])
    if income_statuses:
        missing = con.execute(f"SELECT {_deprived(income_statuses)} FROM ({sql['no_income']}) s").fetchone()
        by_income = np.full(n, int(missing[0]) if missing else 0, dtype=np.int16)
        income = con.execute(f"""
            SELECT household_id - $low AS i, {_deprived(income_statuses)} AS d
            FROM ({sql['income']}) s WHERE {within}""", ids).fetchnumpy()
        by_income[income["i"]] = income["d"]
        deprived += by_income
        del income, by_income
    held = np.flatnonzero(county >= 0)
    c, w, d = county[held], people[held].astype(np.float64), deprived[held]
    poor = d >= need
    k = len(counties["id"])
    total = np.bincount(c, w, k)
    households_in = np.bincount(c, minlength=k) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.bincount(c, np.where(poor, w, 0.0), k) / total
        m0 = np.bincount(c, np.where(poor, w * d, 0.0), k) / dimensions / total
    frame = pd.DataFrame({"county": counties["code"], "people": total, "H": h, "M0": m0})
    return frame[households_in].reset_index(drop=True)


def _alkire_foster_joined(con: duckdb.DuckDBPyConnection, statuses: str, names: list[str], need: int) -> Any:
    query = f"""
    WITH scored AS (
        SELECT e.village_id, e.people::DOUBLE AS w, {_deprived([f"s_{name}" for name in names])} AS deprived
        FROM ({statuses}) e
    )
    SELECT c.code AS county, sum(w) AS people,
           sum(CASE WHEN deprived >= $need THEN w ELSE 0 END) / sum(w) AS H,
           sum(CASE WHEN deprived >= $need THEN w * deprived ELSE 0 END) / $d / sum(w) AS M0
    FROM scored s JOIN registry_region v ON v.id = s.village_id JOIN registry_region t ON t.id = v.parent_id
    JOIN registry_region c ON c.id = t.parent_id
    GROUP BY c.code ORDER BY c.code
    """
    return con.execute(query, {"need": need, "d": float(len(names))}).df()
