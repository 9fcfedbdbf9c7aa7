"""The intervention catalogue: it loads and compiles for every year of its packs, every measure's
eligibility has a subject that passes it and one that fails it (evaluated in SQL by the engine's
own rule language), and a bad catalogue is refused with the file, line and what to do."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from liangfang.engine.compiled import compile_pack
from liangfang.engine.session import dbapi_session
from liangfang.plans.catalogue import CatalogueError, catalogue_for, compile_catalogue, read_catalogue
from liangfang.plans.needs import assess, household_rows, member_rows
from liangfang.policy import load_pack, load_pack_file
from tests.engine.layout_db import load
from tests.plans.rows import Rows, born, registry

SHIPPED = Path(__file__).resolve().parents[2] / "liangfang" / "plans" / "catalogues" / "cn-national.yaml"
NO_LABOUR = {"labor_ability": "none"}

# measure -> (spec that is eligible, spec that is not). A household spec holds ``household``,
# ``members`` and ``income`` overrides; a member measure is judged on the first member.
CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "courtyard_economy": ({}, {"members": [NO_LABOUR]}),
    "cooperative": ({}, {"members": [NO_LABOUR, NO_LABOUR]}),
    "equity_dividend": ({}, {"general": True}),
    "ecommerce": ({}, {"members": [NO_LABOUR]}),
    # a borrower who can work, within the catalogue's age range; not a 66-year-old who can still work
    "micro_credit": ({"members": [{"labor_ability": "weak"}]},
                     {"members": [{"labor_ability": "ordinary", "birth_date": born(66)}]}),
    "relocation": ({"household": {"housing_grade": "D", "housing_safety_via": "not_safe"}},
                   {"household": {"housing_grade": "D", "housing_safety_via": "relocated",
                                  "relocation_mode": "scattered", "relocation_year": 2019}}),
    "c_repair": ({"household": {"housing_grade": "C", "housing_safety_via": "not_safe"}},
                 {"household": {"housing_grade": "C", "housing_safety_via": "renovated",
                                "housing_renovated_year": 2019}}),
    "d_rebuild": ({"household": {"housing_grade": "D", "housing_safety_via": "not_safe"}},
                  {"household": {"housing_grade": "C", "housing_safety_via": "not_safe"}}),
    "safe_water": ({"household": {"water_quality": "unsafe"}}, {}),
    "poverty_insurance": ({}, {"general": True}),
    "minimum_living": ({"members": [NO_LABOUR, NO_LABOUR], "income": {"transfer_pension": 3000}},
                       {"members": [{}, NO_LABOUR], "income": {"transfer_pension": 3000}}),
    "minimum_living_topup": ({"members": [NO_LABOUR], "income": {"transfer_minimum_living": 1500}},
                             {"members": [NO_LABOUR], "income": {"transfer_pension": 1500}}),
    "destitute_support": ({"members": [NO_LABOUR], "income": {"transfer_pension": 1500}},
                          {"members": [NO_LABOUR] * 3, "income": {"transfer_pension": 1500}}),
    "motivation": ({}, {"members": [NO_LABOUR]}),
    "employment_transfer": ({"members": [{"birth_date": born(30)}]}, {"members": [{"birth_date": born(60)}]}),
    "public_welfare_job": ({"members": [{"labor_ability": "weak", "birth_date": born(60)}]},
                           {"members": [NO_LABOUR]}),
    "ecological_ranger": ({"members": [{"birth_date": born(40)}]}, {"members": [{"birth_date": born(70)}]}),
    "school_return_primary": ({"members": [{"birth_date": born(8), "relation": "son"}]},
                              {"members": [{"birth_date": born(8), "relation": "son", "school_status": "primary"}]}),
    "school_return_junior": ({"members": [{"birth_date": born(13), "relation": "son"}]},
                             {"members": [{"birth_date": born(8), "relation": "son"}]}),
    "home_teaching": ({"members": [{"birth_date": born(10), "health_status": "disabled"}]},
                      {"members": [{"birth_date": born(10), "health_status": "disabled",
                                    "school_exemption": "home_teaching"}]}),
    "education_subsidy": ({"members": [{"birth_date": born(10), "school_status": "primary"}]},
                          {"members": [{"birth_date": born(17), "school_status": "senior"}]}),
    "rain_dew_plan": ({"members": [{"birth_date": born(17), "school_status": "vocational"}]},
                      {"members": [{"birth_date": born(17), "school_status": "senior"}]}),
    "insurance_premium": ({"members": [{"medical_insurance": False}]}, {}),
    "serious_illness_relief": ({"members": [{"health_status": "serious"}]},
                               {"members": [{"health_status": "chronic"}]}),
    "family_doctor": ({"members": [{"family_doctor": False}]}, {}),
}


@pytest.fixture(scope="module")
def all_scope_pack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """cn-national assessing every household (not only registered ones), so a general household's
    eligibility can be judged too; it uses cn-national's catalogue through ``extends``."""
    path = tmp_path_factory.mktemp("packs") / "test-all.yaml"
    path.write_text("pack: test-all\nversion: '1'\nextends: cn-national\nhousehold_scope: all\n", encoding="utf-8")
    return load_pack_file(path)


