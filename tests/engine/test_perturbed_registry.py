"""A perturbed registry of one county (cn-national, 2020), its figures computed by hand below, run
through every engine: SQLite, PostgreSQL (when reachable) and DuckDB over Parquet. Statuses are read
as they were on 31 August 2020 (issue 14): a household that exited only in 2021 was not exited then,
and one identified in October 2020 was not yet registered.

Two villages of 50 people each (100 in all). Registered households, with the hand-computed result
of each indicator (income, food, clothing, education, medical, housing, water):

village A (a poor village; 32 people in 8 general households of 4)
  H1 exited, everything met, 2019 income above its line (2 people)    -> pass, income stable
  H2 not exited, wage 100 (3 people)                                   -> fail (income, food, clothing)
  H3 not exited, everything met (2)                                    -> pass: 应退未退
  H4 exited, income exactly on the line, 8,000 / 2 (2)                 -> fail (income, food, clothing): 疑似错退
  H5 exited, D-grade house not renovated (2)                           -> fail (housing): 疑似错退
  H6 exited, no income record for 2020 (2)                             -> no_data (income, food, clothing)
  H7 relapsed, days without water not recorded (2)                     -> no_data (water)
  H8 exited, D-grade house renovated in 2018, 2019 income on its line -> pass, income not stable
  H9 exited, wage 100 and days without water not recorded (1)          -> fail (income…), no_data (water): 疑似错退
village B (not poor; 37 people in 18 general households, 2 of them missed poor earning 100 yuan)
  H10 not exited, wage 100 (4)                                         -> fail
  H12 exited in 2021, everything met (2)                               -> pass: not exited in 2020, 应退未退
  H13 not exited, identified on 15 October 2020, wage 100 (2)          -> not assessed: a general household then
  H11 exited (5 members on 31 August 2020)                             -> pass
      a 15-year-old who finished 初中 and left school; a son in 职工医保 (not 城乡居民医保);
      a grandparent who left on 15 November (counts); an uninsured sibling who left on 1 May,
      an uninsured daughter-in-law who joined on 1 October and a baby born on 1 December (none counts)

Official (status-based) poor: H2 3 + H3 2 + H7 2 = 7 in A (14%), H10 4 + H12 2 in B (12%): 13 / 100 = 13%
(members on the reference date: H11's 5, H12's 2, H13's 2 and the general households' 37 make B's 50).
应退未退: H3, H12 (2 households, 4 people). 疑似错退: H4, H5, H9 (3 households, 5 people).
Income stability (reported, not in the verdict): H1 passes, H8 fails, the others have no 2019 record.
Cannot be judged: H6, H7 (2). Data gaps per indicator: income, food, clothing 1 (H6); water 2 (H7, H9).
Third-party check: 2 missed poor, 3 wrongly exited: combined (13 + 2 + 3) / 100 = 18%, each person once
(counting failing verdicts instead would give 3+2+2+2+2+1+4 + 2 + 3 = 21).
"""

from __future__ import annotations

import os
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from liangfang.engine.assess import assess, compile_for_year
from liangfang.engine.duck import assess_parquet
from liangfang.engine.explain import Explainer
from liangfang.engine.results import Outcome, collect
from liangfang.engine.session import dbapi_session
from liangfang.engine.statements import Verification
from liangfang.engine.summary import summarize
from liangfang.policy import load_pack
from tests.engine.golden_registry import Builder
from tests.engine.layout_db import load, write_parquet

