"""Prescriptions on a small registry (engine on in-memory SQLite): each measure explained in plain
words, households that cannot be brought to the standard explained, budget and capacity respected."""

from __future__ import annotations

import pytest

from liangfang.plans.prescribe import Prescription, prescribe, yuan
from liangfang.plans.wording import render
from liangfang.policy import load_pack
from tests.plans.rows import Run, born, registry, run

NO_LABOUR = {"labor_ability": "none", "birth_date": born(75, 2015)}


@pytest.fixture(scope="module")
def county() -> tuple[Run, dict[str, int]]:
    r = registry(2015)
    village = r.village()
    other = r.village(2)
    ids = {
        "house": r.household(village, household={"housing_grade": "D", "housing_safety_via": "not_safe"},
                             income={"wage_income": 3000})[0],
        "on_allowance": r.household(village, members=[NO_LABOUR], income={"transfer_minimum_living": 200})[0],
        "no_income": r.household(village, no_income=True)[0],
        "child": r.household(village, members=[{}, {"relation": "son", "birth_date": born(9, 2015)}],
                             income={"wage_income": 4000})[0],
        "unappraised": r.household(village, household={"housing_grade": "", "housing_safety_via": ""})[0],
        "elderly": r.household(other, members=[NO_LABOUR, NO_LABOUR], income={"transfer_pension": 2000})[0],
        "fine": r.household(other)[0],
        "unsafe_and_short": r.household(other, household={"housing_grade": "C", "housing_safety_via": "not_safe"},
                                        members=[NO_LABOUR], income={"transfer_minimum_living": 200})[0],
    }
    return run(r, load_pack("cn-national")), ids


def _text(rx: Run, p: Prescription, household: int) -> list[str]:
    out = []
    for proposal in p.plans[household].proposals:
        spec = rx.catalogue.measures[proposal.measure].spec
        out.append(render(spec.explain.zh, {**proposal.values, "cost": proposal.cost, "gain": proposal.gain},
                          rx.catalogue.parameters))
    return out


def test_only_households_below_the_standard_get_a_plan(county: tuple[Run, dict[str, int]]) -> None:
    rx, ids = county
    p = prescribe(rx.catalogue, rx.needs, budget=None)
    assert set(p.plans) == set(ids.values()) - {ids["fine"]}


def test_each_measure_is_explained_in_the_words_of_the_article(county: tuple[Run, dict[str, int]]) -> None:
    rx, ids = county
    p = prescribe(rx.catalogue, rx.needs, budget=None)
    house = _text(rx, p, ids["house"])
    assert "D级危房 → 危房改造（拆除重建），补助 30,000 元" in house or any("易地扶贫搬迁" in t for t in house)
    child = _text(rx, p, ids["child"])
    assert any("义务教育阶段未入学 → 控辍保学" in t for t in child)
    assert any("→ 教育资助（两免一补）" in t for t in child)
    assert _text(rx, p, ids["elderly"])[0] == "无劳动力、人均纯收入 1,000 元低于标准 → 低保兜底，每年 4,800 元"
    assert {pr.stage for pr in p.plans[ids["child"]].proposals} == {"close", "accompany"}


def test_households_that_cannot_reach_the_standard_are_explained(county: tuple[Run, dict[str, int]]) -> None:
    rx, ids = county
    p = prescribe(rx.catalogue, rx.needs, budget=None)
    why = {name: [(r.code, r.zh) for r in p.plans[ids[name]].reasons] for name in
           ("on_allowance", "no_income", "unappraised")}
    assert why["no_income"] == [("no_income_record", "无 2015 年收入记录，无法计算收入缺口，请先录入该年收入")]
    assert why["unappraised"] == [
        ("no_measure", "住房安全有保障未达标，目录中没有适用的措施：住房未鉴定，请先入户核实补录")]
    code, text = why["on_allowance"][0]
    assert code == "income_short" and "收入缺口 2,655.01 元（有劳动力 0 人）" in text
    assert not any(p.plans[ids[n]].feasible for n in why)
    assert p.plans[ids["house"]].lifts and not p.plans[ids["no_income"]].lifts


