import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liangfang.ids import (
    ResidentIdError,
    age_on,
    check_character,
    make_resident_id,
    mask_resident_id,
    parse_resident_id,
)


def test_it_parses_a_published_example_with_lower_case_x() -> None:
    rid = parse_resident_id(" 11010519491231002x ")
    assert rid.number == "11010519491231002X"
    assert rid.region_code == "110105"
    assert rid.birth_date == dt.date(1949, 12, 31)
    assert rid.sex == "female"


def test_it_upgrades_a_legacy_15_digit_number() -> None:
    rid = parse_resident_id("220802600301023")
    assert rid.number[:17] == "22080219600301023"
    assert rid.number[17] == check_character(rid.number[:17])
    assert rid.birth_date == dt.date(1960, 3, 1)
    assert rid.sex == "male"


@pytest.mark.parametrize(
    ("text", "fault", "words"),
    [
        ("1234567", "length", "18"),
        ("11010519491231002Y", "characters", "X"),
        ("1101051949123100X2", "characters", "X"),
        ("11010519490231002X", "date", "19490231"),
        ("11010530000101002X", "date", "3000-01-01"),
        ("11010519491231003X", "check_digit", "校验码应为 8"),
        ("99010519491231002X", "region", "99"),
    ],
)
def test_it_names_the_fault(text: str, fault: str, words: str) -> None:
    with pytest.raises(ResidentIdError) as info:
        parse_resident_id(text)
    assert info.value.fault == fault
    assert words in str(info.value)
    assert isinstance(info.value, ValueError)


def test_region_code_is_not_tied_to_birth_year() -> None:
    # 220802 (洮北区) is younger than people born in 1930 who live there.
    number = make_resident_id("220802", dt.date(1930, 1, 1), 7, "male")
    assert parse_resident_id(number).region_code == "220802"


@given(
    born=st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2020, 12, 31)),
    seq=st.integers(min_value=0, max_value=499),
    sex=st.sampled_from(["male", "female"]),
)
def test_made_numbers_parse_back(born: dt.date, seq: int, sex: str) -> None:
    rid = parse_resident_id(make_resident_id("220802", born, seq, sex))
    assert (rid.birth_date, rid.sex) == (born, sex)


def test_any_single_digit_change_breaks_the_check() -> None:
    number = make_resident_id("220802", dt.date(1980, 7, 9), 42, "female")
    for pos in range(6, 17):  # keep region and date valid-ish; change sequence digits
        if pos < 14:
            continue
        digit = str((int(number[pos]) + 1) % 10)
        with pytest.raises(ResidentIdError):
            parse_resident_id(number[:pos] + digit + number[pos + 1:])


def test_mask_keeps_region_and_last_four() -> None:
    assert mask_resident_id("22080219600301023X") == "220802********023X"


def test_age_on_birthday_boundaries() -> None:
    assert age_on(dt.date(2014, 9, 1), dt.date(2020, 8, 31)) == 5
    assert age_on(dt.date(2014, 9, 1), dt.date(2020, 9, 1)) == 6


def test_a_birth_before_1900_is_valid_with_a_warning() -> None:
    number = make_resident_id("220802", dt.date(1899, 12, 31), 3, "male")
    rid = parse_resident_id(number)
    assert rid.birth_date == dt.date(1899, 12, 31)
    assert rid.implausible_birth is not None and "1899-12-31" in rid.implausible_birth.zh
    assert parse_resident_id(make_resident_id("220802", dt.date(1900, 1, 1), 3, "male")).implausible_birth is None


def test_a_date_that_does_not_exist_is_refused_whatever_the_century() -> None:
    first17 = "220802" + "18990229" + "003"
    with pytest.raises(ResidentIdError) as err:
        parse_resident_id(first17 + check_character(first17))
    assert err.value.fault == "date"
