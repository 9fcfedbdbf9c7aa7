"""The headline figures of a run: households meeting the standard, villages, county verdicts."""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from .results import normalize
from .session import Session
from .sqlparts import col, count_if
from .statements import STATUS, code, is_pass


def _pass(column: str = "verdict") -> exp.Expr:
    return is_pass(col(column))


def summarize(session: Session) -> dict[str, Any]:
    households = exp.select(
        exp.Count(this=exp.Star()).as_("assessed"),
        count_if(_pass()).as_("meeting"),
        count_if(exp.EQ(this=col("verdict"), expression=code("pending"))).as_("pending"),
        exp.Sum(this=col("people")).as_("people"),
        exp.Sum(this=exp.Case().when(exp.Not(this=_pass()), col("people")).else_(exp.Literal.number(0))).as_(
            "poor_people"),
    ).from_("lf_household_eval")
    villages = (exp.select(
        exp.Count(this=exp.Star()).as_("villages"),
        count_if(_pass("verdict")).as_("meeting"),
        count_if(col("is_poor_village", "f")).as_("poor_villages"),
        count_if(exp.and_(col("is_poor_village", "f"), is_pass(col("verdict", "e"))))
        .as_("poor_meeting"))
        .from_(exp.to_table("lf_village_eval").as_("e"))
        .join(exp.to_table("lf_village").as_("f"),
              on=exp.EQ(this=col("village_id", "f"), expression=col("village_id", "e"))))
    counties = (exp.select(col("county_id", "e"), col("county_code", "f"), col("verdict", "e"),
                           col("rural_population", "f"), col("poor_population", "f"), col("poverty_incidence", "f"))
                .from_(exp.to_table("lf_county_eval").as_("e"))
                .join(exp.to_table("lf_county").as_("f"),
                      on=exp.EQ(this=col("county_id", "f"), expression=col("county_id", "e")))
                .order_by(col("county_code", "f")))
    out: dict[str, Any] = {}
    names, rows = session.query(households)
    out["households"] = {n: int(v or 0) for n, v in zip(names, rows[0], strict=True)}
    names, rows = session.query(villages)
    out["villages"] = {n: int(v or 0) for n, v in zip(names, rows[0], strict=True)}
    names, rows = session.query(counties)
    out["counties"] = []
    for row in rows:
        record = dict(zip(names, row, strict=True))
        incidence = normalize("rate", record["poverty_incidence"])
        out["counties"].append({
            "county_id": int(record["county_id"]), "code": str(record["county_code"]),
            "verdict": STATUS[int(record["verdict"])], "rural_population": int(record["rural_population"] or 0),
            "poor_population": int(record["poor_population"] or 0),
            "poverty_incidence": None if incidence is None else str(incidence),
        })
    return out
