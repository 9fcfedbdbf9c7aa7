"""The monitoring packs: lines with their history and sources, unknown years refused, the Jilin
example over the national frame, every rule compiled by the engine, bad rules located."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from liangfang.engine.compiled import CompileError
from liangfang.engine.monitor.compiled import compile_monitoring
from liangfang.policy.loader import PackError
from liangfang.policy.monitoring import (
    UnknownYearError,
    load_monitoring_pack,
    shipped_monitoring_pack_names,
)
from liangfang.policy.schema import Reliability


def test_shipped_packs() -> None:
    assert shipped_monitoring_pack_names() == ["cn-monitoring-2021", "jilin-monitoring-2021"]


def test_the_2021_line_is_the_confirmed_national_floor_and_later_years_are_marked() -> None:
    pack = load_monitoring_pack("cn-monitoring-2021")
    entry = pack.monitoring_line_entry(2021)
    assert entry.amount == Decimal(6000) and entry.source.reliability == Reliability.CONFIRMED
    for year in (2022, 2023, 2024):
        assert pack.monitoring_line_entry(year).source.reliability == Reliability.UNCONFIRMED
    history = pack.monitoring_line_entry(2023).history
    assert [h.amount for h in history] == [Decimal(6900)]


def test_an_unknown_year_is_an_error_not_a_guess() -> None:
    pack = load_monitoring_pack("cn-monitoring-2021")
    with pytest.raises(UnknownYearError, match="2025") as err:
        pack.monitoring_line(2025)
    assert "2021, 2022, 2023, 2024" in str(err.value)
    with pytest.raises(UnknownYearError):
        compile_monitoring(pack, 2020, 9)


def test_the_jilin_example_extends_the_national_frame_and_says_what_is_confirmed() -> None:
    jilin = load_monitoring_pack("jilin-monitoring-2021")
    assert jilin.monitoring_line(2021) == Decimal(6000)
    assert jilin.monitoring_line(2023) == Decimal(7100)  # inherited
    assert jilin.monitoring_line_entry(2026).source.reliability == Reliability.UNCONFIRMED
    assert jilin.screening_rules.keys() == load_monitoring_pack("cn-monitoring-2021").screening_rules.keys()
    assert jilin.disclaimer is not None and "仅2021年监测线" in jilin.disclaimer.zh
    for year in range(2021, 2027):
        compiled = compile_monitoring(jilin, year, 1)
        assert compiled.parameters["monitoring_line"][0] == jilin.monitoring_line(year)


def test_every_item_carries_a_source() -> None:
    pack = load_monitoring_pack("jilin-monitoring-2021")
    items: list[Any] = [*pack.parameters.values(), *pack.deadlines.values(), *pack.notice_periods.values(),
             *pack.categories.values(), *pack.risk_types.values(), *pack.screening_rules.values(),
             *pack.elimination_rules.values(), *pack.monitoring_lines.years.values()]
    assert all(item.source.note for item in items)


def test_a_bad_rule_is_reported_with_its_place(tmp_path: Path) -> None:
    county = tmp_path / "county.yaml"
    county.write_text("pack: county-x\nversion: '1'\nextends: cn-monitoring-2021\n"
                      "screening_rules:\n  income_below_line:\n    rule: per_capita_income_12m < monitoring_lin\n",
                      encoding="utf-8")
    pack = load_monitoring_pack(county)
    with pytest.raises(CompileError) as err:
        compile_monitoring(pack, 2021, 9)
    problem = err.value.problems[0]
    assert (problem.level, problem.indicator, problem.column) == ("screening", "income_below_line", 25)
    assert "monitoring_lin" in problem.message


def test_an_unknown_risk_type_names_the_file_and_line(tmp_path: Path) -> None:
    county = tmp_path / "county.yaml"
    county.write_text("pack: county-x\nversion: '1'\nextends: cn-monitoring-2021\n"
                      "screening_rules:\n  income_fall:\n    risk_type: bad_luck\n", encoding="utf-8")
    with pytest.raises(PackError, match="bad_luck"):
        load_monitoring_pack(county)
