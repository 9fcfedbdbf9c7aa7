"""The command line speaks one language when LIANGFANG_LANG chooses one, both when it is unset:
its own text and the problems services report (``Text``) alike."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import liangfang.cli.assess_cmds  # noqa: F401  (registers the commands)
from liangfang.cli.app import app

pytestmark = pytest.mark.django_db
runner = CliRunner()
CJK = re.compile(r"[\u3400-\u9fff]")


def _refused(lang: str | None) -> str:
    env = {"COLUMNS": "200", "LIANGFANG_LANG": lang or ""}
    result = runner.invoke(app, ["assess", "--year", "2031"], env=env)
    assert result.exit_code == 1
    return result.output


def test_chinese_only_with_lang_zh() -> None:
    out = _refused("zh")
    assert "政策包 cn-national 适用于 2014–2020 年" in out and "评估未运行，未写入任何结果" in out
    assert "covers" not in out and "nothing was written" not in out


def test_english_only_with_lang_en() -> None:
    out = _refused("en")
    assert "pack cn-national covers 2014–2020" in out and "the assessment did not run; nothing was written" in out
    assert not CJK.search(out), out


def test_both_when_unset() -> None:
    out = _refused(None)
    assert "政策包 cn-national 适用于 2014–2020 年 / pack cn-national covers 2014–2020" in out


@pytest.mark.parametrize(("lang", "said", "unsaid"), [("zh", "区划代码 220802999999 不存在", "no region"),
                                                      ("en", "no region with code 220802999999", "区划代码")])
def test_an_error_from_a_service_is_said_in_the_chosen_language(tmp_path: Path, lang: str, said: str,
                                                                unsaid: str) -> None:
    import liangfang.cli.io_cmds  # noqa: F401  (registers the commands)

    result = runner.invoke(app, ["export", "--region", "220802999999", "-o", str(tmp_path / "x.xlsx")],
                           env={"COLUMNS": "200", "LIANGFANG_LANG": lang})
    assert result.exit_code == 1 and said in result.output and unsaid not in result.output
