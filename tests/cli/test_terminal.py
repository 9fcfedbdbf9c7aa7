"""The command line at 80 columns and piped, in each language: identifiers, numbers and messages are
never cut; progress never reaches redirected output; listings as CSV and JSON; regions by name."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from liangfang.cli import app
from liangfang.domain.text import Text
from liangfang.registry.models import Household, Member
from liangfang.registry.services.bulk import HouseholdInput, write_many
from liangfang.registry.services.regions import regions_write_many
from tests.factories import VILLAGE, household_data, income_data, make_regions, member_data
from tests.registry.importers.builders import household_rows, save_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.console_width(80)]
runner = CliRunner()
LANGUAGES = ["zh", "en", ""]


def _flat(text: str) -> str:
    """Output without line breaks or spaces, to find a message that wrapped."""
    return re.sub(r"\s+", "", text)


def _last_column(output: str) -> str:
    """The text of a table's last column read down its rows (or the whole output when it printed blocks)."""
    cells = [line.split("│")[-2] for line in output.splitlines() if line.startswith("│") and line.count("│") > 2]
    return _flat("".join(cells)) if cells else _flat(output)


def _assert_nothing_cut(output: str) -> None:
    assert "…" not in output and "..." not in output, output
    for line in output.splitlines():
        assert len(line) <= 80, line


@pytest.fixture(params=LANGUAGES, ids=["zh", "en", "both"])
def lang(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param:
        monkeypatch.setenv("LIANGFANG_LANG", request.param)
    else:
        monkeypatch.delenv("LIANGFANG_LANG", raising=False)
    return str(request.param)


def test_a_bad_resident_id_in_an_import_is_reported_whole_at_80_columns(tmp_path: Path, lang: str) -> None:
    make_regions()
    rows = household_rows("2208022010010001")
    rows[1]["身份证号码"] = "22080219800101123"  # 17 digits
    path = save_xlsx(tmp_path / "in.xlsx", rows)
    from liangfang.registry.importers import import_file

    expected = import_file(path, by="t", dry_run=True, errors_to=tmp_path / "e.xlsx").errors
    assert expected
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    _assert_nothing_cut(result.output)
    for issue in expected:  # in the language chosen, both when none is
        assert isinstance(issue.message, Text)
        assert _flat(issue.message.render(lang)) in _last_column(result.output)
    assert "22080219800101123" in result.output  # the value, whole on one line
    # the old fault: a reason squeezed to one character a line
    assert sum(1 for line in result.output.splitlines() if len(line.strip("│ ")) == 1) < 3
    assert not Household.objects.exists()


def _overdue_households() -> list[str]:
    make_regions()
    numbers = [f"{VILLAGE}{n:04d}" for n in range(1, 4)]
    write_many([HouseholdInput(village_code=VILLAGE, household=household_data(number), members=[member_data()],
                               incomes=[income_data(2020, wage_income="3000")]) for number in numbers], by="t")
    return numbers


def test_overdue_keeps_every_household_number_whole(lang: str) -> None:
    numbers = _overdue_households()
    result = runner.invoke(app, ["overdue", "--village", "新建村", "--as-of", "2020-12-31"])
    assert result.exit_code == 0, result.output
    _assert_nothing_cut(result.output)
    lines = result.output.splitlines()
    for number in numbers:
        assert any(number in line for line in lines), number
    if lang == "en":
        assert "households not visited" in result.output and "未走访" not in result.output
    if lang == "zh":
        assert "未走访" in result.output and "not visited" not in result.output


def test_a_table_too_wide_for_80_columns_falls_back_to_one_record_per_block(lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    from liangfang.cli.output import show

    table = Table(title="t")
    for header in ("number", "a", "b", "c", "d"):
        table.add_column(header)
    table.add_row("2208022010010001", "22080219800101123X", "22080219800101124X", "22080219800101125X",
                  "一段很长的说明文字，需要折行显示而不能被截断")
    out = Console(width=80, file=io.StringIO(), force_terminal=False)
    show(table, out)
    text = out.file.getvalue()  # type: ignore[attr-defined]
    assert "number: 2208022010010001" in text and "c: 22080219800101125X" in text
    assert "一段很长的说明文字，需要折行显示而不能被截断" in _flat(text) and "…" not in text


def test_policy_list_keeps_pack_names_and_writes_csv_and_json(lang: str) -> None:
    from liangfang.policy import shipped_pack_names

    names = shipped_pack_names()
    table = runner.invoke(app, ["policy", "list"])
    assert table.exit_code == 0, table.output
    _assert_nothing_cut(table.output)
    for name in names:
        assert re.search(rf"(^|[\s│:]){re.escape(name)}($|[\s│])", table.output, re.M), name
    as_csv = runner.invoke(app, ["policy", "list", "--format", "csv"])
    assert as_csv.output.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(as_csv.output.lstrip("\ufeff"))))
    assert [r[0] for r in rows[1:]] == names and len(rows[0]) == len(rows[1])
    as_json = runner.invoke(app, ["policy", "list", "--format", "json"])
    objects = [json.loads(line) for line in as_json.output.splitlines()]
    assert [o["name"] for o in objects] == names and all("version" in o for o in objects)


