"""The input dataclasses of the registry's batch writes (no Django): what an import, the synthetic
district, a delivery and the single-item services (a batch of one) hand to
``registry.services.bulk.write_many``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class HouseholdInput:
    """One household with its members and incomes, values already cleaned by the field table."""

    village_code: str
    household: dict[str, Any]
    members: list[dict[str, Any]]
    incomes: list[dict[str, Any]] = field(default_factory=list)  # each with "year"
    # the household's version when the file was exported (an export's 版本 sheet): a household
    # changed since then is not overwritten unless the caller says so (``write_many``'s override)
    expected_version: int | None = None
    exported_at: dt.datetime | None = None
    # members absent from ``members`` leave for "other" today, unless given here: resident ID ->
    # (member_left_reason code, date), as a removal (减员) says when and why
    leaving: dict[str, tuple[str, dt.date]] = field(default_factory=dict)
    # a member whose resident ID is corrected: new resident ID -> the one stored (members are
    # otherwise matched by their resident ID)
    renamed: dict[str, str] = field(default_factory=dict)
