from pathlib import Path

import pytest

from liangfang.policy import PackError, Reliability, load_pack, load_pack_file, shipped_pack_names
from liangfang.policy.check import check_pack_file
from liangfang.policy.schema import Indicator, NoticePeriod, Parameter


def test_both_packs_are_shipped_and_valid() -> None:
    assert {"cn-national", "jilin-taobei-2020"} <= set(shipped_pack_names())
    for name in shipped_pack_names():
        pack, problems = check_pack_file(Path(__file__).parents[2] / "liangfang/policy/packs" / f"{name}.yaml")
        assert problems == [] and pack is not None


def test_jilin_pack_is_7_16_12_and_says_it_is_a_model() -> None:
    pack = load_pack("jilin-taobei-2020")
    counts = tuple(len(pack.deciding(level)) for level in ("household", "village", "county"))
    assert counts == (7, 16, 12)
    assert [k for k, v in pack.household_indicators.items() if not v.in_verdict] == ["income_stable"]
    assert pack.disclaimer is not None and "不是吉林省官方指标清单" in pack.disclaimer.zh
    assert pack.poverty_line(2020) == load_pack("cn-national").poverty_line(2020)


def test_every_item_has_both_names_and_a_source_with_a_mark() -> None:
    for name in shipped_pack_names():
        pack = load_pack(name)
        items: list[Parameter | NoticePeriod | Indicator] = [
            *pack.parameters.values(), *pack.notice_periods.values(), *pack.household_indicators.values(),
            *pack.village_indicators.values(), *pack.county_indicators.values()]
        for item in items:
            assert item.name.zh and item.name.en
            assert isinstance(item.source.reliability, Reliability) and item.source.note


def test_unconfirmed_lines_are_marked_unconfirmed() -> None:
    pack = load_pack("cn-national")
    marks = {year: e.source.reliability.value for year, e in pack.poverty_lines.years.items()}
    assert [y for y, m in marks.items() if m == "UNCONFIRMED"] == [2014, 2016, 2017, 2018]


def _write(tmp_path: Path, text: str, name: str = "mine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_pack_extends_another_and_overrides_items(tmp_path: Path) -> None:
    path = _write(tmp_path, """\
pack: my-county
version: "1"
extends: cn-national
name: {zh: 某县, en: a county}
parameters:
  incidence_max: {value: 1.5}
household_indicators:
  food: null
""")
    pack = load_pack_file(path)
    assert str(pack.parameters["incidence_max"].value) == "1.5"
    assert pack.parameters["incidence_max"].name.zh == "贫困发生率上限（中东部）"  # kept from the base
    assert "food" not in pack.household_indicators and "income" in pack.household_indicators
    assert pack.poverty_line(2020) == 4000


def test_check_names_file_line_indicator_and_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, """\
pack: my-county
version: "1"
extends: cn-national
name: {zh: 某县, en: a county}
household_indicators:
  income:
    rule: per_capita_net_incom >= poverty_line
  housing:
    rule: housing_safe AND (SELECT 1) = 1
parameters:
  water_litres_min:
    unit: litre
""")
    _, problems = check_pack_file(path)
    assert [(p.line, p.item) for p in problems] == [(12, "parameters.water_litres_min.unit")]
    path.write_text(path.read_text().replace("unit: litre", "unit: litres"))
    _, problems = check_pack_file(path)
    assert [(Path(p.file).name, p.line, p.item) for p in problems] == [
        ("mine.yaml", 7, "household_indicators.income.rule"), ("mine.yaml", 9, "household_indicators.housing.rule")]
    assert "per_capita_net_incom" in problems[0].message
    assert "did you mean: per_capita_net_income" in problems[0].message
    assert "subquery" in problems[1].message and "column 19" in problems[1].message


def test_malformed_yaml_and_missing_items_are_reported_with_lines(tmp_path: Path) -> None:
    _, problems = check_pack_file(_write(tmp_path, "pack: x\nname: {zh: a\n"))
    assert problems[0].line == 3 and "malformed YAML" in problems[0].message
    _, problems = check_pack_file(_write(tmp_path, "pack: x\nversion: '1'\nyears: [2020, 2019]\n", "b.yaml"))
    items = {p.item for p in problems}
    assert {"name", "poverty_lines", "years"} <= items
    assert any("first year after last" in p.message for p in problems)


def test_a_pack_extending_an_unknown_pack_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="extended pack 'nowhere' not found"):
        load_pack_file(_write(tmp_path, "pack: x\nextends: nowhere\n"))


def test_money_in_a_pack_is_exact(tmp_path: Path) -> None:
    path = _write(tmp_path, """\
pack: my-county
version: "1"
extends: cn-national
name: {zh: 某县, en: a county}
poverty_lines:
  years:
    2020: {amount: 4100.10, source: {reliability: ANALOGUE, note: provincial line}}
    2019: {amount: 3218.005, source: {reliability: ANALOGUE, note: bad}}
""")
    _, problems = check_pack_file(path)
    assert [(p.line, "two decimal places" in p.message) for p in problems] == [(8, True)]