def test_region_find_and_a_region_name_where_a_code_is_asked(lang: str) -> None:
    make_regions()
    found = runner.invoke(app, ["region", "find", "新建"])
    assert found.exit_code == 0, found.output
    assert VILLAGE in found.output and "金祥乡" in found.output
    full_width = runner.invoke(app, ["region", "find", "２２０８０２２０１００１", "--format", "json"])
    assert [json.loads(line)["code"] for line in full_width.output.splitlines()] == [VILLAGE]
    added = runner.invoke(app, ["user", "add", "cadre1", "--role", "village_cadre", "--region", "新建村"])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["user", "list", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(listed.output.lstrip("\ufeff"))))
    assert len(rows) == 1 and VILLAGE in rows[0].values()


def test_a_name_two_regions_share_needs_the_township(lang: str) -> None:
    make_regions()
    regions_write_many([
        {"code": "220802202000", "name": "岭下镇", "level": "township", "parent_code": "220802000000"},
        {"code": "220802202001", "name": "新建村", "level": "village", "parent_code": "220802202000"}], by="t")
    twice = runner.invoke(app, ["user", "add", "c2", "--role", "village_cadre", "--region", "新建村"])
    assert twice.exit_code == 1
    assert VILLAGE in twice.output and "220802202001" in twice.output
    for named in ("岭下镇 新建村", "岭下镇新建村", "洮北区／岭下镇／新建村"):
        ok = runner.invoke(app, ["user", "add", "c2", "--role", "village_cadre", "--region", named])
        assert ok.exit_code == 0, (named, ok.output)
    from liangfang.accounts.models import Account

    assert Account.objects.get(user__username="c2").region.code == "220802202001"


def test_explain_finds_a_household_by_a_members_name_and_asks_when_several_match(lang: str) -> None:
    make_regions()
    write_many([
        HouseholdInput(village_code=VILLAGE, household=household_data(f"{VILLAGE}{n:04d}"),
                       members=[member_data(name=name)], incomes=[income_data(2020, wage_income="7624")])
        for n, name in ((1, "王永生"), (2, "李秀英"), (3, "李秀英"))], by="t")
    assert runner.invoke(app, ["assess", "--year", "2020"]).exit_code == 0
    one = runner.invoke(app, ["explain", "王永生", "--year", "2020"])
    assert one.exit_code == 0, one.output
    assert f"{VILLAGE}0001" in one.output
    several = runner.invoke(app, ["explain", "李秀英", "--year", "2020"])
    assert several.exit_code == 1
    assert f"{VILLAGE}0002" in several.output and f"{VILLAGE}0003" in several.output
    assert Member.objects.filter(name="李秀英").count() == 2


@pytest.mark.parametrize("command", ["", "import", "export", "explain", "plan", "pair", "overdue", "synth",
                                     "verification", "user add", "region find"])
