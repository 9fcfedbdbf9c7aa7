"""The verification sample end to end: draw (reproducible), field list and questionnaires (masked),
field results back (all or nothing, errors by row), estimates recorded as the county's figures and
explained by the county indicators with their intervals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

import liangfang.cli.assess_cmds
import liangfang.cli.sample_cmds  # noqa: F401
from liangfang.assessments.field_workbook import COLUMNS, SHEET
from liangfang.assessments.models import CountyVerification
from liangfang.assessments.sampling_models import SampledHousehold, VerificationSample
from liangfang.cli.app import app
from liangfang.registry.models import Member
from liangfang.registry.services.bulk import HouseholdInput, write_many
from tests.factories import COUNTY, OTHER_VILLAGE, VILLAGE, household_data, income_data, make_regions, member_data

pytestmark = pytest.mark.django_db
runner = CliRunner()
ENV = {"COLUMNS": "200"}
DESIGN = "seed: 11\nvillages_per_township: 2\nhouseholds_per_village: {exited: 3, general: 2}\n"


@pytest.fixture(autouse=True)
def registry() -> None:
    make_regions()
    items = []
    for n in range(16):
        village = VILLAGE if n % 2 else OTHER_VILLAGE
        exited = n < 8
        data = household_data(f"{village}{n:04d}", phone="13812345678", bank_account="6228480012345678",
                              group_name="一组")
        if exited:
            data.update(status="exited", exit_year=2019)
        else:
            data.update(is_registered=False, status="general")
        items.append(HouseholdInput(village_code=village, household=data,
                                    members=[member_data(health_status="chronic"),
                                             member_data("son", born=dt.date(1995, 1, 1))],
                                    incomes=[income_data(2020, wage_income="20000")]))
    write_many(items, by="test")


def draw(tmp_path: Path) -> VerificationSample:
    design = tmp_path / "design.yaml"
    design.write_text(DESIGN, encoding="utf-8")
    result = runner.invoke(app, ["sample", "--county", COUNTY, "--year", "2020", "--design", str(design)], env=ENV)
    assert result.exit_code == 0, result.output
    return VerificationSample.objects.latest("pk")


def test_the_same_command_draws_the_same_sample(tmp_path: Path) -> None:
    first, second = draw(tmp_path), draw(tmp_path)
    ids = [list(s.households.order_by("household_id").values_list("household_id", "weight")) for s in (first, second)]
    assert ids[0] == ids[1] and len(ids[0]) == 2 * (3 + 2)
    assert first.seed == 11 and "villages_per_township: 2" in first.design


def test_field_list_and_questionnaires_carry_no_ids_phones_bank_or_health(tmp_path: Path) -> None:
    record = draw(tmp_path)
    result = runner.invoke(app, ["sample-lists", "--sample", str(record.pk), "--out", str(tmp_path)], env=ENV)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / f"sample-{record.pk}-field-list.xlsx")
    cells = [str(c) for row in book[SHEET].iter_rows(values_only=True) for c in row if c is not None]
    text = " ".join(cells)
    pdf = PdfReader(tmp_path / f"sample-{record.pk}-questionnaires.pdf")
    assert len(pdf.pages) == record.households.count()
    pdf_text = " ".join(page.extract_text() for page in pdf.pages)
    for row in record.households.select_related("household"):
        assert row.household.number in text and row.household.number in pdf_text
    for secret in (*Member.objects.values_list("resident_id", flat=True), "13812345678", "6228480012345678",
                   "chronic", "慢性病"):
        assert secret not in text and secret not in pdf_text
    assert "一组" in text and "测试" in text  # village group and head's name are there


def fill(path: Path, out: Path, change: dict[int, dict[str, object]] | None = None, wrong: int = 1) -> None:
    """Fill the field list as a team would: everyone found, 2 people, income and items fine, approving;
    the first ``wrong`` exited households below the line."""
    book = openpyxl.load_workbook(path)
    sheet = book[SHEET]
    header = [c.value for c in sheet[1]]
    at = {c.key: header.index(c.header) + 1 for c in COLUMNS}
    exited_seen = 0
    for r in range(2, sheet.max_row + 1):
        values: dict[str, object] = {"found": "是", "people": 2, "income_per_capita": 9000, "food": "是",
                                     "clothing": "是", "education": "是", "medical": "是", "housing": "是",
                                     "water": "是", "approves_policy": "认可", "approves_measures": "认可",
                                     "approves_exit": "认可", "approves_cadres": "认可"}
        if sheet.cell(r, at["kind"]).value == "已脱贫户":
            exited_seen += 1
            if exited_seen <= wrong:
                values["income_per_capita"] = 3000
                values["approves_exit"] = "不认可"
        values.update((change or {}).get(r, {}))
        for key, value in values.items():
            sheet.cell(r, at[key]).value = value  # type: ignore[assignment]
    book.save(out)


def test_results_estimates_and_the_county_explanation(tmp_path: Path) -> None:
    record = draw(tmp_path)
    runner.invoke(app, ["sample-lists", "--sample", str(record.pk), "--out", str(tmp_path)], env=ENV)
    filled = tmp_path / "filled.xlsx"
    fill(tmp_path / f"sample-{record.pk}-field-list.xlsx", filled)
    result = runner.invoke(app, ["sample-results", str(filled), "--sample", str(record.pk)], env=ENV)
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["sample-estimate", "--sample", str(record.pk)], env=ENV)
    assert result.exit_code == 0, result.output
    figures = CountyVerification.objects.get(county__code=COUNTY, year=2020)
    # 6 exited households of 2 people, one below the line: 1/6 of the people; equal weights within villages
    assert figures.sample_id == record.pk
    assert figures.wrong_exit_rate is not None and figures.wrong_exit_low is not None
    assert figures.wrong_exit_low <= figures.wrong_exit_rate <= figures.wrong_exit_high  # type: ignore[operator]
    assert figures.missed_poor_rate == 0 and figures.public_approval is not None
    assert "错退率" in result.output and "95%" in result.output
    assert runner.invoke(app, ["assess", "--year", "2020"], env=ENV).exit_code == 0
    explained = runner.invoke(app, ["explain", "--county", "--year", "2020"], env=ENV)
    assert explained.exit_code == 0, explained.output
    assert f"样本 {record.pk}" in explained.output
    assert "95% 置信区间" in explained.output and "跨过" in explained.output  # 1/6 ± … straddles 2%


def test_a_bad_workbook_is_refused_row_by_row_and_nothing_is_saved(tmp_path: Path) -> None:
    record = draw(tmp_path)
    runner.invoke(app, ["sample-lists", "--sample", str(record.pk), "--out", str(tmp_path)], env=ENV)
    filled = tmp_path / "filled.xlsx"
    fill(tmp_path / f"sample-{record.pk}-field-list.xlsx", filled,
         change={2: {"found": "maybe"}, 3: {"people": 0}, 4: {"income_per_capita": "lots"}, 5: {"water": "?"}})
    result = runner.invoke(app, ["sample-results", str(filled), "--sample", str(record.pk)], env=ENV)
    assert result.exit_code == 1
    for row, column in ((2, "是否找到"), (3, "核实人数"), (4, "核实人均纯收入"), (5, "饮水安全有保障")):
        assert f"第 {row} 行" in result.output and column in result.output
    assert not SampledHousehold.objects.filter(sample=record, found__isnull=False).exists()
    record.refresh_from_db()
    assert record.results_imported_at is None


def test_hand_entry_needs_a_reason() -> None:
    result = runner.invoke(app, ["verification", "--county", COUNTY, "--year", "2020", "--wrong-exit-rate", "0.4"],
                           env=ENV)
    assert result.exit_code == 1 and "source" in result.output
    result = runner.invoke(app, ["verification", "--county", COUNTY, "--year", "2020", "--wrong-exit-rate", "0.4",
                                 "--source", "省评估组报告 2020-11"], env=ENV)
    assert result.exit_code == 0, result.output
