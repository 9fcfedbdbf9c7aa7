"""部门筛查预警: a department's list of warned households, uploaded as a workbook (or CSV), read
all or nothing into leads through ``lead_record``. A department's API will later hand the same
``LeadInput`` items to the same core (its name as ``source_name``, its record id as ``source_ref``).

The sheet's header row names the columns (Chinese or English); the first sheet is read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from ...domain.problems import ValidationFailed
from ...domain.text import Text, lines, render
from ...registry.importers.readers import ImportFileError, read_file
from ...registry.models import Household
from ..models import LeadBatch
from ..packs import current_monitoring_pack
from .leads import LeadInput, LeadOutcome, lead_record

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
COLUMNS: dict[str, tuple[str, str, bool]] = {  # field -> (Chinese header, English header, required)
    "household": ("户编号", "household number", True),
    "warning": ("预警事项", "warning", True),
    "risk_type": ("风险类型", "risk type", True),
    "found_on": ("预警日期", "date", True),
    "source_ref": ("部门编号", "reference", False),
}


@dataclass(frozen=True)
class RowError:
    file: str
    row: int  # Excel row number (header = 1)
    column: str  # the header as written
    field: str
    value: object
    message: str

    def __str__(self) -> str:
        where = Text(f"{self.file} 第 {self.row} 行", f"row {self.row}")  # both: "x.xlsx 第 3 行 / row 3"
        return f"{where}，{self.column}（{self.field}）= {self.value!r}：{self.message}"

    def render(self, language: str) -> str:
        """The error in one language ("zh…", "en…"; anything else: both, as ``str``)."""
        if language.startswith("zh"):
            return f"{self.file} 第 {self.row} 行，{self.column}（{self.field}）= {self.value!r}：" \
                   f"{render(self.message, 'zh')}"
        if language.startswith("en"):
            return f"{self.file} row {self.row}, {self.column} ({self.field}) = {self.value!r}: " \
                   f"{render(self.message, 'en')}"
        return str(self)

    def text(self) -> Text:
        return Text(self.render("zh"), self.render("en"), str(self))


class DepartmentFileError(ValueError):
    """The rows refused (the first 50 said); raised with a Text, so a face shows one language."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        more = len(errors) - 50
        super().__init__(lines([e.text() for e in errors[:50]]
                               + ([Text(f"……另有 {more} 处", f"and {more} more")] if more > 0 else [])))


@dataclass
class DepartmentImport:
    batch: LeadBatch
    outcome: LeadOutcome
    errors: list[RowError] = field(default_factory=list)


