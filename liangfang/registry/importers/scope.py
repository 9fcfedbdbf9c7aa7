"""An import limited to one region (the web's: a user imports only into the region of their login):
every household must lie in it now and after the import, and every region row must be inside it.
Each refusal is an ordinary import issue naming the sheet, row, column and value."""

from __future__ import annotations

from ...domain.text import Text
from ..models import Household, Region
from .grouping import ParsedFile
from .issues import Issue
from .workbook import MEMBERS_SHEET, REGIONS_SHEET


def _unchanged_ancestors(within: Region) -> dict[str, dict[str, object]]:
    """The regions above ``within`` as an export writes them (code to values): an export of a region
    carries its ancestors so that it imports into an empty database, and reading such a file back
    into the same region must not be refused for them."""
    out: dict[str, dict[str, object]] = {}
    node = within.parent
    while node is not None:
        out[node.code] = {"name": node.name, "level": node.level,
                          "parent_code": node.parent.code if node.parent is not None else "",
                          "is_poor_village": node.is_poor_village, "exit_year": node.exit_year,
                          "is_western": node.is_western}
        node = node.parent
    return out


def _same(row: dict[str, object], stored: dict[str, object]) -> bool:
    return all(str(row.get(k) or "") == str(v or "") for k, v in stored.items())


def outside_region(parsed: ParsedFile, prefix: str, region_name: str, within: Region | None = None) -> list[Issue]:
    """Issues for the rows of ``parsed`` that would write outside the region whose codes start with
    ``prefix``: a household in (or moving from) a village outside it, a region row outside it (a row
    of one of ``within``'s ancestors exactly as stored is let through: writing it changes nothing)."""
    issues: list[Issue] = []
    ancestors = _unchanged_ancestors(within) if within is not None else {}
    members = parsed.sheets.get(MEMBERS_SHEET)
    groups = list(parsed.households.values())
    now = dict(Household.objects.filter(number__in=[g.number for g in groups])
               .values_list("number", "village__code"))
    for g in groups:
        code = str(g.household.get("village_code") or "")
        current = now.get(g.number)
        bad = code if code and not code.startswith(prefix) else (
            current if current and not current.startswith(prefix) else None)
        if bad is None:
            continue
        letter, header = members.place("household", "village_code") if members else ("", "")
        issues.append(Issue(
            MEMBERS_SHEET, g.first_row, letter, header, bad, Text(
                f"户 {g.number} 的行政村 {bad} 不在您的区划 {region_name} 内：只能导入本区划的农户",
                f"household {g.number} is in village {bad}, outside your region {region_name}: import only "
                "your region's households")))
        parsed.bad_rows.add((MEMBERS_SHEET, g.first_row))
    regions = parsed.sheets.get(REGIONS_SHEET)
    for row, region in zip(parsed.region_rows, parsed.regions, strict=False):
        code = str(region.get("code") or "")
        if code in ancestors and _same(region, ancestors[code]):
            continue
        if code and not code.startswith(prefix):
            letter, header = regions.place("region", "code") if regions else ("", "")
            issues.append(Issue(REGIONS_SHEET, row, letter, header, code,
                                Text(f"区划 {code} 不在您的区划 {region_name} 内",
                                     f"region {code} is outside your region {region_name}")))
            parsed.bad_rows.add((REGIONS_SHEET, row))
    return issues
