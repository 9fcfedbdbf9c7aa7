"""``liangfang measures`` and ``area_report`` on a small registry: the same numbers as the library
on the hand-made person-level data, by group, on the database and on DuckDB over its Parquet export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from django.db import connection
from typer.testing import CliRunner

import liangfang.cli.measures_cmds  # noqa: F401  (registers the command)
from liangfang.assessments.services import database_dialect
from liangfang.cli.app import app, console
from liangfang.engine.session import dbapi_session
from liangfang.measures import fgt, gini
from liangfang.measures.area import area_report
from liangfang.measures.estimates import Estimate
from liangfang.policy import load_pack
from liangfang.registry.services.bulk import HouseholdInput, write_many
from tests.factories import COUNTY, OTHER_VILLAGE, VILLAGE, household_data, income_data, make_regions, member_data

pytestmark = pytest.mark.django_db
runner = CliRunner()

# (village, people, wage income of the household, a member uninsured)
HOUSEHOLDS = [(VILLAGE, 2, "7000", False), (VILLAGE, 3, "30000", False), (VILLAGE, 1, "2500", True),
              (OTHER_VILLAGE, 4, "60000", False), (OTHER_VILLAGE, 2, "5000", True)]


@pytest.fixture(autouse=True)
def registry() -> None:
    make_regions()
    items = []
    for n, (village, people, wage, uninsured) in enumerate(HOUSEHOLDS):
        members = [member_data(sex="female" if n % 2 else "male")]
        members += [member_data("son", born=dt.date(1990, 1, 1), medical_insurance=not uninsured)
                    for _ in range(people - 1)]
        if uninsured and people == 1:
            members = [member_data(medical_insurance=False)]
        items.append(HouseholdInput(village_code=village,
                                    household=household_data(f"{village}{n:04d}", status="exited", exit_year=2019),
                                    members=members, incomes=[income_data(2020, wage_income=wage)]))
    write_many(items, by="test")


def persons() -> np.ndarray:
    return np.concatenate([[int(wage) / people] * people for _, people, wage, _ in HOUSEHOLDS])


def session():  # type: ignore[no-untyped-def]
    return dbapi_session(connection, database_dialect())


def test_area_report_equals_the_library_on_person_level_data() -> None:
    report = area_report(session(), load_pack("cn-national"), 2020, COUNTY)
    whole = report.measures.groups[0]
    assert whole.people == 12 and whole.households == 5
    y = persons()
    p0 = whole.income["fgt0"]
    assert isinstance(p0, Estimate) and p0.value == pytest.approx(fgt(y, 4000))
    assert whole.income["gini"].value == pytest.approx(gini(y))  # type: ignore[union-attr]
    assert p0.se > 0 and p0.low < p0.value < p0.high
    af = whole.alkire_foster
    medical = [d.name for d in report.dimensions].index("medical")
    # With no water data (deprived for everyone), the three households below the line fail food,
    # clothing and water (2 + 1 + 2 people); two of them (1 + 2 people) lack medical insurance too:
    # scores 3/6, 4/6, 4/6 ≥ k = 1/3. The others fail water only (1/6): not poor.
    assert af.H.value == pytest.approx(5 / 12)  # type: ignore[union-attr]
    assert af.censored_headcounts[medical].value == pytest.approx(3 / 12)  # type: ignore[union-attr]
    assert af.A.value == pytest.approx((2 * 3 / 6 + 3 * 4 / 6) / 5)  # type: ignore[union-attr]
    assert report.line == 4000 and report.lorenz[1][-1] == pytest.approx(1.0)


def test_by_village_splits_the_people() -> None:
    report = area_report(session(), load_pack("cn-national"), 2020, COUNTY, by="village")
    groups = {g.key: g for g in report.measures.groups[1:]}
    assert groups[VILLAGE].people == 6 and groups[OTHER_VILLAGE].people == 6
    y_village = persons()[:6]
    assert groups[VILLAGE].income["fgt0"].value == pytest.approx(fgt(y_village, 4000))  # type: ignore[union-attr]


def test_the_command_prints_every_measure_without_truncating_at_80_columns() -> None:
    console.width = 80  # the suite's fixture puts it back
    result = runner.invoke(app, ["measures", "--region", COUNTY, "--year", "2020", "--by", "sex"],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    for words in ("FGT(0)", "FGT(1)", "FGT(2)", "Watts", "Sen", "Gini", "Theil", "平均对数偏差", "Atkinson", "M0",
                  "contribution", "女", "男"):
        assert words in result.output
    assert "…" not in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80


def test_duckdb_over_the_parquet_export_gives_the_same_numbers(tmp_path: Path) -> None:
    assert runner.invoke(app, ["export-parquet", "--out", str(tmp_path)]).exit_code == 0
    on_db = runner.invoke(app, ["measures", "--region", COUNTY, "--year", "2020"], env={"COLUMNS": "200"})
    on_duck = runner.invoke(app, ["measures", "--region", COUNTY, "--year", "2020", "--engine", "duckdb",
                                  "--data", str(tmp_path)], env={"COLUMNS": "200"})
    assert on_duck.exit_code == 0, on_duck.output
    assert on_duck.output == on_db.output


def test_an_unknown_region_or_grouping_is_refused() -> None:
    result = runner.invoke(app, ["measures", "--region", "999", "--year", "2020"])
    assert result.exit_code == 1 and "999" in result.output
    result = runner.invoke(app, ["measures", "--region", COUNTY, "--year", "2020", "--by", "planet"])
    assert result.exit_code == 1 and "township" in result.output


@pytest.mark.parametrize(("by", "groups"), [("township", {"220802201000"}), ("cause", {"illness"}),
                                            ("age_group", {"16+"}), ("sex", {"male", "female"})])
def test_every_grouping_splits_everyone(by: str, groups: set[str]) -> None:
    report = area_report(session(), load_pack("cn-national"), 2020, COUNTY, by=by)
    parts = report.measures.groups[1:]
    assert {g.key for g in parts} == groups
    assert sum(g.people for g in parts) == report.measures.groups[0].people == 12
