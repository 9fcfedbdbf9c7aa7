"""Synthetic resident IDs and phones: valid, distinct, and the same whether made one by one or
vectorised."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from liangfang.ids import make_resident_id, parse_resident_id
from liangfang.synth.identity import PhoneBook, ResidentIds, resident_id_bytes, sequence_ranks


def test_one_by_one_ids_are_valid_distinct_and_those_of_make_resident_id() -> None:
    ids = ResidentIds()
    born = dt.date(1952, 3, 9)
    made = [ids.make("220802", born, "female") for _ in range(500)]
    assert len(set(made)) == 500
    for number in made[:50]:
        parsed = parse_resident_id(number)
        assert (parsed.birth_date, parsed.sex, parsed.region_code) == (born, "female", "220802")
    assert made[0] == make_resident_id("220802", born, born.toordinal() % 500, "female")
    with pytest.raises(RuntimeError, match="500"):
        ids.make("220802", born, "female")


def test_vectorised_ids_match_the_one_by_one_ones_and_never_repeat() -> None:
    rng = np.random.default_rng(4)
    n = 20_000
    ordinal = rng.integers(dt.date(1925, 1, 1).toordinal(), dt.date(2020, 10, 31).toordinal(), n)
    ordinal[:300] = ordinal[0]  # many people born on one day
    male = rng.random(n) < 0.5
    region = np.where(rng.random(n) < 0.2, 152201, 220802)
    ranks = sequence_ranks((region * 1_000_000 + ordinal) * 2 + male)
    numbers = resident_id_bytes(region, ordinal, male, ranks).astype(str).tolist()
    assert len(set(numbers)) == n
    one_by_one = ResidentIds()
    for i in range(n):
        born = dt.date.fromordinal(int(ordinal[i]))
        assert numbers[i] == one_by_one.make(str(region[i]), born, "male" if male[i] else "female")
    assert parse_resident_id(numbers[7]).birth_date == dt.date.fromordinal(int(ordinal[7]))


def test_sequence_ranks_count_earlier_equal_keys() -> None:
    assert sequence_ranks(np.array([5, 3, 5, 5, 3, 9])).tolist() == [0, 0, 1, 2, 1, 0]


def test_phones_are_eleven_digits_and_distinct() -> None:
    book = PhoneBook(np.random.default_rng(1))
    numbers = book.take(5000) + book.take(5000)
    assert len(set(numbers)) == 10_000
    assert all(len(n) == 11 and n.startswith("1") for n in numbers)
