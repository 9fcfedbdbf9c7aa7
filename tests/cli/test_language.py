"""The command line speaks one language when LIANGFANG_LANG chooses one, both when it is unset:
its own text and the problems services report (``Text``) alike."""

from __future__ import annotations

import os
import re
import subprocess
import sys
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


def _piped(env: dict[str, str], *args: str) -> str:
    """A real process with its output piped, as a script or a log would read it."""
    done = subprocess.run([sys.executable, "-m", "liangfang", *args], capture_output=True, env=env,
                          cwd=Path(__file__).parents[2], timeout=180, check=False)
    return (done.stdout + done.stderr).decode("utf-8")


@pytest.fixture(scope="module")
def piped_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Its own SQLite file (never the database the suite was given), created once."""
    folder = tmp_path_factory.mktemp("piped")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "DATABASE_URL", "LIANGFANG_LANG")}
    env.update(LIANGFANG_DB=str(folder / "db.sqlite3"), LIANGFANG_VAR=str(folder))
    _piped(env, "init")
    (folder / "bad.yaml").write_text('pack: mine\nversion: "1"\nextends: cn-national\nname: {zh: 某县, en: a county}\n'
                                     "years: [2020, 2014]\n", "utf-8")
    return env


@pytest.mark.parametrize(("lang", "said", "unsaid"), [
    ("zh", ["没有名为 'nosuch' 的政策包", "[years]: years：起始年度晚于截止年度", "没有代码为 220802999999 的区划"],
     ["no shipped pack", "first year after last", "no region"]),
    ("en", ["no shipped pack named 'nosuch'", "[years]: years: first year after last",
            "no region with code 220802999999"], []),
])
def test_pack_and_region_errors_are_said_in_one_language_when_piped(piped_env: dict[str, str], lang: str,
                                                                    said: list[str], unsaid: list[str]) -> None:
    """A pack the loader cannot find, a pack a validator refuses (its message passes through the
    schema library) and a region the measures do not know: each in the language chosen."""
    env = {**piped_env, "LIANGFANG_LANG": lang}
    bad = str(Path(piped_env["LIANGFANG_VAR"]) / "bad.yaml")
    out = "\n".join([_piped(env, "policy", "show", "nosuch"), _piped(env, "policy", "check", bad),
                     _piped(env, "measures", "--region", "220802999999", "--year", "2020")])
    flat = " ".join(out.split())
    assert all(s in flat for s in said), out
    assert not any(u in flat for u in unsaid), out
    if lang == "en":
        assert not CJK.search(out), out
