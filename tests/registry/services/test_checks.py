import datetime as dt

from liangfang.registry.services.checks import check_household, check_members
from tests.factories import household_data, member_data


def fields(problems: list) -> list[str]:
    return [p.field for p in problems]


def test_a_valid_household_has_no_problems() -> None:
    assert check_household(household_data()) == []


def test_other_causes_must_differ_and_be_in_order() -> None:
    assert "other_cause_1" in fields(check_household(household_data(other_cause_1="illness")))
    assert "other_cause_2" in fields(check_household(household_data(other_cause_2="disability")))
    assert "other_cause_2" in fields(check_household(
        household_data(other_cause_1="disability", other_cause_2="disability")))


def test_registered_household_needs_attribute_and_cause() -> None:
    problems = check_household(household_data(poverty_attribute=None, main_cause=None))
    assert {"poverty_attribute", "main_cause"} <= set(fields(problems))


def test_general_household_cannot_be_exited() -> None:
    problems = check_household({"number": "x", "is_registered": False, "status": "exited",
                                "exit_year": 2019})
    assert "status" in fields(problems)


def test_exited_needs_a_year_after_identification() -> None:
    assert "exit_year" in fields(check_household(household_data(status="exited")))
    assert "exit_year" in fields(check_household(household_data(
        status="exited", exit_year=2013, first_identified_on=dt.date(2014, 1, 1))))
    assert check_household(household_data(status="exited", exit_year=2018)) == []


def test_members_need_exactly_one_head() -> None:
    assert "relation" in fields(check_members([member_data("spouse")]))
    two = check_members([member_data("head"), member_data("head")])
    assert [p.member for p in two if p.field == "relation"] == [1]
    assert "members" in fields(check_members([]))


def test_birth_date_and_sex_must_match_the_id() -> None:
    m = member_data(born=dt.date(1970, 1, 1), sex="female")
    m["birth_date"] = dt.date(1971, 1, 1)
    m["sex"] = "male"
    assert {"birth_date", "sex"} <= set(fields(check_members([m])))


def test_same_person_twice_in_one_household() -> None:
    head = member_data()
    twin = dict(head, relation="son")
    problems = check_members([head, twin])
    assert [p.member for p in problems if p.field == "resident_id"] == [0, 1]