def _header_map(header: list[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = str(cell or "").strip().casefold()
        for name, (zh, en, _required) in COLUMNS.items():
            if text in (zh.casefold(), en.casefold(), name):
                found[name] = index
    return found


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def department_import(path: Path, *, department: str, by: str) -> DepartmentImport:
    """Read the department's list; every row is checked before anything is written."""
    name = path.name
    if not department.strip():
        raise DepartmentFileError([RowError(name, 0, "", "department", department,
                                            Text("须写明部门", "name the department"))])
    if path.exists() and path.stat().st_size > MAX_BYTES:
        raise DepartmentFileError([RowError(name, 0, "", "file", path.stat().st_size,
                                            Text(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请分批上传",
                                                 f"the file is over {MAX_BYTES // 1024 // 1024} MB: upload it in "
                                                 "parts"))])
    try:
        data = read_file(path)
    except ImportFileError as exc:
        raise DepartmentFileError([RowError(name, 0, "", "file", name, exc.message)]) from None
    sheet = next(iter(data.sheets.values()), None)
    if sheet is None or not sheet.rows:
        raise DepartmentFileError([RowError(name, 1, "", "header", "", Text("没有表头行", "no header row"))])
    if len(sheet.rows) - 1 > MAX_ROWS:
        raise DepartmentFileError([RowError(name, 0, "", "rows", len(sheet.rows) - 1,
                                            Text(f"超过 {MAX_ROWS:,} 行，请分批上传",
                                                 f"more than {MAX_ROWS:,} rows: upload it in parts"))])
    header = sheet.rows[0]
    columns = _header_map(header)
    missing = [f"{zh} / {en}" for key, (zh, en, required) in COLUMNS.items() if required and key not in columns]
    if missing:
        raise DepartmentFileError([RowError(name, 1, "", "header", ", ".join(str(h) for h in header),
                                            Text(f"缺少列：{'；'.join(missing)}",
                                                 f"missing columns: {'; '.join(missing)}"))])
    pack = current_monitoring_pack()
    risk_lookup = {**{k: k for k in pack.risk_types}, **{v.name.zh: k for k, v in pack.risk_types.items()},
                   **{v.name.en.casefold(): k for k, v in pack.risk_types.items()}}
    body = [(i + 2, row) for i, row in enumerate(sheet.rows[1:]) if any(str(c or "").strip() for c in row)]
    numbers = {str(row[columns["household"]] or "").strip() for _, row in body}
    households = {h.number: h for h in Household.objects.filter(number__in=numbers)}
    errors: list[RowError] = []
    items: list[LeadInput] = []

    def cell(row: list[object], key: str) -> object:
        index = columns.get(key)
        return None if index is None or index >= len(row) else row[index]

    def err(row_no: int, key: str, value: object, message: str) -> None:
        errors.append(RowError(name, row_no, str(header[columns[key]]), key, value, message))

    seen: set[str] = set()
    for row_no, row in body:
        number = str(cell(row, "household") or "").strip()
        household = households.get(number)
        if household is None:
            err(row_no, "household", number, Text("系统中没有这个户编号，请核对",
                                                 "no household with this number: check it"))
        elif number in seen:
            err(row_no, "household", number, Text("同一户在表中出现两次，请合并为一行",
                                                  "the household appears twice: merge the rows"))
        seen.add(number)
        warning = str(cell(row, "warning") or "").strip()
        if not warning:
            err(row_no, "warning", warning, Text("须写明预警事项", "state the warning"))
        raw_risk = str(cell(row, "risk_type") or "").strip()
        risk = risk_lookup.get(raw_risk) or risk_lookup.get(raw_risk.casefold())
        if risk is None:
            err(row_no, "risk_type", raw_risk, Text(
                f"风险类型须为：{'、'.join(v.name.zh for v in pack.risk_types.values())}",
                f"risk type must be one of: {', '.join(v.name.en for v in pack.risk_types.values())}"))
        found_on = _date(cell(row, "found_on"))
        if found_on is None or not dt.date(2021, 1, 1) <= found_on <= dt.date.today():
            err(row_no, "found_on", cell(row, "found_on"), Text(
                "日期须为 YYYY-MM-DD，在 2021 年以后且不晚于今天",
                "the date must be YYYY-MM-DD, from 2021 and not in the future"))
        if household is not None and risk is not None and found_on is not None and warning:
            category = "unstable" if household.is_registered else "edge"
            items.append(LeadInput(household, "department_warning", department.strip(), found_on, category,
                                   (risk,), ({"rule": "department", "zh": warning, "en": warning},),
                                   source_ref=str(cell(row, "source_ref") or "").strip()))
    if errors:
        raise DepartmentFileError(errors)
    with transaction.atomic():
        batch = LeadBatch.objects.create(department=department.strip()[:60], file_name=name[:200],
                                         sha256=hashlib.sha256(path.read_bytes()).hexdigest(), rows=len(body),
                                         uploaded_by=by)
        try:
            outcome = lead_record(items=items, by=by, batch=batch, pack=pack, skip_known=True)
        except ValidationFailed as exc:
            raise DepartmentFileError([RowError(name, body[p.item][0] if p.item is not None else 0, "", p.field,
                                                p.value, p.message) for p in exc.problems]) from None
    return DepartmentImport(batch, outcome)
