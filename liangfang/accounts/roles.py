"""The four roles and what each may see and do. One table, read by the permission checks, the
masking of sensitive values, the forms and the export.

| role              | region level        | edits | resident ID | phone  | bank account | health |
|-------------------|---------------------|-------|-------------|--------|--------------|--------|
| county_admin      | county (or above)   | yes   | full        | full   | full         | shown  |
| township_reviewer | township            | yes   | masked      | full   | masked       | shown  |
| village_cadre     | village             | yes   | full        | full   | masked       | shown  |
| inspector         | any                 | no    | masked      | masked | hidden       | hidden |

Why: the county office pays transfers and reconciles identities, so it needs everything. A village
cadre records members on visits (the resident ID is typed in and checked against the household) and
calls the household, but payments are the county's business. A township reviewer checks plans and
data quality, which the system's own ID validation covers, so the number is masked. An inspector
draws samples and checks facts in the field: a name and a masked number identify a person;
health and payment details are not needed and stay hidden. "Health" covers members' health and
disability, health risk factors and health measures with what was typed on them, and what was
found on visits (free text that often names an illness); an inspector still sees that a visit was
made, when and by whom.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Visibility = Literal["full", "masked", "hidden"]


@dataclass(frozen=True)
class Role:
    code: str
    zh: str
    en: str
    levels: tuple[str, ...]  # region levels an account with this role may be attached to
    can_edit: bool
    resident_id: Visibility
    phone: Visibility
    bank_account: Visibility
    health: bool
    # may import over changes made to households after the file was exported (--override-stale):
    # the county office, which settles who is right when a file and a page disagree
    can_override_stale: bool = False

    def label(self, lang: str) -> str:
        return self.zh if lang.startswith("zh") else self.en


COUNTY_ADMIN = "county_admin"
TOWNSHIP_REVIEWER = "township_reviewer"
VILLAGE_CADRE = "village_cadre"
INSPECTOR = "inspector"

ROLES: dict[str, Role] = {
    r.code: r
    for r in (
        Role(COUNTY_ADMIN, "区（县）管理员", "county administrator",
             ("province", "city", "county"), True, "full", "full", "full", True, can_override_stale=True),
        Role(TOWNSHIP_REVIEWER, "乡镇审核员", "township reviewer",
             ("township",), True, "masked", "full", "masked", True),
        Role(VILLAGE_CADRE, "村干部", "village cadre",
             ("village",), True, "full", "full", "masked", True),
        Role(INSPECTOR, "只读检查员", "read-only inspector",
             ("province", "city", "county", "township", "village"), False,
             "masked", "masked", "hidden", False),
    )
}

ROLE_CHOICES = [(r.code, f"{r.zh} {r.en}") for r in ROLES.values()]


def role(code: str) -> Role:
    return ROLES[code]
