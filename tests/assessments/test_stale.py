"""A stored result goes stale when the household's inputs change after the run: the household page
says so until the next assessment."""

from __future__ import annotations

import pytest

from liangfang.assessments.selectors import household_explanation
from liangfang.assessments.services import assessment_run
from liangfang.registry.models import Household
from liangfang.registry.services.households import income_set
from tests.assessments.test_assess import registry  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_an_income_change_after_the_run_marks_the_result_stale_until_the_next_run() -> None:
    assessment_run(year=2020, pack="cn-national", by="test")
    poor = Household.objects.get(number="H-POOR")
    run = assessment_run(year=2020, pack="cn-national", by="test")
    assert household_explanation(run, poor).stale is False
    income_set(household=poor, year=2020, data={"wage_income": 20000}, expected_version=poor.version, by="test")
    assert household_explanation(run, poor).stale is True
    other = Household.objects.get(number="H-PASS")
    assert household_explanation(run, other).stale is False
    again = assessment_run(year=2020, pack="cn-national", by="test")
    assert household_explanation(again, Household.objects.get(number="H-POOR")).stale is False
