"""``liangfang policy list|show|check``."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

import liangfang.cli.policy_cmds  # noqa: F401  (registers the commands)
from liangfang.cli.app import app

runner = CliRunner()


def test_list_shows_both_packs() -> None:
    result = runner.invoke(app, ["policy", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "cn-national" in result.output and "jilin-taobei-2020" in result.output and "7 + 16 + 12" in result.output


@pytest.mark.parametrize(("lang", "said", "unsaid"), [("en", "7 + 16 + 12 (+1 reported)", "参考"),
                                                      ("zh", "7 + 16 + 12（+1 参考）", "reported")])
def test_list_counts_reported_indicators_in_the_chosen_language(lang: str, said: str, unsaid: str) -> None:
    result = runner.invoke(app, ["policy", "list"], env={"COLUMNS": "200", "LIANGFANG_LANG": lang})
    assert result.exit_code == 0 and said in result.output and unsaid not in result.output


def test_show_marks_unconfirmed_lines() -> None:
    result = runner.invoke(app, ["policy", "show", "cn-national"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    row_2014 = next(line for line in result.output.splitlines() if line.startswith("│ 2014 "))
    assert "2,800" in row_2014 and "未经核实 / UNCONFIRMED" in row_2014


def test_check_a_good_and_a_bad_file(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text('pack: mine\nversion: "1"\nextends: cn-national\nname: {zh: 某县, en: a county}\n', "utf-8")
    result = runner.invoke(app, ["policy", "check", str(good)], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "有效" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text("utf-8") + "village_indicators:\n  road:\n    rule: hardened_rood\n", "utf-8")
    result = runner.invoke(app, ["policy", "check", str(bad)], env={"COLUMNS": "250"})
    assert result.exit_code == 1
    assert f"{bad}:7 [village_indicators.road.rule]" in result.output
    assert "unknown fact or parameter 'hardened_rood'" in " ".join(result.output.split())  # however it wraps


def test_a_rule_problem_is_said_in_the_language_chosen(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text('pack: mine\nversion: "1"\nextends: cn-national\nname: {zh: 某县, en: a county}\n'
                   "village_indicators:\n  road:\n    rule: hardened_rood\n", "utf-8")
    english = runner.invoke(app, ["policy", "check", str(bad)], env={"COLUMNS": "250", "LIANGFANG_LANG": "en"})
    said = " ".join(english.output.split("[village_indicators.road.rule]")[1].split("\n✗")[0].split())
    assert "unknown fact or parameter 'hardened_rood'" in said and "(expression line 1, column 1)" in said
    problem = said.split("Error")[0]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in problem)  # no Chinese in the English problem
    chinese = runner.invoke(app, ["policy", "check", str(bad)], env={"COLUMNS": "250", "LIANGFANG_LANG": "zh"})
    said = " ".join(chinese.output.split("[village_indicators.road.rule]")[1].split())
    problem = said.split("错误")[0]
    assert "未知的事实或参数 'hardened_rood'" in problem and "表达式第 1 行第 1 列" in problem
    assert "unknown" not in problem
