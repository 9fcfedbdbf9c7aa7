from decimal import Decimal

import pytest

from liangfang.policy import Reliability, load_pack


def test_the_2020_line_is_4000_and_confirmed() -> None:
    pack = load_pack("cn-national")
    assert pack.poverty_line(2020) == Decimal("4000")
    assert pack.poverty_line_entry(2020).source.reliability is Reliability.CONFIRMED


@pytest.mark.parametrize(("year", "amount", "mark"), [
    (2010, "2300", "CONFIRMED"), (2013, "2736", "REPOST"), (2014, "2800", "UNCONFIRMED"),
    (2015, "2855", "REPOST"), (2016, "2952", "UNCONFIRMED"), (2017, "2952", "UNCONFIRMED"),
    (2018, "2995", "UNCONFIRMED"), (2019, "3218", "REPOST"),
])
def test_each_year_has_its_policy_md_amount_and_mark(year: int, amount: str, mark: str) -> None:
    entry = load_pack("cn-national").poverty_line_entry(year)
    assert entry.amount == Decimal(amount)
    assert entry.source.reliability.value == mark
    assert entry.source.note


def test_a_year_without_a_line_is_an_error_naming_the_year() -> None:
    with pytest.raises(KeyError, match="2011"):
        load_pack("cn-national").poverty_line(2011)


def test_monitoring_line_is_none_before_the_mechanism() -> None:
    pack = load_pack("cn-national")
    assert pack.monitoring_line(2019) is None
    assert pack.monitoring_line(2021) == Decimal("6000")
    assert isinstance(pack.monitoring_line(2020), Decimal)
