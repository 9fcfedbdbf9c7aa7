"""The plan commands end to end on a small county: plan, accept, deliver, pair, overdue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from liangfang.cli import app
from liangfang.plans.models import Delivery, Plan, PlanRun
from liangfang.registry.models import Household
from liangfang.registry.services.households import household_create, income_set
from tests.factories import VILLAGE, household_data, make_regions, member_data

pytestmark = pytest.mark.django_db
runner = CliRunner()


@pytest.fixture
def county(monkeypatch: pytest.MonkeyPatch) -> list[Household]:
    monkeypatch.setenv("LIANGFANG_LANG", "zh")
    monkeypatch.setenv("COLUMNS", "200")
    regions = make_regions()
    out = []
    for grade, wage in (("D", "3000"), ("B", "2000"), ("C", "5000")):
        h = household_create(village=regions[VILLAGE], data=household_data(housing_grade=grade, housing_safety_via=(
            "not_safe" if grade in "CD" else "appraised_safe")), members=[member_data(born=dt.date(1975, 1, 1))],
            by="t")
        income_set(household=h, year=2015, data={"wage_income": Decimal(wage)}, expected_version=h.version, by="t")
        out.append(h)
    return out


def test_plan_prints_the_cost_tables_and_saves_proposed_plans(county: list[Household]) -> None:
    result = runner.invoke(app, ["plan", "--county", "--year", "2015", "--budget", "35,000", "--greedy"])
    assert result.exit_code == 0, result.output
    for title in ("帮扶计划测算", "按措施", "按资金来源", "按行政村", "计划达标户", "贪心规则对比", "预算已用完"):
        assert title in result.output, title
    assert "35,000" in result.output
    run = PlanRun.objects.get()
    assert (run.households_in_need, run.households_lifted, Plan.objects.count()) == (3, 2, 3)
    accepted = runner.invoke(app, ["plan-accept", "--run", str(run.pk)])
    assert accepted.exit_code == 0 and "已确认 3 户计划" in accepted.output
    delivered = runner.invoke(app, ["plan-deliver", "--run", str(run.pk), "--date", "2015-10-20", "--proof", "验收单"])
    assert delivered.exit_code == 0, delivered.output
    assert Delivery.objects.count() > 0


def test_plan_refuses_a_bad_budget_and_an_unknown_capacity(county: list[Household]) -> None:
    result = runner.invoke(app, ["plan", "--county", "--year", "2015", "--budget", "lots"])
    assert result.exit_code == 1 and "--budget" in result.output
    result = runner.invoke(app, ["plan", "--village", VILLAGE, "--year", "2015", "--capacity", "jobs=3"])
    assert result.exit_code == 1 and "未知的容量 jobs" in result.output
    assert PlanRun.objects.count() == 0


def test_pair_and_overdue_report_their_gaps(county: list[Household]) -> None:
    paired = runner.invoke(app, ["pair", "--county", "--dry-run", "--date", "2015-05-01"])
    assert paired.exit_code == 0, paired.output
    assert "无帮扶责任人的户" in paired.output and "未写入" in paired.output
    late = runner.invoke(app, ["overdue", "--county", "--as-of", "2015-12-31"])
    assert late.exit_code == 0, late.output
    assert "超过 30 天未走访 3 户" in late.output


def test_plan_speaks_in_words_not_codes(county: list[Household]) -> None:
    from liangfang.policy import load_pack

    result = runner.invoke(app, ["plan", "--county", "--year", "2015", "--dry-run", "--show", "3"])
    assert result.exit_code == 0, result.output
    for code in ("everyone", "budget_only", "milp", "greedy", "最优（已证明）"):
        assert code not in result.output, code
    indicators = load_pack("cn-national").indicators("household")
    gap_lines = [line for line in result.output.splitlines() if "未达标:" in line]
    assert gap_lines
    for line in gap_lines:
        named = line.split("未达标:")[1].strip()
        assert named and all(part in {i.name.zh for i in indicators.values()} for part in named.split("、")), line
