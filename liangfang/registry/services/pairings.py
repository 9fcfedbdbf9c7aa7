"""Pairing a household with its responsible cadre (帮扶责任人). A household has at most one open
pairing; a new one closes the previous one on the day it starts. Version-checked like every
household write, so two people re-pairing one household never overwrite each other."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db import transaction
from django.db.models import OuterRef, Subquery

from ..models import Cadre, CadrePairing, Household
from .changelog import record_change
from .errors import Problem, ValidationFailed
from .households import _bump


@transaction.atomic
def cadre_pairing_set(*, household: Household, cadre: Cadre, start_date: dt.date, expected_version: int,
                      by: str) -> CadrePairing:
    """Make ``cadre`` the household's responsible cadre from ``start_date``."""
    current = CadrePairing.objects.filter(household=household, end_date=None).select_related("cadre").first()
    if current is not None and current.cadre_id == cadre.pk:
        return current
    if current is not None and start_date < current.start_date:
        raise ValidationFailed([Problem(
            "start_date", start_date.isoformat(),
            f"开始日期不能早于现帮扶责任人的开始日期 {current.start_date} / the start date cannot be "
            f"before the current pairing's start ({current.start_date})")])
    _bump(household, expected_version, {})
    if current is not None:
        current.end_date = start_date
        current.save(update_fields=["end_date"])
    pairing = CadrePairing.objects.create(household=household, village_id=household.village_id, cadre=cadre,
                                          start_date=start_date)
    record_change(by=by, action="pair_cadre", entity="cadre_pairing", entity_id=pairing.pk,
                  household_number=household.number,
                  changes={"cadre": [current.cadre.name if current else None, cadre.name],
                           "start_date": start_date})
    return pairing


def pairings_follow_households(household_ids: Collection[int]) -> int:
    """Give the pairings of these households their household's village again, after an import
    moved households to another village (a pairing keeps its household's village: the list's
    cadre filter reads a village's cadres by it). Returns the pairings updated."""
    if not household_ids:
        return 0
    village = Household.objects.filter(pk=OuterRef("household_id")).values("village_id")[:1]
    return CadrePairing.objects.filter(household_id__in=household_ids).update(village_id=Subquery(village))
