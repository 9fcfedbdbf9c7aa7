"""Measures by county over a national Parquet registry, in DuckDB: FGT(0, 1, 2) and Gini from the
persons gathered range by range, then one window and one GROUP BY; the Alkire–Foster index from
the assessment's own household statuses.

The SQL is fixed text with bound parameters ($year, $line, $low, $high, $need, $d): no value is
pasted into it. Income per person is the household's per-capita net income (the income record's net income over its
household size, as ``per_capita_net_income``), each household weighted by its active members.
The Gini coefficient is the weighted pairwise form of ``liangfang.measures.gini``, computed with a
running sum per county: G = Σ wᵢyᵢ(2·Cᵢ + wᵢ − W) / (W·Y), Cᵢ the weight ranked before i.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import duckdb

from ..engine.session import duckdb_session, parquet_views
from ..engine.statements import STATUS_CODE
from ..policy.schema import Pack
from .frames import DIMENSIONS

# Each household's per-capita income, person weight and county, in ranges of household ids: the
# registry files are written in household order, so a range reads only its own row groups, and its
# group-by and joins work on hash tables a tenth of the size (30 M-entry tables spend most of their
# time in cache misses). The ranges only split the work: every household falls in exactly one.
# Villages → counties is a small lookup joined last.
PERSONS = """
INSERT INTO lf_measure_persons
WITH people AS (
    SELECT household_id, count(*) AS w FROM registry_member
    WHERE is_active AND household_id BETWEEN $low AND $high GROUP BY household_id
), income AS (
    SELECT household_id,
           (coalesce(wage_income, 0) + coalesce(business_income, 0) + coalesce(property_income, 0)
            + coalesce(transfer_family_planning, 0) + coalesce(transfer_minimum_living, 0)
            + coalesce(transfer_destitute_support, 0) + coalesce(transfer_pension, 0)
            + coalesce(transfer_eco_compensation, 0) + coalesce(transfer_other, 0)
            - coalesce(business_expense, 0))::DOUBLE / nullif(household_size, 0) AS y
    FROM registry_incomerecord WHERE year = $year AND household_id BETWEEN $low AND $high
), county_of AS (
    SELECT v.id AS village_id, t.parent_id AS county_id
    FROM registry_region v JOIN registry_region t ON t.id = v.parent_id
)
SELECT c.county_id, p.w::DOUBLE AS w, i.y
FROM income i
JOIN people p ON p.household_id = i.household_id
JOIN registry_household h ON h.id = i.household_id
JOIN county_of c ON c.village_id = h.village_id
WHERE i.y IS NOT NULL AND h.id BETWEEN $low AND $high
"""
HOUSEHOLDS_PER_RANGE = 3_000_000

# One window for the Gini's running weight, then one GROUP BY for everything per county. The Gini's
# Σ wᵢyᵢ(2Cᵢ + wᵢ − W) is summed as Σ wᵢyᵢ(2Cᵢ + wᵢ) − W·Y so that W and Y need no second pass.
FGT_GINI = """
WITH ranked AS (
    SELECT county_id, w, y,
           sum(w) OVER (PARTITION BY county_id ORDER BY y ROWS UNBOUNDED PRECEDING) - w AS before
    FROM lf_measure_persons
), by_county AS (
    SELECT county_id, sum(w) AS people, sum(w * y) AS amount,
           sum(CASE WHEN y < $line THEN w ELSE 0 END) AS p0,
           sum(CASE WHEN y < $line THEN w * ($line - y) / $line ELSE 0 END) AS p1,
           sum(CASE WHEN y < $line THEN w * pow(($line - y) / $line, 2) ELSE 0 END) AS p2,
           sum(w * y * (2 * before + w)) AS g
    FROM ranked GROUP BY county_id
)
SELECT c.code AS county, b.people, b.p0 / b.people AS fgt0, b.p1 / b.people AS fgt1, b.p2 / b.people AS fgt2,
       (b.g - b.people * b.amount) / (b.people * b.amount) AS gini
FROM by_county b JOIN registry_region c ON c.id = b.county_id
ORDER BY county
"""


def fgt_gini_by_county(con: duckdb.DuckDBPyConnection, data: Path, year: int, line: float, *,
                       households_per_range: int = HOUSEHOLDS_PER_RANGE) -> Any:
    """A pandas frame per county: people, FGT(0), FGT(1), FGT(2) and Gini."""
    if households_per_range < 1:
        raise ValueError(f"households_per_range must be at least 1, not {households_per_range}")
    parquet_views(duckdb_session(con), data)
    row = con.execute("SELECT min(id), max(id) FROM registry_household").fetchone()
    low, high = (row or (None, None))
    con.execute("CREATE OR REPLACE TEMP TABLE lf_measure_persons (county_id BIGINT, w DOUBLE, y DOUBLE)")
    try:
        if low is not None and high is not None:
            for start in range(int(low), int(high) + 1, households_per_range):
                con.execute(PERSONS, {"year": year, "low": start, "high": start + households_per_range - 1})
        return con.execute(FGT_GINI, {"line": float(line)}).df()
    finally:
        con.execute("DROP TABLE IF EXISTS lf_measure_persons")


def alkire_foster_by_county(con: duckdb.DuckDBPyConnection, data: Path, pack: Pack, year: int, k: float) -> Any:
    """A pandas frame per county: people, H, A, M0 over the pack's 两不愁三保障 indicators (equal weights)."""
    from ..engine.compiled import compile_pack
    from ..engine.statements import StatementPlanner, drop_all

    session = duckdb_session(con)
    parquet_views(session, data)
    wide = pack.model_copy(update={"household_scope": "all"})
    compiled = compile_pack(wide, year)
    planner = StatementPlanner(compiled, "duckdb")
    needed = ("lf_member", "lf_member_agg", "lf_household", "lf_household_eval")
    for step in planner.steps():
        if step.table in needed:
            session.execute(step.statement)
    names = [i.name for i in compiled.of("household") if i.name in DIMENSIONS]
    if not names:
        raise ValueError(f"pack {pack.pack} has no 两不愁三保障 indicators in {year}")
    # Only names from the fixed DIMENSIONS tuple and the engine's integer status codes enter the text
    # below; values (k, the number of dimensions) are bound as parameters.
    failing = f"({STATUS_CODE['fail']}, {STATUS_CODE['no_data']})"
    # the score is a count of deprived dimensions over their number; compared with k·d in whole counts,
    # so no floating-point tolerance is needed here
    count = " + ".join(f"(CASE WHEN s_{name} IN {failing} THEN 1 ELSE 0 END)" for name in names)
    query = f"""
    WITH scored AS (
        SELECT e.village_id, e.people::DOUBLE AS w, {count} AS deprived FROM lf_household_eval e
    )
    SELECT c.code AS county, sum(w) AS people,
           sum(CASE WHEN deprived >= $need THEN w ELSE 0 END) / sum(w) AS H,
           sum(CASE WHEN deprived >= $need THEN w * deprived ELSE 0 END) / $d / sum(w) AS M0
    FROM scored s JOIN registry_region v ON v.id = s.village_id JOIN registry_region t ON t.id = v.parent_id
    JOIN registry_region c ON c.id = t.parent_id
    GROUP BY c.code ORDER BY c.code
    """
    need = math.ceil(k * len(names) - 1e-9)
    try:
        result = con.execute(query, {"need": need, "d": float(len(names))}).df()
    finally:
        for statement in drop_all(planner.lazy):
            session.execute(statement)
    result["A"] = (result["M0"] / result["H"]).where(result["H"] > 0, 0.0)
    return result
