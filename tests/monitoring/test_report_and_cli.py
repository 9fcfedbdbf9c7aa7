"""The month's figures, the report workbook read back, and ``liangfang monitor screen|report``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import liangfang.cli.monitor_cmds  # noqa: F401  (registers the commands)
from liangfang.cli.app import app
from liangfang.monitoring.models import Lead
from liangfang.monitoring.selectors import monitored_share_by_year, month_figures
from liangfang.monitoring.services.help import object_plan
from liangfang.monitoring.services.leads import application_record
from liangfang.monitoring.services.objects import object_admit
from liangfang.registry.models import Region
from tests.factories import COUNTY

from .conftest import D, World, signed_consent

runner = CliRunner()
ENV = {"COLUMNS": "80"}


def _objects(world: World) -> None:
    first, second = world.households[:2]
    lead = application_record(household=first, found_on=D(2023, 5, 4), consent_on=D(2023, 5, 4),
                              risk_types=["illness", "schooling"], statement="住院",
                              consent=signed_consent(), by="cadre")
    obj = object_admit(household=first, on=D(2023, 5, 29), category="unstable", risk_types=lead.risk_types,
                       case_ref="t", by="t", lead=lead)
    object_plan(obj=obj, year=2023, due=D(2023, 9, 1), by="t")
    object_admit(household=second, on=D(2023, 4, 10), category="sudden_hardship", risk_types=["disaster"],
                 case_ref="t", by="t")
    application_record(household=world.households[2], found_on=D(2023, 5, 8), consent_on=D(2023, 5, 8),
                       risk_types=["accident"], statement="车祸",
                       consent=signed_consent(), by="cadre")


def test_the_months_figures(world: World) -> None:
    _objects(world)
    county = Region.objects.get(code=COUNTY)
    may = month_figures(county, 2023, 5)
    assert (may.objects, may.new, may.eliminated) == (2, 1, 0)
    assert may.by_category == {"unstable": 1, "edge": 0, "sudden_hardship": 1}
    assert (may.by_risk_type["illness"], may.by_risk_type["schooling"], may.by_risk_type["disaster"]) == (1, 1, 1)
    assert (may.open_leads, may.overdue_home_checks) == (1, 1)  # 8 May + 5 working days = 15 May
    assert (may.with_development_measure, may.development_share) == (1, 50.0)
    april = month_figures(county, 2023, 4)
    assert (april.objects, april.new, april.open_leads) == (1, 1, 0)
    assert monitored_share_by_year(county, range(2022, 2024))[2022] == (0, 0.0)
    people, share = monitored_share_by_year(county, range(2023, 2024))[2023]
    assert people == 2 and share is not None and share > 0


def test_the_report_is_read_back(world: World, tmp_path: Path) -> None:
    _objects(world)
    out = tmp_path / "月报.xlsx"
    result = runner.invoke(app, ["monitor", "report", "--region", COUNTY, "--month", "2023-05", "-o", str(out)],
                           env=ENV)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out, read_only=True)
    summary = {row[0]: row[1] for row in book["汇总 summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["月末监测对象（户）objects at month end"] == 2
    assert summary["本月新增 new this month"] == 1
    assert summary["逾期未入户核查 home checks overdue"] == 1
    assert summary["监测线（元）monitoring line (yuan)"] == 7100
    assert summary["监测线可靠性 line reliability"] == "UNCONFIRMED"
    objects = list(book["监测对象 objects"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in objects] == sorted(h.number for h in world.households[:2])
    leads = list(book["线索 leads"].iter_rows(min_row=2, values_only=True))
    assert len(leads) == 2 and {r[2] for r in leads} == {"农户自主申报"}
    text = " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row)
    assert "13812345678" not in text  # no phones (nor resident IDs) in the report
    for member in world.households[0].members.all():
        assert member.resident_id not in text


def test_a_bad_month_is_refused_with_the_form_to_use(world: World, tmp_path: Path) -> None:
    result = runner.invoke(app, ["monitor", "report", "--region", COUNTY, "--month", "2023/5", "-o",
                                 str(tmp_path / "x.xlsx")], env=ENV)
    assert result.exit_code == 1 and "YYYY-MM" in result.output


def test_screen_lists_leads_per_village_with_why_and_records_them(world: World,
                                                                   record_months: Callable[..., int]) -> None:
    home = world.households[0]
    record_months(home, 202201, 202305, wage_income="450")
    result = runner.invoke(app, ["monitor", "screen", "--year", "2023", "--month", "6"], env=ENV)
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert f"{home.number} 脱贫不稳定户 其他" in flat
    assert "近12个月人均纯收入 5,400 元 < 监测线 7,100 元" in flat
    assert "新建村 220802201001" in flat
    result = runner.invoke(app, ["monitor", "screen", "--year", "2023", "--month", "6", "--record",
                                 "--found-on", "2023-06-05"], env=ENV)
    assert result.exit_code == 0, result.output
    assert Lead.objects.get(household=home).channel == "cadre_screening"
    again = runner.invoke(app, ["monitor", "screen", "--year", "2023", "--month", "6", "--record"], env=ENV)
    assert "已登记线索 0 条；跳过 1 户" in " ".join(again.output.split())


def test_a_lead_found_near_a_year_without_published_holidays_has_provisional_deadlines(
        world: World, record_months: Callable[..., int], monkeypatch: pytest.MonkeyPatch) -> None:
    from liangfang.procedures import workdays

    first, _ = workdays._library_years()
    # as a library that knows the holidays up to 2025 only (a lead is found by today, not later)
    monkeypatch.setattr(workdays, "_library_years", lambda: (first, 2025))
    record_months(world.households[0], 202201, 202305, wage_income="450")
    result = runner.invoke(app, ["monitor", "screen", "--year", "2023", "--month", "6", "--record",
                                 "--found-on", "2025-12-20"], env=ENV)
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert "按周末推算，待公布2026年节假日安排后复核" in said or "counted by weekends only" in said


def test_an_unknown_year_is_refused(world: World) -> None:
    result = runner.invoke(app, ["monitor", "screen", "--year", "2031", "--month", "1"], env=ENV)
    assert result.exit_code == 1 and "2031" in result.output


def test_screen_and_report_write_json_for_a_script(world: World, record_months: Callable[..., int]) -> None:
    import json

    home = world.households[0]
    record_months(home, 202201, 202305, wage_income="450")
    screened = runner.invoke(app, ["monitor", "screen", "--year", "2023", "--month", "6", "--format", "json"], env=ENV)
    assert screened.exit_code == 0, screened.output
    leads = [json.loads(line) for line in screened.stdout.splitlines()]  # nothing but data on standard output
    assert [(o["household"], o["category"], o["village"]) for o in leads] == [(home.number, "unstable",
                                                                              home.village.code)]
    assert "5,400" in leads[0]["why"] and "线索 1 户" in screened.stderr
    reported = runner.invoke(app, ["monitor", "report", "--region", COUNTY, "--month", "2023-06", "--format", "json"],
                             env=ENV)
    figures = {o["key"]: o["value"] for o in map(json.loads, reported.stdout.splitlines())}
    assert figures["monitoring_line"] == 7100 and figures["objects"] == 0
    assert {"category_unstable", "category_edge", "category_sudden_hardship"} <= set(figures)


def test_apply_records_a_households_application_with_its_scan(world: World, tmp_path: Path) -> None:
    home = world.households[0]
    scan = tmp_path / "授权承诺书.png"
    scan.write_bytes(signed_consent().content)
    args = ["monitor", "apply", home.number, "--date", "2023-06-05", "--consent-date", "2023-06-05",
            "--risk", "illness", "--risk", "accident", "--statement", "车祸住院", "--consent"]
    wrong = tmp_path / "scan.png"
    wrong.write_text("not a picture")
    refused = runner.invoke(app, [*args, str(wrong)], env=ENV)
    assert refused.exit_code == 1 and "consent_file" in refused.output and "未登记" in refused.output
    assert not Lead.objects.exists()
    result = runner.invoke(app, [*args, str(scan)], env=ENV)
    assert result.exit_code == 0, result.output
    lead = Lead.objects.get(household=home)
    assert (lead.channel, lead.risk_types, lead.consent_name) == ("self_application", ["illness", "accident"],
                                                                  "授权承诺书.png")
    assert f"入户核查期限 {lead.home_check_due}" in " ".join(result.output.split())
    unknown = runner.invoke(app, ["monitor", "apply", "999", *args[3:], str(scan)], env=ENV)
    assert unknown.exit_code == 1 and "999" in unknown.output


def test_a_report_for_someone_without_health_facts_names_no_households_illness(world: World, tmp_path: Path) -> None:
    _objects(world)
    for flags, shown in (([], True), (["--without-health"], False)):
        out = tmp_path / f"月报{len(flags)}.xlsx"
        result = runner.invoke(app, ["monitor", "report", "--region", COUNTY, "--month", "2023-05", "-o", str(out),
                                     *flags], env=ENV)
        assert result.exit_code == 0, result.output
        book = openpyxl.load_workbook(out, read_only=True)
        text = " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row)
        assert ("因病" in text) is shown and ("住院" in text) is shown  # the risk types; what the household said
        assert ("不予显示（健康信息" in text) is not shown
        objects = {r[0]: r[3] for r in book["监测对象 objects"].iter_rows(min_row=2, values_only=True)}
        assert bool(objects[world.households[0].number]) is shown
