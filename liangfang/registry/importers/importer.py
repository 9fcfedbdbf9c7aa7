"""Importing a registry file: read, clean and group every row, then write regions, facilities and
households in ONE transaction through the services — all or nothing. Problems the services find
are mapped back to the sheet, Excel row and column they came from.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from django.db import connection, transaction
from django.utils import timezone

from ...domain.problems import Problem, ValidationFailed
from ...domain.text import Text
from ..models import Region
from ..services.bulk import BulkReport, HouseholdInput, validate_many, write_many
from ..services.checks import check_household, check_members
from ..services.regions import regions_write_many, village_facilities_write_many
from ..services.stale import override_reason_checked
from .errorbook import error_workbook_path, write_error_workbook
from .grouping import HouseholdRows, ParsedFile, parse_file
from .issues import Issue
from .readers import FileData, ImportFileError, read_file
from .workbook import (
    FACILITIES_SHEET,
    INCOMES_SHEET,
    MEMBERS_SHEET,
    REGIONS_SHEET,
    VERSIONS_HEADER,
    VERSIONS_SHEET,
)


class ImportProgress(Protocol):
    """What a caller (the CLI's progress bar) may pass to follow an import: phases are
    "read", "check" (rows) and "write" (households)."""

    def start(self, phase: str, total: int) -> None: ...

    def advance(self, n: int) -> None: ...


class _Quiet:
    def start(self, phase: str, total: int) -> None:
        pass

    def advance(self, n: int) -> None:
        pass


@dataclass
class ImportResult:
    path: Path
    rows: int = 0
    households: int = 0
    issues: list[Issue] = field(default_factory=list)
    report: BulkReport | None = None
    regions_created: int = 0
    regions_updated: int = 0
    facilities_written: int = 0
    written: bool = False
    error_workbook: Path | None = None
    # members absent from the file would be marked as left, and the caller did not allow it: nothing
    # was written; ``report.left`` lists them
    removals_refused: bool = False

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]


class _Rollback(Exception):
    pass


def import_file(path: Path, *, by: str, dry_run: bool = False, errors_to: Path | None = None,
                write_errors: bool = True, progress: ImportProgress | None = None,
                override_stale: bool = False, within: Region | None = None,
                removals_allowed: bool = True, override_reason: str = "") -> ImportResult:
    """Import ``path`` (xlsx or csv). Raises ImportFileError when the file as a whole is unusable;
    otherwise returns the result, with every row problem in ``issues`` and nothing written if
    there was any error. An error workbook is written beside the input (or to ``errors_to``).
    A household changed after the file was exported (an export's 版本 sheet) is an error unless
    ``override_stale``, which needs ``override_reason`` (then the change log says who and why;
    ImportFileError before anything is read when the reason is missing).
    ``within``: every household and region row must lie in this region (the web's imports).
    ``removals_allowed=False``: if current members missing from the file would be marked as left
    (减员), write nothing and say who (``removals_refused``, ``report.left``)."""
    if override_stale:
        try:
            override_reason = override_reason_checked(override_reason)
        except ValidationFailed as exc:
            raise ImportFileError(exc.problems[0].message) from None
    with _no_cycle_collector():
        return _import(path, by=by, dry_run=dry_run, errors_to=errors_to, write_errors=write_errors,
                       progress=progress or _Quiet(), override_stale=override_stale, within=within,
                       removals_allowed=removals_allowed, override_reason=override_reason)


@contextmanager
def _no_cycle_collector() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the import. Reading and cleaning a 100,000-row
    file allocates millions of cells, tuples and dicts, none of them in reference cycles, and
    each few hundred allocations set off a collection pass over them: about a quarter of the
    cleaning time. Memory is still freed by reference counting."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import(path: Path, *, by: str, dry_run: bool, errors_to: Path | None, write_errors: bool,
            progress: ImportProgress, override_stale: bool = False, within: Region | None = None,
            removals_allowed: bool = True, override_reason: str = "") -> ImportResult:
    progress.start("read", 0)
    data = read_file(path)
    sheet = data.sheets.get(MEMBERS_SHEET) or max(data.sheets.values(), key=lambda s: len(s.rows), default=None)
    progress.start("check", max(len(sheet.rows) - 1, 0) if sheet else 0)
    parsed = parse_file(data, progress=progress.advance)
    result = ImportResult(path=path, rows=parsed.member_rows, households=len(parsed.households))
    issues = parsed.issues
    if within is not None:
        from ..selectors import significant_prefix
        from .scope import outside_region

        issues += outside_region(parsed, significant_prefix(within), within.name, within)
    groups = [g for g in parsed.households.values() if not g.bad]
    _roomy_cache()
    try:
        with transaction.atomic():
            region_failed = _write_regions(parsed, result, by, issues)
            items = [g.to_input() for g in groups]
            _exported_versions(data, items, issues)
            if any(i.is_error for i in issues):
                issues += _map(parsed, groups, validate_many(items), region_failed)
                issues += _check_failed_households(parsed, region_failed)
                raise _Rollback
            progress.start("write", len(items))
            try:
                result.report = write_many(items, by=by, note=f"导入 {path.name}"[:200],
                                           progress=progress.advance, override_stale=override_stale,
                                           override_reason=override_reason)
            except ValidationFailed as exc:
                issues += _map(parsed, groups, exc.problems, region_failed)
                raise _Rollback from None
            result.written = not dry_run
            if result.report.left and not removals_allowed:
                result.removals_refused, result.written = True, False
                raise _Rollback
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    result.issues = sorted(issues, key=_order)
    if result.errors:
        result.written = False
        result.report = result.report if dry_run else None
        if write_errors:
            target = errors_to or error_workbook_path(path)
            try:
                result.error_workbook = write_error_workbook(parsed, result.issues, target)
            except OSError as exc:
                result.issues.append(Issue("", None, "", "", str(target), Text(
                    f"无法写入错误工作簿 {target}：{exc}；可用 --errors 指定其他位置",
                    f"cannot write the error workbook: {exc}; choose another place with --errors"), "warning"))
    return result


def _exported_versions(data: FileData, items: list[HouseholdInput], issues: list[Issue]) -> None:
    """Each household's version from an export's 版本 sheet, if the file has one."""
    sheet = data.sheets.get(VERSIONS_SHEET)
    if sheet is None or not sheet.rows:
        return
    header = [str(c or "").strip() for c in sheet.rows[0]]
    if header[:2] != list(VERSIONS_HEADER[:2]):
        return
    found: dict[str, tuple[int, dt.datetime | None]] = {}
    for number, row in enumerate(sheet.rows[1:], start=2):
        key, version = row[0], row[1] if len(row) > 1 else None
        at = row[2] if len(row) > 2 and isinstance(row[2], dt.datetime) else None
        if key in (None, "") and version in (None, ""):
            continue
        try:
            found[str(key).strip()] = (int(str(version).removesuffix(".0")), at)
        except ValueError:
            issues.append(Issue(VERSIONS_SHEET, number, "B", VERSIONS_HEADER[1], version,
                                Text("版本应为整数；这张表由导出生成，请勿修改",
                                     "a version is a whole number; this sheet is written by the export, "
                                     "leave it as it is")))
    for item in items:
        exported = found.get(str(item.household["number"]))
        if exported is not None:
            item.expected_version, exported_at = exported
            item.exported_at = timezone.make_aware(exported_at) if exported_at is not None else None


def _roomy_cache() -> None:
    """A 64 MiB page cache for SQLite (default 2 MiB): a county's member and ID indexes stay in
    memory while a file is written, about a quarter less time for 100,000 rows."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -65536")


_SHEET_ORDER = {MEMBERS_SHEET: 0, INCOMES_SHEET: 1, REGIONS_SHEET: 2, FACILITIES_SHEET: 3}


def _order(issue: Issue) -> tuple[int, int, int, str]:
    return (0 if issue.is_error else 1, _SHEET_ORDER.get(issue.sheet, 9), issue.row or 0,
            issue.column.rjust(3))


def _write_regions(parsed: ParsedFile, result: ImportResult, by: str, issues: list[Issue]) -> bool:
    """Write the region and facility sheets inside the import's transaction; True if they failed
    (then unknown-village errors for their villages would only repeat the cause)."""
    bad_sheet = {sheet for sheet, _ in parsed.bad_rows}
    if REGIONS_SHEET in bad_sheet:
        return True
    if parsed.regions:
        try:
            result.regions_created, result.regions_updated = regions_write_many(parsed.regions, by=by)
        except ValidationFailed as exc:
            issues += _map_rows(parsed, REGIONS_SHEET, "region", parsed.region_rows, exc.problems)
            return True
    if parsed.facilities and FACILITIES_SHEET not in bad_sheet:
        try:
            result.facilities_written = village_facilities_write_many(parsed.facilities, by=by)
        except ValidationFailed as exc:
            issues += _map_rows(parsed, FACILITIES_SHEET, "facility", parsed.facility_rows, exc.problems)
    return False


def _map_rows(parsed: ParsedFile, sheet: str, group: str, rows: list[int],
              problems: list[Problem]) -> list[Issue]:
    columns = parsed.sheets[sheet]
    out = []
    for p in problems:
        row = rows[p.item] if p.item is not None else None
        letter, header = columns.place(group, p.field)
        value = columns.raw(row, group, p.field) if row and letter else p.value
        out.append(Issue(sheet, row, letter, header, value, p.message))
    return out


def _check_failed_households(parsed: ParsedFile, region_failed: bool) -> list[Issue]:
    """Households with a failed cell are not sent to the services, but the pure household and
    member rules still run on what did clean, so that one round shows every error. A problem
    about a field whose cell failed in that household is dropped: it would only repeat the cause."""
    bad = [g for g in parsed.households.values() if g.bad]
    problems: list[Problem] = []
    for i, g in enumerate(bad):
        found = check_members(g.members, item=i)
        if not any(key.startswith("household.") for key in g.failed):
            found += check_household(g.household, item=i)
        for p in found:
            group = "member" if p.member is not None or p.field in ("relation", "members") else "household"
            if f"{group}.{p.field}" not in g.failed:
                problems.append(p)
    return _map(parsed, bad, problems, region_failed)


def _map(parsed: ParsedFile, groups: list[HouseholdRows], problems: list[Problem],
         region_failed: bool) -> list[Issue]:
    """Services' problems (item = household index, member = index within it) → sheet cells."""
    members = parsed.sheets[MEMBERS_SHEET]
    region_codes = {r.get("code") for r in parsed.regions}
    out: list[Issue] = []
    for p in problems:
        if p.item is None:
            out.append(Issue(MEMBERS_SHEET, None, "", p.field, p.value, p.message))
            continue
        g = groups[p.item]
        if p.field == "village_code" and region_failed and p.value in region_codes:
            continue  # the region sheet's own error says why
        if p.field == "year" and INCOMES_SHEET in parsed.sheets:
            rows = [r for r, inc in zip(g.income_rows, g.incomes, strict=True) if inc.get("year") == p.value]
            incomes = parsed.sheets[INCOMES_SHEET]
            letter, header = incomes.place("income", "year")
            out.append(Issue(INCOMES_SHEET, rows[-1] if rows else None, letter, header, p.value, p.message))
            continue
        if p.member is not None:
            row, group = g.rows[p.member], "member"
        else:
            row = g.first_row
            group = "household" if p.field in g.household or p.field not in ("relation", "members") else "member"
            if p.field == "members":
                p = Problem("relation", p.value, p.message, p.item, p.member)
        letter, header = members.place(group, p.field)
        from_cell = letter and (p.member is not None or group == "household")
        value = members.raw(row, group, p.field) if from_cell else p.value
        message = p.message
        if p.member is None and len(g.rows) > 1 and group == "household":
            zh, en = (message.zh, message.en) if isinstance(message, Text) else (message, message)
            message = Text(f"{zh}（该户在第 {g.rows[0]}–{g.rows[-1]} 行）",
                           f"{en} (the household spans rows {g.rows[0]}–{g.rows[-1]})")
        out.append(Issue(MEMBERS_SHEET, row, letter, header, value, message))
        parsed.bad_rows.add((MEMBERS_SHEET, row))
    return out
