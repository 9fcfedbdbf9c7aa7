"""A household's version: every write that changes the household, its members, its incomes or its
pairing moves it on by one, and only from the version the writer read (optimistic concurrency). This
is the one check, for a form's save (a batch of one) and for a batch: someone else's newer change is
refused, never silently overwritten."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping

from django.db.models import F

from ...domain.problems import Conflict, ConflictError, NotFound
from ...domain.text import Text
from ..models import ChangeRecord, Household

_CHUNK = 5000


def versions_move(expected: Mapping[int, int], *, at: dt.datetime) -> dict[int, int | None]:
    """Move each household's version on by one where it is still ``expected[pk]``, stamping it
    ``at``. Returns the households refused -- moved on by someone else since -- with their current
    version (None: the household is gone); nothing is returned when every one moved. The caller
    raises on a refusal, so that its transaction writes nothing."""
    by_version: dict[int, list[int]] = defaultdict(list)
    for pk, version in expected.items():
        by_version[version].append(pk)
    moved = 0
    for version, pks in by_version.items():
        for start in range(0, len(pks), _CHUNK):
            moved += Household.objects.filter(pk__in=pks[start:start + _CHUNK], version=version).update(
                version=F("version") + 1, updated_at=at)
    if moved == len(expected):
        return {}
    # The ones moved here carry ``at``; the others were changed by someone else (or are gone).
    pks = list(expected)
    now: dict[int, tuple[int, dt.datetime]] = {}
    for start in range(0, len(pks), _CHUNK):
        now.update((pk, (version, when)) for pk, version, when in Household.objects.filter(
            pk__in=pks[start:start + _CHUNK]).values_list("pk", "version", "updated_at"))
    return {pk: (now[pk][0] if pk in now else None) for pk in pks if pk not in now or now[pk][1] != at}


def household_conflict(household: Household, expected: int, current: int | None) -> ConflictError | NotFound:
    """The error for a save refused because ``household`` moved on from ``expected``: what changed
    since the household was read (its ``updated_at`` as the caller saw it)."""
    if current is None:
        return NotFound(Text(f"农户 {household.number} 不存在", "household not found"))
    since = ChangeRecord.objects.filter(household_number=household.number, at__gte=household.updated_at
                                        ).order_by("at", "id")
    return ConflictError(Conflict(
        household_number=household.number, expected_version=expected, current_version=current,
        changes=[{"at": r.at.isoformat(), "by": r.actor, "action": r.action, "entity": r.entity,
                  "changes": r.changes} for r in since]))


def household_claim(household: Household, expected: int, *, at: dt.datetime) -> None:
    """Move one household's version on from ``expected``, or raise the conflict (a batch of one)."""
    refused = versions_move({household.pk: expected}, at=at)
    if refused:
        raise household_conflict(household, expected, refused[household.pk])
    household.version = expected + 1
