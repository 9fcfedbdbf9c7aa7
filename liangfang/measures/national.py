"""Measures by county over a national Parquet registry, in DuckDB: FGT(0, 1, 2) and Gini from one
scan, the Alkire–Foster index from the assessment's own household statuses.

The SQL is fixed text with bound parameters ($year, $line, $k): no value is pasted into it. Income
per person is the household's per-capita net income (the income record's net income over its
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

PERSONS = """
WITH people AS (
    SELECT household_id, count(*) AS w FROM registry_member WHERE is_active GROUP BY household_id
), income AS (
    SELECT household_id,
           (coalesce(wage_income, 0) + coalesce(business_income, 0) + coalesce(property_income, 0)
            + coalesce(transfer_family_planning, 0) + coalesce(transfer_minimum_living, 0)
            + coalesce(transfer_destitute_support, 0) + coalesce(transfer_pension, 0)
            + coalesce(transfer_eco_compensation, 0) + coalesce(transfer_other, 0)
            - coalesce(business_expense, 0))::DOUBLE / nullif(household_size, 0) AS y
    FROM registry_incomerecord WHERE year = $year
)
SELECT t.parent_id AS county_id, p.w::DOUBLE AS w, i.y
FROM registry_household h
JOIN people p ON p.household_id = h.id
JOIN income i ON i.household_id = h.id
JOIN registry_region v ON v.id = h.village_id
JOIN registry_region t ON t.id = v.parent_id
WHERE i.y IS NOT NULL
"""

def fgt_gini_by_county(con: duckdb.DuckDBPyConnection, data: Path, year: int, line: float) -> Any:
    """A pandas frame per county: people, FGT(0), FGT(1), FGT(2) and Gini."""
    parquet_views(duckdb_session(con), data)
    query = f"""
    WITH persons AS ({PERSONS}),
    totals AS (SELECT county_id, sum(w) AS people, sum(w * y) AS amount FROM persons GROUP BY county_id),
    ranked AS (
        SELECT county_id, w, y,
               sum(w) OVER (PARTITION BY county_id ORDER BY y
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
        FROM persons
    ),
    by_county AS (
        SELECT r.county_id,
               sum(CASE WHEN y < $line THEN w ELSE 0 END) AS p0,
               sum(CASE WHEN y < $line THEN w * ($line - y) / $line ELSE 0 END) AS p1,
               sum(CASE WHEN y < $line THEN w * pow(($line - y) / $line, 2) ELSE 0 END) AS p2,
               sum(w * y * (2 * coalesce(before, 0) + w - t.people)) AS g
        FROM ranked r JOIN totals t USING (county_id)
        GROUP BY r.county_id
    )
    SELECT c.code AS county, t.people, b.p0 / t.people AS fgt0, b.p1 / t.people AS fgt1, b.p2 / t.people AS fgt2,
           b.g / (t.people * t.amount) AS gini
    FROM by_county b JOIN totals t USING (county_id) JOIN registry_region c ON c.id = b.county_id
    ORDER BY county
    """
    return con.execute(query, {"year": year, "line": float(line)}).df()


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
