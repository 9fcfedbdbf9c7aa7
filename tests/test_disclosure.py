"""The one table of who sees what (``liangfang/disclosure.py``): its rules hold for every role, and
no sensitive field of the registry is without a rule."""

from __future__ import annotations

import datetime as dt

import pytest

from liangfang import disclosure
from liangfang.accounts.roles import ROLES
from liangfang.disclosure import FULL, MASKED
from liangfang.domain.fields import HOUSEHOLD_FIELDS, MEMBER_FIELDS


@pytest.mark.parametrize("code", list(ROLES))
def test_a_role_shown_masked_ids_sees_birth_years_only(code: str) -> None:
    role = ROLES[code]
    born = disclosure.shown(role, "birth_date", dt.date(1960, 5, 1))
    assert born == (dt.date(1960, 5, 1) if role.resident_id == "full" else 1960)
    assert disclosure.shown(role, "birth_date", "1960-05-01") in ("1960-05-01", "1960")
    if role.resident_id != "full":
        assert "birth_date" in disclosure.form_fields_left_out(role)
        assert "birth_date" not in disclosure.form_fields_left_out(role, typing_in=frozenset({"birth_date"}))


@pytest.mark.parametrize("code", [c for c, r in ROLES.items() if not r.health])
def test_a_role_without_health_facts_sees_no_cause_health_field_or_illness_fund(code: str) -> None:
    role = ROLES[code]
    for name, value in (("main_cause", "education"), ("main_cause", "illness"), ("other_cause_1", "disability"),
                        ("health_status", "serious"), ("disability_grade", "1"),
                        ("fund_source", "serious_illness_fund"), ("fund_source", "medical_aid")):
        assert disclosure.shown(role, name, value) == disclosure.HIDDEN, (name, value)
    assert not disclosure.shows_column(role, "main_cause")
    assert disclosure.shown(role, "fund_source", "housing_subsidy") == "housing_subsidy"


def test_every_sensitive_field_has_a_rule() -> None:
    """A field marked sensitive in the field table that the policy does not know would be shown in
    full to everyone: adding one without a rule fails here."""
    ruled = (disclosure.RESIDENT_ID_FIELDS | disclosure.PHONE_FIELDS | disclosure.BANK_FIELDS
             | disclosure.HEALTH_FIELDS | disclosure.BIRTH_FIELDS | disclosure.CAUSE_FIELDS)
    sensitive = {f.name for f in (*HOUSEHOLD_FIELDS, *MEMBER_FIELDS) if f.sensitive}
    assert sensitive <= ruled, sensitive - ruled
    for name in sensitive:
        assert not disclosure.shows_in_full(ROLES["inspector"], name), name


def test_one_mask_per_kind_of_value() -> None:
    assert disclosure.shown(disclosure.MASKED, "phone", "13812345678") == "138****5678"
    assert disclosure.shown(ROLES["inspector"], "phone", "13812345678") == "138****5678"
    assert disclosure.shown(disclosure.MASKED, "resident_id", "22080219600501003X") == "220802********003X"
    assert disclosure.shown(ROLES["township_reviewer"], "bank_account", "6228480012345678") == "************5678"
    assert disclosure.shown(ROLES["inspector"], "bank_account", "6228480012345678") == disclosure.HIDDEN


def test_small_area_health_figures_are_withheld_from_roles_without_health() -> None:
    inspector, reviewer = ROLES["inspector"], ROLES["township_reviewer"]
    assert disclosure.suppressed(inspector, 1) and disclosure.suppressed(inspector, disclosure.SMALL_CELL - 1)
    assert not disclosure.suppressed(inspector, disclosure.SMALL_CELL)
    assert not disclosure.suppressed(reviewer, 1)


def test_ages_for_a_reader_shown_birth_years_follow_from_the_year_alone() -> None:
    """An age on a reference day tells a birthday's side of it; a reader shown birth years gets
    the age reached in the year, the same for every day of the birth year."""
    from liangfang.disclosure import age_value, in_age_band

    day = dt.date(2020, 8, 31)
    early, late = dt.date(2009, 3, 1), dt.date(2009, 10, 5)
    assert age_value(FULL, 10, 2009, 2020, "zh") == "10"
    assert age_value(MASKED, 10, 2009, 2020, "zh") == age_value(MASKED, 11, 2009, 2020, "zh") == "2020 年满 11"
    assert age_value(MASKED, 10, 2009, 2020, "en") == "11 in 2020"
    assert in_age_band(FULL, early, day, 11, 15) and not in_age_band(FULL, late, day, 11, 15)
    assert in_age_band(MASKED, early, day, 11, 15) and in_age_band(MASKED, late, day, 11, 15)


@pytest.mark.parametrize("code", list(ROLES))
def test_a_health_measure_is_withheld_whole_from_a_role_without_health_facts(code: str) -> None:
    role = ROLES[code]
    health = [("health", ""), ("education", "serious_illness_fund"), ("social_assistance", "medical_aid")]
    for category, fund in health:
        assert disclosure.withholds_measure(role, category, fund) is not role.health, (category, fund)
    # 送教上门 is an education measure given only to the seriously ill or disabled: its existence says so
    rule = "age BETWEEN 6 AND 15 AND health_status IN ('serious', 'disabled')"
    assert disclosure.withholds_measure(role, "education", "education_aid", eligible=rule) is not role.health
    assert not disclosure.withholds_measure(role, "education", "education_aid", eligible="age BETWEEN 6 AND 15")
    assert not disclosure.rule_reads_health("healthy_meals > 0")  # a word, not the field