@pytest.fixture(scope="module")
def judged(all_scope_pack: Any) -> dict[tuple[str, str], bool]:
    """(measure, 'pass' | 'fail') -> whether the fixture subject was found eligible."""
    rows: Rows = registry(2020)
    village = rows.village()
    subjects: dict[tuple[str, str], tuple[str, int]] = {}
    for measure, specs in CASES.items():
        level = "member" if catalogue_for(all_scope_pack).catalogue.measures[measure].level == "member" else "household"
        for outcome, spec in zip(("pass", "fail"), specs, strict=True):
            hid, members = rows.household(village, household=spec.get("household"), members=spec.get("members"),
                                          income=spec.get("income"), general=spec.get("general", False))
            subjects[(measure, outcome)] = (level, members[0] if level == "member" else hid)
    connection = sqlite3.connect(":memory:")
    load(connection, "sqlite", rows.rows)
    session = dbapi_session(connection, "sqlite")
    compiled = compile_pack(all_scope_pack, 2020)
    catalogue = compile_catalogue(all_scope_pack, 2020)
    assess(session, compiled)
    eligible = {("household", r.id): set(r.eligible) for r in household_rows(session, catalogue)}
    eligible |= {("member", r.id): set(r.eligible) for r in member_rows(session, compiled, catalogue)}
    return {key: key[0] in eligible[subject] for key, subject in subjects.items()}


def test_every_measure_has_a_passing_and_a_failing_fixture() -> None:
    assert set(CASES) == set(catalogue_for(load_pack("cn-national")).catalogue.measures)


@pytest.mark.parametrize("measure", sorted(CASES))
def test_eligibility_of_each_measure(judged: dict[tuple[str, str], bool], measure: str) -> None:
    assert judged[(measure, "pass")] is True, f"{measure}: the eligible fixture was refused"
    assert judged[(measure, "fail")] is False, f"{measure}: the ineligible fixture was accepted"


@pytest.mark.parametrize(("pack", "years"), [("cn-national", range(2014, 2021)), ("jilin-taobei-2020", [2020])])
def test_the_shipped_catalogue_compiles_for_every_year_of_its_packs(pack: str, years: range) -> None:
    for year in years:
        compiled = compile_catalogue(load_pack(pack), year)
        # the pack's operator is '>' (稳定超过): one fen a person above the line
        assert compiled.income_target == load_pack(pack).poverty_line(year) + Decimal("0.01")
        assert {m.key for m in compiled.of_level("member")} >= {"insurance_premium", "public_welfare_job"}


def test_safe_water_fixes_water_only_in_years_the_pack_checks_it() -> None:
    assert compile_catalogue(load_pack("cn-national"), 2015).measure("safe_water").fixes == ()
    assert compile_catalogue(load_pack("cn-national"), 2019).measure("safe_water").fixes == ("water",)


def test_every_figure_that_is_not_in_policy_md_is_marked_as_an_assumption() -> None:
    for key, m in catalogue_for(load_pack("cn-national")).catalogue.measures.items():
        assert m.figures.reliability.value in ("UNCONFIRMED", "ANALOGUE"), key


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "cn-national.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "item", "message"), [
    ("eligible: labor_count >= 1\n    income_gain: {amount: 2000}", "eligible: labour_count >= 1\n    income_gain: "
     "{amount: 2000}", "measures.courtyard_economy.eligible", "unknown fact or parameter 'labour_count'"),
    ("eligible: NOT medical_insurance", "eligible: NOT medical_insurance AND per_capita_net_income < 1",
     "measures.insurance_premium.eligible", "per_capita_net_income is a household fact"),
    ("fixes: [medical]", "fixes: [medicine]", "measures.insurance_premium.fixes", "indicator medicine"),
    ("fund_source: medical_aid\n    effect: {member: {medical_insurance: true",
     "fund_source: health_fund\n    effect: {member: {medical_insurance: true",
     "measures.insurance_premium.fund_source", "fund source 'health_fund'"),
    ("effect: {member: {school_status: primary}}", "effect: {member: {school_status: nursery}}",
     "measures.school_return_primary.effect.member.school_status", "nursery"),
    ("explain: {zh: \"{housing_grade} → 危房改造（修缮", "explain: {zh: \"{house_grade} → 危房改造（修缮",
     "measures.c_repair.explain.zh", "unknown placeholder {house_grade}"),
])
def test_a_bad_catalogue_is_refused_with_file_line_and_reason(tmp_path: Path, old: str, new: str, item: str,
                                                              message: str) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(CatalogueError) as caught:
        compile_catalogue(load_pack("cn-national"), 2020, read_catalogue(path))
    problem = next(p for p in caught.value.problems if p.item.startswith(item))
    assert problem.file == str(path)
    assert problem.line is not None and problem.line > 1
    assert message in problem.message