def test_help_is_never_cut_at_80_columns(command: str) -> None:
    result = runner.invoke(app, [*command.split(), "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    assert "…" not in result.output


def test_piped_output_has_no_progress_and_nothing_cut(tmp_path: Path) -> None:
    """A real process with its output redirected to a file: no bars, no spinners, no "…"."""
    # its own SQLite file: the subprocess must never migrate or read the database the suite was given
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "DATABASE_URL")}
    env.update(LIANGFANG_DB=str(tmp_path / "db.sqlite3"), LIANGFANG_VAR=str(tmp_path), LIANGFANG_LANG="zh")
    out = tmp_path / "out.txt"
    with out.open("w", encoding="utf-8") as stdout:
        done = subprocess.run([sys.executable, "-m", "liangfang", "export", "-o", str(tmp_path / "x.xlsx")],
                              stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=Path(__file__).parents[2],
                              timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "已导出 0 户" in text
    assert not re.search(r"[━╸⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]|\x1b\[", text), text
    assert not re.search(r"[━⠋⠙⠹]", done.stderr.decode()), "progress drawn on a stderr that is not a terminal"



def test_figures_show_a_dash_for_nothing_of_nothing(lang: str) -> None:
    make_regions()
    result = runner.invoke(app, ["figures", "--region", "红日村"])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "贫困村" in line or "poor villages" in line)
    assert "—" in line and "0 / 0" not in line
    assert "0%" not in result.output and "0.000%" not in result.output


def test_policy_show_in_chinese_shows_rules_in_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIANGFANG_LANG", "zh")
    words = runner.invoke(app, ["policy", "show", "cn-national"])
    assert words.exit_code == 0, words.output
    _assert_nothing_cut(words.output)
    flat = _flat(words.output)
    assert "〔人均纯收入〕" in flat and "当年扶贫标准" in flat
    assert "per_capita_net_income" not in flat and ">=" not in flat
    assert "commonly cited" not in words.output  # the English source notes, unless asked for
    # the expressions are there when asked for (wide enough that a long expression stays on one line)
    from liangfang.cli.app import console
    monkeypatch.setattr(console, "_width", 200)
    with_expressions = runner.invoke(app, ["policy", "show", "cn-national", "--expressions", "--sources"])
    shown = with_expressions.output
    assert "per_capita_net_income > poverty_line" in shown and "commonly" in shown


def test_verification_takes_a_county_by_name_or_part_of_it_and_lists_candidates(lang: str) -> None:
    from liangfang.assessments.models import CountyVerification

    make_regions()
    args = ["--year", "2020", "--wrong-exit-rate", "0.4", "--source", "评估报告"]
    for named in ("洮北区", "洮北", "２２０８０２００００００"):
        done = runner.invoke(app, ["verification", "--county", named, *args])
        assert done.exit_code == 0, (named, done.output)
        assert "220802000000" in done.output
    assert CountyVerification.objects.get().county.code == "220802000000"
    regions_write_many([{"code": "220803000000", "name": "洮南市", "level": "county", "parent_code": "220800000000"}],
                       by="t")
    both = runner.invoke(app, ["verification", "--county", "洮", *args])
    assert both.exit_code == 1
    _assert_nothing_cut(both.output)
    assert "220802000000" in both.output and "220803000000" in both.output
    assert "洮北区" in both.output and "洮南市" in both.output
    nothing = runner.invoke(app, ["verification", "--county", "金祥", *args])  # a township, not a county
    assert nothing.exit_code == 1 and "liangfang region find" in nothing.output


REPORTS = [  # (command, the keys every JSON row has)
    (["figures"], {"key", "item", "value"}),
    (["figures", "--year", "2019"], {"key", "item", "value"}),  # as on 31 August 2019
    (["assess", "--year", "2020"], {"key", "item", "value"}),
    (["explain", f"{VILLAGE}0001", "--year", "2020"], {"level", "subject", "verdict", "status", "text"}),
    (["explain", "--county", "--year", "2020"], {"level", "subject", "verdict", "status", "text"}),
    (["differences", "220802000000", "--year", "2020"], {"kind", "household", "village", "people"}),
    (["verification", "--county", "洮北", "--year", "2020", "--approval", "96.5", "--source", "评估报告"],
     {"key", "item", "value"}),
    (["measures", "--region", "220802000000", "--year", "2020"], {"group", "measure", "name"}),
    (["pair", "--county", "--dry-run", "--date", "2020-05-01"], {"item"}),
    (["plan", "--county", "--year", "2020", "--dry-run"], set()),  # figures, costs and plans: checked below
    (["monitor", "report", "--region", "洮北区", "--month", "2023-05"], {"key", "item", "value"}),
]


