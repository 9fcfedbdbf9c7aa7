"""``liangfang calendar``: a deadline through a year whose holidays are not published says it is
provisional; the county's holiday table is checked before it is used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from liangfang.cli.app import app
from liangfang.procedures import workdays

runner = CliRunner()


@pytest.fixture(autouse=True)
def library_to_2026(monkeypatch: pytest.MonkeyPatch) -> None:
    first, _ = workdays._library_years()
    monkeypatch.setattr(workdays, "_library_years", lambda: (first, 2026))  # as chinesecalendar 1.11.0
    monkeypatch.delenv("LIANGFANG_HOLIDAYS", raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    workdays._calendar.cache_clear()


@pytest.mark.parametrize(("lang", "said"), [("zh", "暂定：按周末推算，待公布2027年节假日安排后复核"),
                                            ("en", "provisional: counted by weekends only")])
def test_a_deadline_into_2027_is_given_and_marked_provisional(monkeypatch: pytest.MonkeyPatch, lang: str,
                                                              said: str) -> None:
    monkeypatch.setenv("LIANGFANG_LANG", lang)
    result = runner.invoke(app, ["calendar", "due", "2026-12-20", "20"])
    assert result.exit_code == 0, result.output
    assert "2027-01-15" in result.output and said in " ".join(result.output.split())
    known = runner.invoke(app, ["calendar", "due", "2026-02-13", "2"])
    assert "2026-02-24" in known.output and "暂定" not in known.output and "provisional" not in known.output


def test_the_years_and_a_county_table(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LIANGFANG_LANG", "zh")
    years = runner.invoke(app, ["calendar", "years", "--from", "2026", "--to", "2027"])
    assert "2026  chinesecalendar" in years.output and "2027  仅按周末推算" in years.output
    table = tmp_path / "holidays.yaml"
    table.write_text("name: {zh: 测试, en: test}\nholidays:\n  2027:\n    source: {reliability: UNCONFIRMED, "
                     "note: 测试数据}\n    days_off: [2027-01-01]\n    working_weekends: [2027-01-04]\n",
                     encoding="utf-8")
    bad = runner.invoke(app, ["calendar", "check", str(table)])
    # 4 Jan 2027 is a Monday; said in Chinese only, as LIANGFANG_LANG=zh chooses
    assert bad.exit_code == 1 and "2027-01-04 不是周六或周日" in bad.output and "Saturday" not in bad.output
    table.write_text(table.read_text(encoding="utf-8").replace("\n    working_weekends: [2027-01-04]", ""),
                     encoding="utf-8")
    good = runner.invoke(app, ["calendar", "check", str(table)])
    assert good.exit_code == 0 and "节假日表有效" in good.output, good.output
    monkeypatch.setenv("LIANGFANG_HOLIDAYS", str(table))
    due = runner.invoke(app, ["calendar", "due", "2026-12-31", "1"])
    assert "2027-01-04" in due.output and "未经核实" in due.output  # 1 Jan off by the table; Sat, Sun


def test_the_years_as_csv_and_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIANGFANG_LANG", "en")
    as_csv = runner.invoke(app, ["calendar", "years", "--from", "2026", "--to", "2027", "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    lines = as_csv.output.lstrip("\ufeff").splitlines()
    assert lines[0] == "year,source code,source,note"
    assert lines[1].startswith("2026,library,") and lines[2].startswith("2027,weekends,")
    as_json = runner.invoke(app, ["calendar", "years", "--from", "2027", "--to", "2027", "--format", "json"])
    row = json.loads(as_json.output.strip())
    assert row["year"] == 2027 and row["source_code"] == "weekends"
