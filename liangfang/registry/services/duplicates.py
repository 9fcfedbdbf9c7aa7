"""A resident ID typed for a person who is already an active member of another household. The
editor is told only that the ID is registered elsewhere (they may not see that household, in
another village or township); the case is written into the holding household's change history,
where the people who may see that household — its village, township and the county office — find it."""

from __future__ import annotations

from collections.abc import Iterable

from ...audit.changelog import record_change
from ...domain.problems import RESIDENT_ID_TAKEN, Problem
from ..models import ChangeRecord, Member

ACTION = "duplicate_resident_id"


def duplicate_id_report(*, problems: Iterable[Problem], attempted_in: str, by: str) -> list[ChangeRecord]:
    """Record each RESIDENT_ID_TAKEN problem against the household that holds the person (run it
    after the refused write, outside its rolled-back transaction)."""
    taken = {str(p.value) for p in problems if p.code == RESIDENT_ID_TAKEN and p.value}
    records = []
    for member_id, rid, number in (Member.objects.filter(resident_id__in=taken, is_active=True)
                                   .exclude(household__number=attempted_in)
                                   .values_list("pk", "resident_id", "household__number")):
        records.append(record_change(by=by, action=ACTION, entity="member", entity_id=member_id,
                                     household_number=number,
                                     changes={"resident_id": rid, "attempted_in": attempted_in}))
    return records