PACK, YEAR = "cn-national", 2020
PG_URL = os.environ.get("LIANGFANG_DIFF_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
NOT_EXITED = {"status": "not_exited", "exit_year": None}
LOW = [{"wage_income": "100"}]
ALL_MET = {"income": "pass", "income_stable": "no_data", "food": "pass", "clothing": "pass", "education": "pass",
           "medical": "pass", "housing": "pass", "water": "pass"}


def _members(n: int) -> list[dict[str, Any]]:
    people = [{"relation": "head"}, {"relation": "spouse", "sex": "female", "birth_date": "1972-05-01"},
              {"relation": "son", "birth_date": "1995-01-01"}, {"relation": "daughter", "sex": "female",
                                                                "birth_date": "1997-01-01"}]
    return people[:n]


# name -> (village, spec, verdict (None: not assessed), statuses other than 'pass')
HOUSEHOLDS: dict[str, tuple[str, dict[str, Any], str | None, dict[str, str]]] = {
    "H1": ("A", {"members": _members(2), "incomes": [{"wage_income": "10000"}, {"year": 2019, "wage_income": "7000"}]},
           "pass", {"income_stable": "pass"}),
    "H2": ("A", {"members": _members(3), "household": NOT_EXITED, "incomes": LOW}, "fail",
           {"income": "fail", "food": "fail", "clothing": "fail"}),
    "H3": ("A", {"members": _members(2), "household": NOT_EXITED}, "pass", {}),
    "H4": ("A", {"members": _members(2), "incomes": [{"wage_income": "8000"}]}, "fail",
           {"income": "fail", "food": "fail", "clothing": "fail"}),
    "H5": ("A", {"members": _members(2), "household": {"housing_grade": "D", "housing_safety_via": "not_safe"}},
           "fail", {"housing": "fail"}),
    "H6": ("A", {"members": _members(2), "no_income": True}, "no_data",
           {"income": "no_data", "food": "no_data", "clothing": "no_data"}),
    "H7": ("A", {"members": _members(2), "household": {"status": "relapsed", "water_days_without": None}},
           "no_data", {"water": "no_data"}),
    "H8": ("A", {"members": _members(2), "household": {"housing_grade": "D", "housing_safety_via": "renovated",
                                                       "housing_renovated_year": 2018},
                 "incomes": [{"wage_income": "10000"}, {"year": 2019, "wage_income": "6436"}]},
           "pass", {"income_stable": "fail"}),
    "H9": ("A", {"members": _members(1), "household": {"water_days_without": None}, "incomes": LOW}, "fail",
           {"income": "fail", "food": "fail", "clothing": "fail", "water": "no_data"}),
    "H10": ("B", {"members": _members(4), "household": NOT_EXITED, "incomes": LOW}, "fail",
            {"income": "fail", "food": "fail", "clothing": "fail"}),
    "H11": ("B", {"members": [
        *_members(2),
        {"relation": "daughter", "sex": "female", "birth_date": "2005-06-01", "education": "junior",
         "compulsory_completed": True},
        {"relation": "son", "birth_date": "1995-01-01", "medical_insurance": False, "medical_scheme": "employee"},
        {"relation": "grandparent", "birth_date": "1935-01-01", "is_active": False, "left_reason": "died",
         "left_on": "2020-11-15"},
        {"relation": "sibling", "birth_date": "1975-01-01", "medical_insurance": False, "is_active": False,
         "left_reason": "moved_out", "left_on": "2020-05-01"},
        {"relation": "daughter_in_law", "sex": "female", "birth_date": "1996-01-01", "medical_insurance": False,
         "joined_on": "2020-10-01"},
        {"relation": "grandchild", "birth_date": "2020-12-01", "medical_insurance": False}],
        "incomes": [{"wage_income": "30000", "household_size": 5}]}, "pass", {}),
    "H12": ("B", {"members": _members(2), "household": {"exit_year": 2021, "status_since": "2021-11-20"}}, "pass",
            {}),
    "H13": ("B", {"members": _members(2), "household": {**NOT_EXITED, "first_identified_on": "2020-10-15"},
                  "incomes": LOW}, None, {}),
}
VERIFICATION = {"missed_poor_people": 2, "wrong_exit_people": 3}
EXPECTED_AREAS = {
    # fact -> (village A, village B, county)
    "rural_population": (50, 50, 100),
    "poor_population": (7, 6, 13),
    "poor_households": (3, 2, 5),
    "poverty_incidence": (Decimal(14), Decimal(12), Decimal(13)),
    "assessed_households": (9, 3, 12),
    "should_exit_households": (1, 1, 2),
    "should_exit_people": (2, 2, 4),
    "suspected_wrong_exit_households": (3, 0, 3),
    "suspected_wrong_exit_people": (5, 0, 5),
    "data_gap_households": (2, 0, 2),
    "hd__verdict": (2, 0, 2),
    "hd__income": (1, 0, 1),
    "hd__food": (1, 0, 1),
    "hd__clothing": (1, 0, 1),
    "hd__education": (0, 0, 0),
    "hd__medical": (0, 0, 0),
    "hd__housing": (0, 0, 0),
    "hd__water": (2, 0, 2),
    # exited households passing: the verdict (H1, H8; H11), income stability (H1 of the 8 exited)
    "he__verdict": (2, 1, 3),
    "he__income_stable": (1, 0, 1),
}


def build() -> tuple[dict[str, list[dict[str, Any]]], dict[str, int], dict[str, int], str]:
    b = Builder(YEAR)
    county_id, county_code = b.county()
    villages = {"A": b.village(county_id, county_code, 1, poor=True),
                "B": b.village(county_id, county_code, 2, poor=False)}
    b.population(villages["A"], [{"count": 8, "size": 4}])
    b.population(villages["B"], [{"count": 16, "size": 2}, {"count": 1, "size": 3},
                                 {"count": 1, "size": 2, "incomes": LOW}])  # the last: missed poor
    ids = {name: b.household(villages[v], spec) for name, (v, spec, _, _) in HOUSEHOLDS.items()}
    return b.reg.rows, ids, {**villages, "county": county_id}, county_code


def verification(code: str) -> tuple[Verification, ...]:
    return (Verification(code, **VERIFICATION),)  # type: ignore[arg-type]


def _sql_outcome(connection: Any, dialect: str) -> tuple[Outcome, dict[str, Any]]:
    rows, _, _, code = build()
    load(connection, dialect, rows)
    compiled = compile_for_year(PACK, YEAR)
    session = dbapi_session(connection, dialect)  # type: ignore[arg-type]
    assess(session, compiled, verification=verification(code))
    return collect(session, compiled), summarize(session)


def _postgres() -> tuple[Outcome, dict[str, Any]]:
    psycopg = pytest.importorskip("psycopg")
    try:
        pg = psycopg.connect(PG_URL, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL not reachable")
    schema = f"lf_perturbed_{os.getpid()}"
    try:
        pg.execute(f"CREATE SCHEMA {schema}")
        pg.execute(f"SET search_path TO {schema}")
        return _sql_outcome(pg, "postgres")
    finally:
        pg.rollback()
        pg.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        pg.commit()
        pg.close()


def _duckdb(tmp_path: Path) -> tuple[Outcome, dict[str, Any]]:
    rows, _, _, code = build()
    write_parquet(tmp_path / "registry", rows)
    run = assess_parquet(tmp_path / "registry", load_pack(PACK), YEAR, verification=verification(code))
    return collect(run.session, compile_for_year(PACK, YEAR)), run.summary


@pytest.fixture(params=["sqlite", "postgres", "duckdb"])
def outcome(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Outcome, dict[str, Any]]:
    if request.param == "sqlite":
        return _sql_outcome(sqlite3.connect(":memory:"), "sqlite")
    if request.param == "postgres":
        return _postgres()
    return _duckdb(tmp_path)


def test_every_household_indicator_and_verdict(outcome: tuple[Outcome, dict[str, Any]]) -> None:
    result, _ = outcome
    _, ids, _, _ = build()
    got = {name: (result.households[ids[name]].verdict, result.households[ids[name]].statuses)
           for name in ids if ids[name] in result.households}
    expected = {name: (verdict, {**ALL_MET, **statuses}) for name, (_, _, verdict, statuses) in HOUSEHOLDS.items()
                if verdict is not None}
    assert got == expected


def test_statuses_are_those_of_the_reference_date(outcome: tuple[Outcome, dict[str, Any]]) -> None:
    """H13, identified in October 2020, was not yet registered on 31 August 2020: not assessed, not poor;
    H12, exited in 2021, was not exited then: poor, and meeting the standard, 应退未退 (village B)."""
    result, _ = outcome
    _, ids, areas, _ = build()
    assert ids["H13"] not in result.households
    assert result.households[ids["H12"]].verdict == "pass"
    b = result.villages[areas["B"]].values
    assert (b["poor_households"], b["poor_population"], b["should_exit_households"], b["he__verdict"]) == (2, 6, 1, 1)


def test_incidence_differences_and_data_gaps_per_area(outcome: tuple[Outcome, dict[str, Any]]) -> None:
    result, _ = outcome
    _, _, areas, _ = build()
    subjects = (result.villages[areas["A"]], result.villages[areas["B"]], result.counties[areas["county"]])
    got = {name: tuple(s.values.get(name) for s in subjects) for name in EXPECTED_AREAS}
    assert got == EXPECTED_AREAS


def test_combined_incidence_counts_each_person_once(outcome: tuple[Outcome, dict[str, Any]]) -> None:
    result, summary = outcome
    _, _, areas, _ = build()
    county = result.counties[areas["county"]]
    assert county.values["combined_poverty_incidence"] == Decimal(18)
    assert (county.statuses["incidence"], county.statuses["combined_incidence"]) == ("fail", "fail")
    households = summary["households"]
    assert (households["assessed"], households["meeting"], households["failing"], households["no_data"]) == \
        (12, 5, 5, 2)
    assert (households["poor_population"], households["should_exit_people"],
            households["suspected_wrong_exit_people"]) == (13, 4, 5)
    assert summary["counties"][0]["poverty_incidence"] == "13.000000000"


def test_a_household_that_cannot_be_judged_says_what_is_missing(outcome: tuple[Outcome, dict[str, Any]]) -> None:
    result, _ = outcome
    _, ids, _, _ = build()
    explainer = Explainer(load_pack(PACK), YEAR)
    assert explainer.verdict_text("household", result.households[ids["H6"]]) == "无法判定：缺少 无该年度收入记录"
    assert explainer.verdict_text("household", result.households[ids["H7"]], "en") == \
        "cannot be judged: missing no data on days without water"
    assert explainer.verdict_text("household", result.households[ids["H9"]]) == "未达到脱贫标准"


def test_members_are_counted_as_of_the_reference_date(outcome: tuple[Outcome, dict[str, Any]]) -> None:
    result, _ = outcome
    _, ids, _, _ = build()
    h11 = result.households[ids["H11"]]
    # (applicable, not passing): 5 members on 31 August; the 15-year-old who finished 初中 is of school age
    assert (h11.people, h11.counts["medical"], h11.counts["education"]) == (5, (5, 0), (1, 0))
