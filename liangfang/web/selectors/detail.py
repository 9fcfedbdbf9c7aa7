"""Everything the household page shows, read in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F

from ...prepared import Prepared
from ...registry.models import CadrePairing, ChangeRecord, Household, IncomeRecord, Member, Region

HISTORY_LIMIT = 50


@dataclass
class HouseholdPage:
    household: Household
    path: list[Region]  # county → township → village
    members: list[Member]
    former_members: list[Member]
    incomes: list[IncomeRecord]  # newest first
    pairings: list[CadrePairing]  # current first
    history: list[ChangeRecord]

    @property
    def head(self) -> Member | None:
        return next((m for m in self.members if m.relation == "head"), None)

    @property
    def cadre_pairing(self) -> CadrePairing | None:
        return next((p for p in self.pairings if p.end_date is None), None)


def region_path(region: Region, top: Region) -> list[Region]:
    """Regions from ``top`` down to ``region`` (one query: codes share their ancestors' prefixes)."""
    from ...registry.selectors import significant_prefix

    widths = {"county": 6, "township": 9, "village": 12}
    if region.level not in widths:
        return [region]
    wanted = [region.code[:n].ljust(12, "0") for n in widths.values() if n <= widths[region.level]]
    found = {r.code: r for r in Region.objects.filter(code__in=wanted)}
    top_prefix = significant_prefix(top)
    return [found[c] for c in wanted if c in found and c.startswith(top_prefix)
            and len(significant_prefix(found[c])) >= len(top_prefix)]


def village_path(village: Region, top: Region) -> list[Region]:
    """County → township → village from the village's loaded parents, cut at ``top``."""
    from ...registry.selectors import significant_prefix

    chain = [village]
    while chain[-1].parent_id is not None and chain[-1].level != top.level and len(chain) < 3:
        parent = chain[-1].parent
        assert parent is not None
        chain.append(parent)
    prefix = significant_prefix(top)
    return [r for r in reversed(chain) if r.code.startswith(prefix)
            and len(significant_prefix(r)) >= len(prefix)]


_MEMBERS = Prepared(lambda household_id: Member.objects.filter(household_id=household_id).order_by("-is_active", "id"))
_INCOMES = Prepared(lambda household_id: IncomeRecord.objects.filter(household_id=household_id).order_by("-year"))
_PAIRINGS = Prepared(lambda household_id: CadrePairing.objects.filter(household_id=household_id).select_related("cadre")
                     .order_by(F("end_date").desc(nulls_first=True), "-start_date"))
_HISTORY = Prepared(lambda number: ChangeRecord.objects.filter(household_number=number)
                    .order_by("-at", "-id")[:HISTORY_LIMIT])


def household_page(household: Household, top: Region) -> HouseholdPage:
    members = _MEMBERS.all(household_id=household.pk)
    return HouseholdPage(
        household=household,
        path=village_path(household.village, top),
        members=[m for m in members if m.is_active],
        former_members=[m for m in members if not m.is_active],
        incomes=_INCOMES.all(household_id=household.pk),
        pairings=_PAIRINGS.all(household_id=household.pk),
        history=_HISTORY.all(number=household.number),
    )
