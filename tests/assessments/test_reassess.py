"""A save assesses the changed households again (issue 14, finding 10): after an income, member,
household or procedure change commits, their stored results are those of the one engine run on the
data as saved, for every stored run, so the household page shows a fresh verdict; a batch is one
engine run per stored run; the area figures stay the run's until the area is assessed again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from liangfang.assessments import services
from liangfang.assessments.models import AreaResult, AssessmentRun, FactValue, HouseholdResult, IndicatorResult
from liangfang.assessments.selectors import household_explanation
from liangfang.assessments.services import assessment_run
from liangfang.registry.models import Household
from liangfang.registry.services.bulk import HouseholdInput, write_many
from liangfang.registry.services.households import income_set, member_update
from liangfang.registry.services.status import household_status_decide
from tests.assessments.test_assess import registry  # noqa: F401  (the fixture)
from tests.factories import VILLAGE, household_data, income_data, member_data

pytestmark = pytest.mark.django_db
Capture = Callable[..., Any]


def _stored(run: AssessmentRun, household: Household) -> tuple[Any, ...]:
    row = HouseholdResult.objects.get(run=run, household_id=household.pk)
    indicators = sorted(IndicatorResult.objects.filter(run=run, level="household", subject_id=household.pk)
                        .values_list("indicator", "status", "applicable", "failing"))
    values = sorted(FactValue.objects.filter(run=run, level="household", subject_id=household.pk)
                    .values_list("name", "number", "text"))
    return row.verdict, row.status, row.people, indicators, values


def test_an_income_saved_after_the_run_gives_the_household_a_fresh_result(
        django_capture_on_commit_callbacks: Capture) -> None:
    run = assessment_run(year=2020, pack="cn-national", by="test")
    poor, other = Household.objects.get(number="H-POOR"), Household.objects.get(number="H-PASS")
    other_row = HouseholdResult.objects.get(run=run, household_id=other.pk)
    areas = sorted(AreaResult.objects.filter(run=run).values_list("level", "region_id", "verdict", "people"))
    assert HouseholdResult.objects.get(run=run, household_id=poor.pk).verdict == "fail"
    with django_capture_on_commit_callbacks(execute=True):
        income_set(household=poor, year=2020, data={"wage_income": 20000}, expected_version=poor.version, by="test")
    fresh = HouseholdResult.objects.get(run=run, household_id=poor.pk)
    assert (fresh.verdict, fresh.assessed_at is not None) == ("pass", True)
    assert household_explanation(run, poor).stale is False
    assert HouseholdResult.objects.get(run=run, household_id=other.pk) == other_row  # untouched
    assert sorted(AreaResult.objects.filter(run=run).values_list("level", "region_id", "verdict", "people")) == areas
    # the same result as a whole new run: one engine, no second copy of the rules
    mine = _stored(run, poor)
    assert mine == _stored(assessment_run(year=2020, pack="cn-national", by="test"), poor)


def test_a_member_change_and_a_procedures_decision_assess_the_household_again(
        django_capture_on_commit_callbacks: Capture) -> None:
    run = assessment_run(year=2020, pack="cn-national", by="test")
    passing = Household.objects.get(number="H-PASS")
    son = passing.members.get(relation="son")
    with django_capture_on_commit_callbacks(execute=True):
        member_update(member=son, data={"school_status": "not_in_school", "education": "primary"},
                      expected_version=passing.version, by="test")
    assert HouseholdResult.objects.get(run=run, household_id=passing.pk).verdict == "fail"  # school-age dropout
    poor = Household.objects.get(number="H-POOR")
    with django_capture_on_commit_callbacks(execute=True):
        household_status_decide(household=poor, values={"status": "exited", "exit_year": 2020},
                                on=dt.date(2020, 11, 25), case_ref="test", by="test")
    assert HouseholdResult.objects.get(run=run, household_id=poor.pk).status == "exited"


def test_a_batch_is_one_engine_run_per_stored_run(django_capture_on_commit_callbacks: Capture,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    assessment_run(year=2020, pack="cn-national", by="test")
    assessment_run(year=2019, pack="cn-national", by="test")
    calls: list[int] = []
    real = services.assess

    def counted(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        real(*args, **kwargs)
    monkeypatch.setattr(services, "assess", counted)
    items = [HouseholdInput(village_code=VILLAGE, household=household_data(f"H-NEW-{i}"),
                            members=[member_data()], incomes=[income_data(2020, wage_income=100)]) for i in range(3)]
    items.append(HouseholdInput(village_code=VILLAGE, household=household_data("H-POOR"),
                                members=[member_data(), member_data("spouse", sex="female")],
                                incomes=[income_data(2020, wage_income=30000)]))
    with django_capture_on_commit_callbacks(execute=True):
        write_many(items, by="test", override_stale=True, override_reason="test")
    assert len(calls) == 2  # 2019 and 2020, each once for the four households
    new = Household.objects.filter(number__startswith="H-NEW-").values_list("pk", flat=True)
    run = AssessmentRun.objects.get(year=2020)
    assert set(HouseholdResult.objects.filter(run=run, household_id__in=new).values_list("verdict", flat=True)) == {
        "fail"}


def test_without_a_commit_nothing_is_assessed_and_the_page_says_the_result_may_be_out_of_date() -> None:
    run = assessment_run(year=2020, pack="cn-national", by="test")
    poor = Household.objects.get(number="H-POOR")
    income_set(household=poor, year=2020, data={"wage_income": 20000}, expected_version=poor.version, by="test")
    assert HouseholdResult.objects.get(run=run, household_id=poor.pk).verdict == "fail"
    assert household_explanation(run, poor).stale is True


def test_a_batch_of_a_large_share_of_the_registry_runs_the_assessment_again_whole(
        django_capture_on_commit_callbacks: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    """An import changing many households: each stored run's year and pack assessed again whole,
    area figures included (cheaper than replacing so many results one household at a time)."""
    first = assessment_run(year=2020, pack="cn-national", by="test")
    people = AreaResult.objects.get(run=first, level="county").people
    monkeypatch.setattr(services, "WHOLE_RUN_FROM", 2)
    monkeypatch.setattr(services, "WHOLE_RUN_SHARE", 0.05)  # 2 of the 22 households
    poor = Household.objects.get(number="H-POOR")
    items = [HouseholdInput(village_code=VILLAGE, household=household_data("H-POOR"),
                            members=[member_data(), member_data("spouse", sex="female")],
                            incomes=[income_data(2020, wage_income=30000)]),
             HouseholdInput(village_code=VILLAGE, household=household_data("H-NEW"), members=[member_data()],
                            incomes=[income_data(2020, wage_income=100)])]
    with django_capture_on_commit_callbacks(execute=True):
        write_many(items, by="test", override_stale=True, override_reason="test")
    again = AssessmentRun.objects.get(year=2020)
    assert again.pk != first.pk and again.run_by.startswith("重新评估")
    assert HouseholdResult.objects.get(run=again, household_id=poor.pk).verdict == "pass"
    assert AreaResult.objects.get(run=again, level="county").people > people  # H-NEW's head among them
