"""The workbook layout shared by the template, the importer and the exporter: which sheets exist,
which columns each holds, and how a header written by a person is matched to a column.

Household, member and income columns come from the field table (``domain/fields.py``); this
module only adds the region and village-facility sheets, which that table does not cover, and
three income columns the system fills in (household size, net income, per-capita net income).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ...domain.fields import HOUSEHOLD_FIELDS, INCOME_FIELDS, MEMBER_FIELDS, Field
from ..models import VillageFacilities

MEMBERS_SHEET = "成员"
INCOMES_SHEET = "年度收入"
REGIONS_SHEET = "区划"
FACILITIES_SHEET = "村级设施"
CODES_SHEET = "代码表"
README_SHEET = "说明"
ERRORS_SHEET = "错误汇总"
VERSIONS_SHEET = "版本"  # an export's household versions: an import refuses to overwrite newer edits
VERSIONS_HEADER = ("户编号", "版本", "导出时间")
ERROR_COLUMN = "错误说明"  # added by the error workbook; ignored on import
MASK_MARK = "本文件已隐藏敏感信息"  # written into 说明 by a masked export

_NUMBER = HOUSEHOLD_FIELDS[0]
_VILLAGE_CODE = HOUSEHOLD_FIELDS[1]
assert _NUMBER.name == "number" and _VILLAGE_CODE.name == "village_code"

# Regions are not in the field table: it describes households. Same Field shape, same cleaning.
REGION_FIELDS: tuple[Field, ...] = (
    Field("code", "区划代码", "region code", "text", required=True, max_length=15),
    Field("name", "名称", "name", "text", required=True, max_length=60),
    Field("level", "层级", "level", "code", required=True, codes="region_level"),
    Field("parent_code", "上级区划代码", "parent code", "text", max_length=15),
    Field("is_poor_village", "贫困村", "poor village", "bool"),
    Field("exit_year", "出列年度", "exit year", "int", minimum=Decimal(1980), maximum=Decimal(2100)),
    Field("is_western", "西部地区", "western region", "bool"),
)


def _facility_fields() -> tuple[Field, ...]:
    """One Field per facility column, named and labelled as the model declares them."""
    fields = [
        Field("village_code", _VILLAGE_CODE.zh, _VILLAGE_CODE.en, "text", required=True, max_length=12),
        Field("year", "年度", "year", "int", required=True, minimum=Decimal(2000), maximum=Decimal(2100)),
    ]
    for f in VillageFacilities._meta.concrete_fields:
        if f.name in ("id", "village", "year"):
            continue
        if f.get_internal_type() == "BooleanField":
            fields.append(Field(f.name, str(f.verbose_name), f.name.replace("_", " "), "bool"))
        else:
            fields.append(Field(f.name, str(f.verbose_name), f.name.replace("_", " "), "decimal",
                                minimum=Decimal(0), maximum=Decimal("1e11")))
    return tuple(fields)


FACILITY_FIELDS: tuple[Field, ...] = _facility_fields()

# The year's household size is counted from the members when it is absent, but an export carries
# it so that past years' per-capita incomes survive a round trip.
HOUSEHOLD_SIZE = Field("household_size", "家庭人口", "household size", "int",
                       minimum=Decimal(1), maximum=Decimal(99))
NET_INCOME = Field("net_income", "纯收入（系统计算）", "net income (computed)", "decimal")
PER_CAPITA = Field("per_capita_net_income", "人均纯收入（系统计算）",
                   "per-capita net income (computed)", "decimal")


@dataclass(frozen=True)
class Column:
    """A column of a sheet: which group of values it feeds (household, member, income, region,
    facility) and its field. ``computed`` columns are written by export and ignored on import."""

    group: str
    field: Field
    computed: bool = False

    @property
    def header(self) -> str:
        return self.field.zh

    @property
    def key(self) -> str:
        return f"{self.group}.{self.field.name}"


@dataclass(frozen=True)
class SheetSpec:
    name: str
    en: str
    columns: tuple[Column, ...]
    required: bool  # must be present in a workbook

    def column(self, group: str, name: str) -> Column:
        for c in self.columns:
            if c.group == group and c.field.name == name:
                return c
        raise KeyError(f"{group}.{name}")

    @property
    def required_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.field.required]


MEMBERS_SPEC = SheetSpec(
    MEMBERS_SHEET, "members",
    tuple(Column("household", f) for f in HOUSEHOLD_FIELDS) + tuple(Column("member", f) for f in MEMBER_FIELDS),
    required=True,
)
INCOMES_SPEC = SheetSpec(
    INCOMES_SHEET, "incomes",
    (Column("household", _NUMBER),
     Column("income", Field("year", "收入年度", "income year", "int", required=True,
                            minimum=INCOME_FIELDS[0].minimum, maximum=INCOME_FIELDS[0].maximum)),
     *(Column("income", f) for f in INCOME_FIELDS if f.name != "year"),
     Column("income", HOUSEHOLD_SIZE),
     Column("income", NET_INCOME, computed=True),
     Column("income", PER_CAPITA, computed=True)),
    required=False,
)
assert INCOME_FIELDS[0].name == "year" and INCOME_FIELDS[0].zh == "收入年度"
REGIONS_SPEC = SheetSpec(REGIONS_SHEET, "regions", tuple(Column("region", f) for f in REGION_FIELDS),
                         required=False)
FACILITIES_SPEC = SheetSpec(FACILITIES_SHEET, "village facilities",
                            tuple(Column("facility", f) for f in FACILITY_FIELDS), required=False)
DATA_SHEETS: tuple[SheetSpec, ...] = (MEMBERS_SPEC, INCOMES_SPEC, REGIONS_SPEC, FACILITIES_SPEC)
# Sheets the importer reads without a word; any other sheet earns a warning.
# the list export's overview of each household (head, village, cadre, income, failing indicators)
OVERVIEW_SHEET = "户况与未达标原因"
KNOWN_OTHER_SHEETS = (CODES_SHEET, README_SHEET, ERRORS_SHEET, VERSIONS_SHEET, OVERVIEW_SHEET)

_SPACES = re.compile(r"\s+")
_WIDE = str.maketrans({"(": "（", ")": "）", "*": "", "＊": ""})


def normalise_header(text: object) -> str:
    """Compare headers as a person means them: spaces, half-width brackets and a required-mark
    asterisk do not matter, nor does the case of an English header."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return _SPACES.sub("", str(text)).translate(_WIDE).casefold()


def header_index(spec: SheetSpec) -> dict[str, Column]:
    """Normalised Chinese and English headers → column."""
    index: dict[str, Column] = {}
    for c in spec.columns:
        index.setdefault(normalise_header(c.field.zh), c)
        index.setdefault(normalise_header(c.field.en), c)
    return index


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    n = index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def code_fields() -> list[tuple[str, Field]]:
    """(sheet, field) for every code column, in sheet order; the code table lists each once."""
    seen: set[str] = set()
    out = []
    for spec in DATA_SHEETS:
        for c in spec.columns:
            if c.field.kind == "code" and c.field.codes and c.key not in seen:
                seen.add(c.key)
                out.append((spec.name, c.field))
    return out
