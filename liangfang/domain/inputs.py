"""The input dataclasses of the registry's batch writes (no Django): what an import, the synthetic
district and a delivery hand to ``registry.services.bulk.write_many``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class HouseholdInput:
    """One household with its members and incomes, values already cleaned by the field table."""

    village_code: str
    household: dict[str, Any]
    members: list[dict[str, Any]]
    incomes: list[dict[str, Any]] = field(default_factory=list)  # each with "year"
