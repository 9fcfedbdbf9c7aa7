"""The registry's analytic layout: which tables and columns leave the operational database for
Parquet, with their Arrow types. The operational export and the national-scale synthetic
generator both write exactly this layout, so the engine reads one shape everywhere.

No Django here: the engine and the synthetic generator import it without a database. The
column names are the registry tables' own (``registry_household.village_id`` → ``village_id``);
a test checks that they stay in step with the Django models. Names, phones and bank details
never leave in this layout: analytics does not need them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

MONEY = pa.decimal128(12, 2)


@dataclass(frozen=True)
class Table:
    name: str  # logical name and Parquet file stem
    db_table: str  # the Django table it comes from
    columns: tuple[tuple[str, pa.DataType], ...]
    order: tuple[str, ...] = ()  # row order in the file (default: the first column)
    compression: str = "zstd"  # the Parquet codec: zstd (smallest) unless a table is read more than stored

    @property
    def schema(self) -> pa.Schema:
        return pa.schema(list(self.columns))

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


REGIONS = Table("regions", "registry_region", (
    ("id", pa.int64()),
    ("code", pa.string()),
    ("name", pa.string()),
    ("level", pa.string()),
    ("parent_id", pa.int64()),
    ("is_poor_village", pa.bool_()),
    ("exit_year", pa.int16()),
    ("is_western", pa.bool_()),
))

VILLAGE_FACILITIES = Table("village_facilities", "registry_villagefacilities", (
    ("village_id", pa.int64()),
    ("year", pa.int16()),
    ("hardened_road", pa.bool_()),
    ("hamlet_roads_hardened", pa.bool_()),
    ("power_grid", pa.bool_()),
    ("broadband", pa.bool_()),
    ("broadcast_tv", pa.bool_()),
    ("piped_water", pa.bool_()),
    ("clinic", pa.bool_()),
    ("clinic_doctor", pa.bool_()),
    ("culture_room", pa.bool_()),
    ("service_center", pa.bool_()),
    ("garbage_collection", pa.bool_()),
    ("cooperative", pa.bool_()),
    ("work_team", pa.bool_()),
    ("collective_income", MONEY),
))

HOUSEHOLDS = Table("households", "registry_household", (
    ("id", pa.int64()),
    ("number", pa.string()),
    ("village_id", pa.int64()),
    ("is_registered", pa.bool_()),
    ("status", pa.string()),
    ("monitoring", pa.string()),
    ("poverty_attribute", pa.string()),
    ("identification_standard", pa.string()),
    ("main_cause", pa.string()),
    ("other_cause_1", pa.string()),
    ("other_cause_2", pa.string()),
    ("first_identified_on", pa.date32()),
    ("exit_year", pa.int16()),
    ("status_since", pa.date32()),  # the status's date: a relapse read as of a year needs it
    ("housing_area", pa.decimal128(7, 1)),
    ("housing_grade", pa.string()),
    ("housing_appraised_on", pa.date32()),
    ("housing_safety_via", pa.string()),
    ("housing_renovated_year", pa.int16()),
    ("relocation_mode", pa.string()),
    ("relocation_year", pa.int16()),
    ("water_litres_per_day", pa.decimal128(6, 1)),
    ("water_quality", pa.string()),
    ("water_piped", pa.bool_()),
    ("water_fetch_minutes", pa.int16()),
    ("water_days_without", pa.int16()),
    ("water_distance_m", pa.int32()),
    ("water_vertical_m", pa.int32()),
    ("water_surveyed_on", pa.date32()),
    ("power_living", pa.bool_()),
    ("power_production", pa.bool_()),
    ("road_type", pa.string()),
    ("sanitary_toilet", pa.bool_()),
    ("in_cooperative", pa.bool_()),
    ("cultivated_area", pa.decimal128(8, 1)),
))

MEMBERS = Table("members", "registry_member", (
    ("id", pa.int64()),
    ("household_id", pa.int64()),
    ("resident_id", pa.string()),
    ("sex", pa.string()),
    ("birth_date", pa.date32()),
    ("relation", pa.string()),
    ("education", pa.string()),
    ("school_status", pa.string()),
    ("school_exemption", pa.string()),
    ("compulsory_completed", pa.bool_()),
    ("school_status_on", pa.date32()),
    ("health_status", pa.string()),
    ("disability_grade", pa.string()),
    ("health_status_on", pa.date32()),
    ("labor_ability", pa.string()),
    ("work_status", pa.string()),
    ("months_worked", pa.int16()),
    ("medical_insurance", pa.bool_()),
    ("medical_scheme", pa.string()),
    ("insured_since", pa.date32()),
    ("serious_illness_insurance", pa.bool_()),
    ("pension_insurance", pa.bool_()),
    ("family_doctor", pa.bool_()),
    ("joined_on", pa.date32()),
    ("is_active", pa.bool_()),
    ("left_on", pa.date32()),
))

# Income records are ordered by year first, so that each row group holds one year and a scan of
# one year skips the other years' row groups by their statistics.
INCOMES = Table("incomes", "registry_incomerecord", (
    ("household_id", pa.int64()),
    ("year", pa.int16()),
    ("household_size", pa.int16()),
    ("wage_income", MONEY),
    ("business_income", MONEY),
    ("property_income", MONEY),
    ("transfer_family_planning", MONEY),
    ("transfer_minimum_living", MONEY),
    ("transfer_destitute_support", MONEY),
    ("transfer_pension", MONEY),
    ("transfer_eco_compensation", MONEY),
    ("transfer_other", MONEY),
    ("business_expense", MONEY),
), order=("year", "household_id"))

# Health as it was before its last recorded change, one row per period (issue 14, finding 4).
MEMBER_HEALTH = Table("member_health", "registry_memberhealthhistory", (
    ("member_id", pa.int64()),
    ("health_status", pa.string()),
    ("disability_grade", pa.string()),
    ("valid_from", pa.date32()),
    ("valid_to", pa.date32()),
), order=("member_id", "valid_to"))

# A household's status over a period its dated fields no longer tell (a relapse before a later exit).
HOUSEHOLD_STATUS = Table("household_status", "registry_householdstatushistory", (
    ("household_id", pa.int64()),
    ("status", pa.string()),
    ("valid_from", pa.date32()),
    ("valid_to", pa.date32()),
), order=("household_id", "valid_to"))

TABLES: tuple[Table, ...] = (REGIONS, VILLAGE_FACILITIES, HOUSEHOLDS, MEMBERS, INCOMES, MEMBER_HEALTH, HOUSEHOLD_STATUS)
TABLES_BY_NAME = {t.name: t for t in TABLES}


# -- how the files are written ------------------------------------------------------------------
ROW_GROUP_ROWS = 1_048_576
_UNIQUE_TEXT = {"number", "resident_id", "code", "name"}
_ASCENDING = {"id", "household_id", "village_id"}


def sort_keys(table: Table) -> tuple[str, ...]:
    return table.order or table.column_names[:1]


def parquet_options(table: Table) -> dict[str, Any]:
    """Keyword arguments for ``pyarrow.parquet.ParquetWriter`` of a layout file.

    Codes and flags are dictionary-encoded, ascending keys delta-encoded, and decimals stored
    as integers of their smallest unit (``store_decimal_as_integer``: INT32/INT64 with the
    DECIMAL logical type, read back as the same Arrow decimal type) rather than fixed-length
    byte arrays, which are much slower to decode.
    """
    dictionary = [name for name, kind in table.columns
                  if (pa.types.is_string(kind) and name not in _UNIQUE_TEXT) or pa.types.is_boolean(kind)
                  or kind == pa.int16()]
    return {"compression": table.compression, "use_dictionary": dictionary, "store_decimal_as_integer": True,
            "column_encoding": {name: "DELTA_BINARY_PACKED" for name in table.column_names if name in _ASCENDING}}


# -- the layout as plain SQL tables (engine tests and benchmarks load rows into them) ---------------
def sql_type(kind: pa.DataType, dialect: str = "sqlite") -> str:
    if pa.types.is_boolean(kind):
        return "BOOLEAN"
    if pa.types.is_integer(kind):
        return "BIGINT"
    if pa.types.is_decimal(kind):
        return f"DECIMAL({kind.precision}, {kind.scale})"
    if pa.types.is_date(kind):
        return "DATE"
    return "VARCHAR" if dialect == "duckdb" else "TEXT"


def create_table_sql(table: Table, dialect: str = "sqlite") -> str:
    """``CREATE TABLE`` of a layout table under its registry name, with the layout's columns only."""
    columns = ", ".join(f"{name} {sql_type(kind, dialect)}" for name, kind in table.columns)
    return f"CREATE TABLE {table.db_table} ({columns})"