@pytest.fixture
def assessed() -> list[str]:
    numbers = _overdue_households()  # three households, each under the 2020 line
    assert runner.invoke(app, ["assess", "--year", "2020"]).exit_code == 0
    return numbers


@pytest.mark.parametrize("command, keys", REPORTS, ids=[" ".join(c[:2]) for c, _ in REPORTS])
def test_every_report_writes_json_and_csv_with_nothing_but_data_on_standard_output(
        assessed: list[str], command: list[str], keys: set[str]) -> None:
    as_json = runner.invoke(app, [*command, "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    objects = [json.loads(line) for line in as_json.stdout.splitlines()]  # every line is one object
    assert objects and all(keys <= set(o) for o in objects), objects
    as_csv = runner.invoke(app, [*command, "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    assert as_csv.stdout.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(as_csv.stdout.lstrip("\ufeff"))))
    assert len(rows) == len(objects) + 1 and len({len(r) for r in rows}) == 1
    if "key" in keys:  # a report's figures: its first column names each one, as JSON does
        assert [r[0] for r in rows[1:]] == [o["key"] for o in objects]


@pytest.mark.parametrize("command, keys", REPORTS, ids=[" ".join(c[:2]) for c, _ in REPORTS])
def test_every_report_as_a_table_cuts_nothing_at_80_columns(assessed: list[str], lang: str, command: list[str],
                                                           keys: set[str]) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    if command[:2] == ["explain", "--county"]:  # "…" marks an indicator awaiting verification there
        assert all(len(line) <= 80 for line in result.output.splitlines()), result.output
    else:
        _assert_nothing_cut(result.output)


def test_figures_as_json_are_numbers_a_script_can_use(assessed: list[str]) -> None:
    figures = {o["key"]: o["value"] for o in map(json.loads, runner.invoke(
        app, ["figures", "--format", "json"]).stdout.splitlines())}
    assert figures["registered_households"] == 3 and figures["households"] == 3
    assert figures["poor_villages"] == 1 and figures["poor_villages_exited"] == 0
    shown = runner.invoke(app, ["figures"]).output
    assert "—" not in shown.split("贫困村")[0]


def test_plan_as_json_gives_its_figures_costs_and_plans(assessed: list[str]) -> None:
    result = runner.invoke(app, ["plan", "--county", "--year", "2020", "--format", "json"])
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    figures = {o["key"]: o["value"] for o in objects if "key" in o}
    assert figures["households_failing"] == 3
    assert {o["breakdown"] for o in objects if "breakdown" in o} == {"measure", "fund_source", "category", "village"}
    assert {o["household"] for o in objects if "household" in o} <= set(assessed)
    assert "liangfang plan-accept" not in result.stdout  # the lines around the data: on standard error
    assert "liangfang plan-accept" in result.stderr


def test_a_households_failing_indicators_are_listed_in_each_language_whole(assessed: list[str], lang: str) -> None:
    """The indicators a household fails, as the plan prints them: one list per language, never a
    separator of one language beside the other's ("、 / , ")."""
    result = runner.invoke(app, ["plan", "--county", "--year", "2020", "--dry-run"])
    assert result.exit_code == 0, result.output
    found = re.search(rf"{assessed[0]}[^:]*:(.*?)·", _flat(result.output))  # up to its first measure
    assert found, result.output
    zh = "人均纯收入、不愁吃、不愁穿、饮水安全有保障"
    en = "per-capita net income, enough to eat, enough to wear, safe drinking water secured"
    assert found[1] == _flat({"zh": zh, "en": en, "": f"{zh} / {en}"}[lang]), result.output
    lines = result.output.splitlines()
    first = next(i for i, line in enumerate(lines) if "求解" in line or "solver" in line)
    row = itertools.takewhile(lambda line: not line.startswith("└"), lines[first:])
    solver = _flat("".join(line.split("│")[-2] for line in row if line.count("│") > 2))  # a list of two
    assert solver and not re.search(r"[，、]/?[;,]", solver), solver