def test_a_household_that_cannot_be_lifted_still_gets_what_can_be_closed(county: tuple[Run, dict[str, int]]) -> None:
    rx, ids = county
    p = prescribe(rx.catalogue, rx.needs, budget=None)
    plan = p.plans[ids["unsafe_and_short"]]
    assert not plan.feasible and plan.reasons[0].code == "income_short"
    assert [(pr.stage, pr.measure) for pr in plan.proposals if pr.stage != "accompany"] == [("partial", "c_repair")]


def test_budget_and_capacity_limits_hold_and_are_named(county: tuple[Run, dict[str, int]]) -> None:
    rx, _ = county
    unlimited = prescribe(rx.catalogue, rx.needs, budget=None)
    tight = prescribe(rx.catalogue, rx.needs, budget=6_000_00)
    assert tight.cost <= 6_000_00 < unlimited.cost
    assert tight.lifted < unlimited.lifted
    assert any(r.code == "budget" for d in tight.plans.values() for r in d.reasons)
    no_jobs = prescribe(rx.catalogue, rx.needs, budget=None, capacities={"employment_placements": 0,
                                                                         "public_welfare_jobs": 0})
    assert all(pr.measure not in ("employment_transfer", "public_welfare_job") for pr in no_jobs.proposals())
    assert yuan(no_jobs.cost) >= yuan(unlimited.cost)


@pytest.fixture(scope="module")
def borrowers() -> tuple[Run, dict[str, int]]:
    """Households short of income: a 66-year-old who can still work alone, and a 40-year-old with a
    seriously ill spouse."""
    r = registry(2020)
    village = r.village()
    ids = {
        "aged_66": r.household(village, members=[{"birth_date": born(66)}], income={"wage_income": 1000})[0],
        "aged_40": r.household(village, members=[{"birth_date": born(40)},
                                                 {"relation": "spouse", "sex": "female", "labor_ability": "lost",
                                                  "health_status": "serious", "birth_date": born(40)}],
                               income={"wage_income": 3000})[0],
    }
    return run(r, load_pack("cn-national")), ids


def test_micro_credit_is_never_proposed_to_a_borrower_above_the_catalogues_age_limit(
        borrowers: tuple[Run, dict[str, int]]) -> None:
    rx, ids = borrowers
    aged = rx.needs.households[ids["aged_66"]]
    assert all("micro_credit" not in m.eligible for m in aged.members)
    assert "micro_credit" not in aged.eligible
    p = prescribe(rx.catalogue, rx.needs, budget=None)
    assert all(pr.measure != "micro_credit" for pr in p.plans[ids["aged_66"]].proposals)
    younger = rx.needs.households[ids["aged_40"]]
    assert ["micro_credit" in m.eligible for m in younger.members] == [True, False]
    assert rx.catalogue.parameters["credit_age_max"][0] == 60


def test_micro_credit_is_one_loan_per_household_whoever_borrows() -> None:
    r = registry(2020)
    hid = r.household(r.village(), members=[{"birth_date": born(40)},
                                            {"relation": "spouse", "sex": "female", "birth_date": born(38)}],
                      income={"wage_income": 1000})[0]
    rx = run(r, load_pack("cn-national"))
    p = prescribe(rx.catalogue, rx.needs, budget=None, capacities={"employment_placements": 0,
                                                                   "public_welfare_jobs": 0,
                                                                   "ecological_rangers": 0})
    assert [pr.measure for pr in p.plans[hid].proposals].count("micro_credit") <= 1


def test_a_need_the_budget_cannot_fund_is_reported_not_dropped(borrowers: tuple[Run, dict[str, int]]) -> None:
    rx, ids = borrowers
    unlimited = prescribe(rx.catalogue, rx.needs, budget=None)
    ill = [pr for pr in unlimited.plans[ids["aged_40"]].proposals if pr.measure == "serious_illness_relief"]
    assert len(ill) == 1
    close = unlimited.selection.cost
    tight = prescribe(rx.catalogue, rx.needs, budget=close + 1_000_00)  # the closing measures and 1,000 yuan
    plan = tight.plans[ids["aged_40"]]
    assert all(pr.measure != "serious_illness_relief" for pr in plan.proposals)
    left = [r for r in plan.reasons if r.code == "unfunded"]
    assert any("大病救治" in r.zh and "8,000 元" in r.zh and "预算不足" in r.zh for r in left), left
    assert any("serious-illness" in r.en and "the budget ran out" in r.en for r in left)
