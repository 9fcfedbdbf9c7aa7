"""The national-scale generator on a small size: the layout's schemas exactly, valid IDs, and the
same honesty as the district, checked with DuckDB over the files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import liangfang.cli.synth_cmds  # noqa: F401  (registers the command)
from liangfang.cli.app import app
from liangfang.ids import parse_resident_id
from liangfang.layout import INCOMES, MEMBERS, TABLES
from liangfang.synth.national import write_national

LINES = {2019: Decimal(3218), 2020: Decimal(4000)}
INCOME_COLUMNS = list(INCOMES.column_names)
MEMBER_COLUMNS = list(MEMBERS.column_names)


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("national")
    write_national(out, households=20_000, seed=5, lines=LINES, chunk=7_000)
    return out


@pytest.fixture(scope="module")
def db(national: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for table in TABLES:
        con.execute(f"CREATE VIEW {table.name} AS SELECT * FROM read_parquet('{national / table.name}.parquet')")
    con.execute("""CREATE VIEW pc AS SELECT household_id, year,
        (wage_income + business_income + property_income + transfer_family_planning + transfer_minimum_living
         + transfer_destitute_support + transfer_pension + transfer_eco_compensation + transfer_other
         - business_expense) / household_size AS pc FROM incomes""")
    return con


def one(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def test_the_files_have_the_layout_schemas_exactly(national: Path) -> None:
    for table in TABLES:
        assert pq.read_schema(national / f"{table.name}.parquet").remove_metadata() == table.schema, table.name
    assert not list(national.glob("*.partial"))


def test_counts_sizes_and_registration_are_in_proportion(db: duckdb.DuckDBPyConnection) -> None:
    assert one(db, "SELECT count(*) FROM households") == 20_000
    members = one(db, "SELECT count(*) FROM members")
    assert 2.8 < members / 20_000 < 3.2  # type: ignore[operator]
    assert one(db, "SELECT count(*) FROM incomes") == 40_000
    share = one(db, "SELECT avg(is_registered::int) FROM households")
    assert 0.06 < share < 0.11  # type: ignore[operator]
    remaining = one(db, "SELECT avg((status = 'not_exited')::int) FROM households WHERE is_registered")
    assert 0 < remaining < 0.03  # type: ignore[operator]
    assert one(db, "SELECT count(*) FROM households h LEFT JOIN regions r ON r.id = h.village_id "
                   "WHERE r.level IS DISTINCT FROM 'village'") == 0
    assert one(db, "SELECT count(DISTINCT id) FROM members") == members
    assert one(db, "SELECT count(*) FROM members m LEFT JOIN households h ON h.id = m.household_id "
                   "WHERE h.id IS NULL") == 0
    assert one(db, "SELECT count(DISTINCT id) FROM households") == 20_000
    assert one(db, "SELECT max(id) FROM households") == 20_000  # dense ids


def test_resident_ids_are_valid_distinct_and_carry_the_county_and_birth_date(db: duckdb.DuckDBPyConnection) -> None:
    rows = db.execute("""SELECT m.resident_id, m.birth_date, m.sex, r.code FROM members m
        JOIN households h ON h.id = m.household_id JOIN regions r ON r.id = h.village_id""").fetchall()
    assert len({r[0] for r in rows}) == len(rows)
    for number, born, sex, village_code in rows:
        parsed = parse_resident_id(number)
        assert (parsed.birth_date, parsed.sex, parsed.region_code) == (born, sex, village_code[:6])


def test_exits_are_honest(db: duckdb.DuckDBPyConnection) -> None:
    # exited: above the line in every written year from the exit year on, below before it
    assert one(db, """SELECT count(*) FROM households h JOIN pc ON pc.household_id = h.id
        WHERE h.status = 'exited'
          AND ((pc.year >= h.exit_year AND pc.pc <= CASE pc.year WHEN 2019 THEN 3218 ELSE 4000 END)
               OR (pc.year < h.exit_year AND pc.pc > 3218))""") == 0
    # general households above the line; about 2.5% of them under 1.5 times the 2020 line
    assert one(db, """SELECT count(*) FROM households h JOIN pc ON pc.household_id = h.id
        WHERE NOT h.is_registered AND pc.pc <= CASE pc.year WHEN 2019 THEN 3218 ELSE 4000 END""") == 0
    edge = one(db, """SELECT avg((pc.pc < 6000)::int) FROM households h JOIN pc ON pc.household_id = h.id
        WHERE NOT h.is_registered AND pc.year = 2020""")
    assert 0.01 < edge < 0.05  # type: ignore[operator]
    # 三保障 for every exited household: insured, housing safe by the exit year, no child out of school
    assert one(db, """SELECT count(*) FROM households h JOIN members m ON m.household_id = h.id
        WHERE h.status = 'exited' AND (NOT m.medical_insurance
           OR (m.school_status = 'not_in_school' AND m.school_exemption = 'none'
               AND m.birth_date BETWEEN DATE '2004-09-01' AND DATE '2014-08-31'))""") == 0
    assert one(db, """SELECT count(*) FROM households WHERE status = 'exited' AND NOT (
        housing_grade IN ('A', 'B') OR (housing_safety_via = 'renovated' AND housing_renovated_year <= exit_year)
        OR (housing_safety_via = 'relocated' AND relocation_year <= exit_year))""") == 0
    # a registered household in a poor village exits no later than its village
    assert one(db, """SELECT count(*) FROM households h JOIN regions v ON v.id = h.village_id
        WHERE h.is_registered AND v.is_poor_village AND (h.exit_year IS NULL OR h.exit_year > v.exit_year)""") == 0


def test_every_remaining_household_fails_something_in_2020(db: duckdb.DuckDBPyConnection) -> None:
    passing = one(db, """SELECT count(*) FROM households h JOIN pc ON pc.household_id = h.id AND pc.year = 2020
        WHERE h.status = 'not_exited' AND pc.pc > 4000 AND h.housing_safety_via <> 'not_safe'
          AND NOT EXISTS (SELECT 1 FROM members m WHERE m.household_id = h.id AND (NOT m.medical_insurance
              OR (m.school_status = 'not_in_school' AND m.school_exemption = 'none'
                  AND m.birth_date BETWEEN DATE '2004-09-01' AND DATE '2014-08-31')))""")
    assert passing == 0
    assert one(db, "SELECT count(*) FROM households WHERE status = 'not_exited'") > 0  # type: ignore[operator]


def test_the_same_seed_writes_the_same_data(national: Path, tmp_path: Path) -> None:
    write_national(tmp_path, households=20_000, seed=5, lines=LINES, chunk=7_000)
    for table in TABLES:
        assert pq.read_table(tmp_path / f"{table.name}.parquet").equals(
            pq.read_table(national / f"{table.name}.parquet")), table.name


def test_the_command_writes_parquet(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", "--households", "3000", "--out", str(tmp_path / "n"), "--chunk", "1000"])
    assert result.exit_code == 0, result.output
    assert pq.read_metadata(tmp_path / "n" / "households.parquet").num_rows == 3000
    households = pq.ParquetFile(tmp_path / "n" / "households.parquet")
    assert households.metadata.num_row_groups == 6  # per chunk: registered households, then the others
    kinds = [set(households.read_row_group(i, columns=["is_registered"]).column(0).to_pylist())
             for i in range(households.metadata.num_row_groups)]
    assert kinds == [{True}, {False}] * 3


def test_row_groups_let_a_scan_of_one_year_or_of_registered_households_skip_the_rest(
        national: Path, db: duckdb.DuckDBPyConnection) -> None:
    incomes = pq.ParquetFile(national / "incomes.parquet").metadata
    for i in range(incomes.num_row_groups):
        stats = incomes.row_group(i).column(INCOME_COLUMNS.index("year")).statistics
        assert stats.min == stats.max, f"row group {i} mixes years"
    assert one(db, "SELECT max(id) FROM households WHERE is_registered") < one(  # type: ignore[operator]
        db, "SELECT min(id) FROM households WHERE NOT is_registered")
    members = pq.ParquetFile(national / "members.parquet").metadata
    registered_top = one(db, "SELECT max(id) FROM households WHERE is_registered")
    for i in range(members.num_row_groups):
        stats = members.row_group(i).column(MEMBER_COLUMNS.index("household_id")).statistics
        assert stats.max <= registered_top or stats.min > registered_top, f"row group {i} mixes households"
    stored = pq.read_metadata(national / "incomes.parquet").schema.column(INCOME_COLUMNS.index("wage_income"))
    assert stored.physical_type == "INT64"  # decimals stored as integers, not fixed-length byte arrays
