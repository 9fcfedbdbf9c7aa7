"""Small registry workbooks for importer tests: rows keyed by Chinese header, written to xlsx or
csv in a temporary folder. Households and members come from tests.factories (valid resident IDs)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from liangfang.domain.fields import HOUSEHOLD_FIELDS, INCOME_FIELDS, MEMBER_FIELDS
from liangfang.registry.importers.workbook import (
    FACILITIES_SPEC,
    INCOMES_SPEC,
    MEMBERS_SPEC,
    REGIONS_SPEC,
    SheetSpec,
)
from tests.factories import COUNTY, OTHER_VILLAGE, TOWNSHIP, VILLAGE, household_data, member_data

Row = dict[str, Any]
MEMBER_HEADERS = [c.header for c in MEMBERS_SPEC.columns]
INCOME_HEADERS = [c.header for c in INCOMES_SPEC.columns if not c.computed]
REGION_HEADERS = [c.header for c in REGIONS_SPEC.columns]
FACILITY_HEADERS = [c.header for c in FACILITIES_SPEC.columns]
_HOUSEHOLD_ZH = {f.name: f.zh for f in HOUSEHOLD_FIELDS}
_MEMBER_ZH = {f.name: f.zh for f in MEMBER_FIELDS}
_INCOME_ZH = {f.name: f.zh for f in INCOME_FIELDS}


def household_rows(number: str | None = None, *, village: str = VILLAGE, size: int = 2,
                   household: dict[str, Any] | None = None) -> list[Row]:
    """Member rows of one registered household: a head and ``size - 1`` children;
    ``household`` overrides household cells by Chinese header."""
    h = {_HOUSEHOLD_ZH[k]: v for k, v in {**household_data(number), "village_code": village}.items()}
    h.update(household or {})  # keyed by Chinese header
    people = [member_data()] + [member_data("daughter", born=dt.date(2008, 3, 3), sex="female")
                                for _ in range(size - 1)]
    return [{**h, **{_MEMBER_ZH[k]: v for k, v in m.items()}} for m in people]


def region_rows() -> list[Row]:
    """The region tree tests.factories.make_regions builds, as 区划 rows."""
    return [
        {"区划代码": "220000000000", "名称": "吉林省", "层级": "省"},
        {"区划代码": "220800000000", "名称": "白城市", "层级": "市", "上级区划代码": "220000000000"},
        {"区划代码": COUNTY, "名称": "洮北区", "层级": "县（区）", "上级区划代码": "220800000000"},
        {"区划代码": TOWNSHIP, "名称": "金祥乡", "层级": "乡（镇）", "上级区划代码": COUNTY},
        {"区划代码": VILLAGE, "名称": "新建村", "层级": "行政村", "上级区划代码": TOWNSHIP, "贫困村": "是",
         "出列年度": 2018},
        {"区划代码": OTHER_VILLAGE, "名称": "红日村", "层级": "行政村", "上级区划代码": TOWNSHIP, "贫困村": "否"},
    ]


def income_row(number: str, year: int = 2020, **amounts: Any) -> Row:
    """An income row; amounts by field name (wage_income=3000) or Chinese header."""
    return {"户编号": number, "收入年度": year, **{_INCOME_ZH.get(k, k): v for k, v in amounts.items()}}


def _table(headers: Sequence[str], rows: Sequence[Row]) -> list[list[Any]]:
    return [list(headers)] + [[r.get(h) for h in headers] for r in rows]


def save_xlsx(path: Path, members: Sequence[Row] | None, *, incomes: Sequence[Row] | None = None,
              regions: Sequence[Row] | None = None, facilities: Sequence[Row] | None = None,
              headers: Sequence[str] | None = None, extra_sheets: dict[str, list[list[Any]]] | None = None) -> Path:
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    sheets: list[tuple[SheetSpec, Sequence[str], Sequence[Row] | None]] = [
        (MEMBERS_SPEC, headers or MEMBER_HEADERS, members), (INCOMES_SPEC, INCOME_HEADERS, incomes),
        (REGIONS_SPEC, REGION_HEADERS, regions), (FACILITIES_SPEC, FACILITY_HEADERS, facilities)]
    for spec, hdrs, rows in sheets:
        if rows is None:
            continue
        ws = wb.create_sheet(spec.name)
        for line in _table(hdrs, rows):
            ws.append(line)
    for name, lines in (extra_sheets or {}).items():
        ws = wb.create_sheet(name)
        for line in lines:
            ws.append(line)
    wb.save(path)
    return path


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def save_csv(path: Path, members: Sequence[Row], *, encoding: str = "utf-8",
             headers: Sequence[str] | None = None) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        for line in _table(headers or MEMBER_HEADERS, members):
            writer.writerow([_csv_text(v) for v in line])
    return path
