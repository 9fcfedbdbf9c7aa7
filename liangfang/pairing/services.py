"""Pairing households with their responsible cadre (帮扶责任人): the one service every path calls.

A household has at most one open pairing; a new one closes the previous one on the day it starts,
moves the household's version on and writes one change record. The web form sets one household
(``cadre_pairing_set``, a batch of one, version-checked against the form it saw), automatic pairing
(``run.pairing_run``) sets many, and importing a workbook of pairing history
(``cadre_pairings_write_many``) writes the closed pairings it brings and opens the new ones through
the same ``cadre_pairings_set``; all run the same checks (``pairing_problems``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from ..audit.changelog import jsonable
from ..domain.problems import Problem, ValidationFailed
from ..domain.text import Text
from ..registry.models import Cadre, CadrePairing, ChangeRecord, Household
from ..registry.services.cadres import Row, _dates, _log
from ..registry.services.versions import household_claim


@dataclass(frozen=True)
class PairingInput:
    """Make ``cadre`` the household's responsible cadre from ``start_date``; ``expected_version``
    is the household's version the person saw (None in an automatic batch)."""

    household: Household
    cadre: Cadre
    start_date: dt.date
    expected_version: int | None = None


def pairing_problems(*, number: str, registered: bool, start_date: dt.date | None, current_start: dt.date | None,
                     item: int | None = None) -> list[Problem]:
    """Why a household cannot be paired from ``start_date`` (none: it can).

    >>> pairing_problems(number="H1", registered=True, start_date=dt.date(2018, 1, 1), current_start=None)
    []
    >>> [p.field for p in pairing_problems(number="H1", registered=False, start_date=dt.date(2018, 1, 1),
    ...                                    current_start=dt.date(2019, 1, 1))]
    ['household_number', 'start_date']
    """
    problems = []
    if not registered:
        problems.append(Problem("household_number", number, Text(
            f"农户 {number} 不是建档立卡户，无需结对", "only registered households are paired with a cadre"), item))
    if current_start is not None and start_date is not None and start_date < current_start:
        problems.append(Problem(
            "start_date", start_date.isoformat(),
            Text(f"开始日期不能早于现帮扶责任人的开始日期 {current_start}",
                 "the start date cannot be "
                 f"before the current pairing's start ({current_start})"), item))
    return problems


def cadre_pairing_set(*, household: Household, cadre: Cadre, start_date: dt.date, expected_version: int,
                      by: str) -> CadrePairing:
    """Make ``cadre`` the household's responsible cadre from ``start_date`` (a batch of one)."""
    return cadre_pairings_set([PairingInput(household, cadre, start_date, expected_version)], by=by)[0]


@transaction.atomic
def cadre_pairings_set(items: Sequence[PairingInput], *, by: str,
                       max_open_per_cadre: int | None = None) -> list[CadrePairing]:
    """Set the responsible cadre of every household of ``items``, all or nothing; returns each
    household's open pairing (the existing one when the cadre is already its cadre)."""
    ids = [item.household.pk for item in items]
    # Locked until the pairings are written: an import moving one of these households to another
    # village waits, then moves the new pairings with it (pairings_follow_households).
    rows = {pk: (registered, village) for pk, registered, village in Household.objects.select_for_update()
            .filter(pk__in=ids).values_list("id", "is_registered", "village_id")}
    current = {p.household_id: p for p in CadrePairing.objects.filter(household_id__in=ids, end_date=None)
               .select_related("cadre")}
    problems: list[Problem] = []
    seen: set[int] = set()
    for i, item in enumerate(items):
        where = None if len(items) == 1 else i
        number = item.household.number
        if item.household.pk in seen:
            problems.append(Problem("household_number", number, Text(f"农户 {number} 在本批中出现两次",
                                                                     "the household "
                                                                     "appears twice in the batch"), where))
        seen.add(item.household.pk)
        now = current.get(item.household.pk)
        problems += pairing_problems(number=number, registered=rows.get(item.household.pk, (False, 0))[0],
                                     start_date=item.start_date,
                                     current_start=now.start_date if now and now.cadre_id != item.cadre.pk else None,
                                     item=where)
    changing = [item for item in items if (p := current.get(item.household.pk)) is None or p.cadre_id != item.cadre.pk]
    if max_open_per_cadre is not None:
        load = Counter(CadrePairing.objects.filter(end_date=None, cadre_id__in={i.cadre.pk for i in changing})
                       .exclude(household_id__in=[i.household.pk for i in changing]).values_list("cadre_id", flat=True))
        load.update(item.cadre.pk for item in changing)
        problems += [Problem("cadre", item.cadre.name, Text(
            f"帮扶责任人结对 {load[item.cadre.pk]} 户，超过上限 {max_open_per_cadre} 户",
            f"the cadre would have {load[item.cadre.pk]} households, more than {max_open_per_cadre}"))
            for item in {i.cadre.pk: i for i in changing}.values() if load[item.cadre.pk] > max_open_per_cadre]
    if problems:
        raise ValidationFailed(problems)
    for item in changing:
        if item.expected_version is not None:
            household_claim(item.household, item.expected_version, at=timezone.now())
    unchecked = [item.household.pk for item in changing if item.expected_version is None]
    if unchecked:
        Household.objects.filter(pk__in=unchecked).update(version=F("version") + 1, updated_at=timezone.now())
    closing = []
    for item in changing:
        if (old := current.get(item.household.pk)) is not None:
            old.end_date = item.start_date
            closing.append(old)
    CadrePairing.objects.bulk_update(closing, ["end_date"])
    created = CadrePairing.objects.bulk_create([
        CadrePairing(household_id=item.household.pk, village_id=rows[item.household.pk][1], cadre=item.cadre,
                     start_date=item.start_date) for item in changing])
    if any(p.pk is None for p in created):  # a database that does not return keys from a bulk insert
        keys = dict(CadrePairing.objects.filter(household_id__in=[i.household.pk for i in changing], end_date=None)
                    .values_list("household_id", "id"))
        for p in created:
            p.pk = keys[p.household_id]
    ChangeRecord.objects.bulk_create([
        ChangeRecord(actor=by[:80], action="pair_cadre", entity="cadre_pairing", entity_id=pairing.pk,
                     household_number=item.household.number,
                     changes={"cadre": [old.cadre.name if (old := current.get(item.household.pk)) else None,
                                        item.cadre.name], "start_date": jsonable(item.start_date)})
        for item, pairing in zip(changing, created, strict=True)])
    made = {p.household_id: p for p in created}
    return [made.get(item.household.pk) or current[item.household.pk] for item in items]


def pairings_follow_households(household_ids: Collection[int]) -> int:
    """Give the pairings of these households their household's village again, after an import
    moved households to another village (a pairing keeps its household's village: the list's
    cadre filter reads a village's cadres by it). Returns the pairings updated."""
    if not household_ids:
        return 0
    village = Household.objects.filter(pk=OuterRef("household_id")).values("village_id")[:1]
    return CadrePairing.objects.filter(household_id__in=household_ids).update(village_id=Subquery(village))


@transaction.atomic
def cadre_pairings_write_many(rows: Sequence[Row], *, by: str, max_open_per_cadre: int | None = None) -> int:
    """Pair cadres (by resident ID) with registered households (by number); a household has at
    most one open pairing. Returns pairings created or changed."""
    cadres = dict(Cadre.objects.filter(
        resident_id__in={str(r.get("cadre") or "") for r in rows}).values_list("resident_id", "id"))
    households: dict[str, tuple[int, bool]] = {}
    village_of: dict[int, int] = {}
    # Locked until the pairings are written: an import moving one of these households to another
    # village waits, then moves the new pairings with it (pairings_follow_households), or runs first
    # and this reads the new village.
    for number, pk, registered, village in Household.objects.select_for_update().filter(
            number__in={str(r.get("household_number") or "") for r in rows}).values_list(
            "number", "id", "is_registered", "village_id"):
        households[number] = (pk, registered)
        village_of[pk] = village
    problems: list[Problem] = []
    keys: list[tuple[int, int, dt.date]] = []
    open_of: dict[int, int] = {}
    for i, row in enumerate(rows):
        cadre = cadres.get(str(row.get("cadre") or ""))
        if cadre is None:
            problems.append(Problem("cadre", row.get("cadre"), Text("帮扶责任人不存在，请先建立",
                                                                    "unknown cadre; "
                                                                    "create the cadre first"), i))
        number = str(row.get("household_number") or "")
        household, registered = households.get(number, (None, False))
        if household is None:
            problems.append(Problem("household_number", number, Text(f"农户 {number} 不存在", "unknown household"), i))
        else:
            problems += pairing_problems(number=number, registered=registered, start_date=None, current_start=None,
                                         item=i)
        start, end = _dates(row, i, problems)
        if household and end is None and open_of.setdefault(household, i) != i:
            problems.append(Problem("household_number", number, Text(f"农户 {number} 在本批中有两条未结束的结对",
                                                                     "the household has two open pairings in the "
                                                                     "batch"), i))
        keys.append((cadre or 0, household or 0, start or dt.date.min))
    if not problems:
        problems += _open_elsewhere(rows, keys, open_of)
    if not problems and max_open_per_cadre is not None:
        problems += _overloaded(rows, keys, max_open_per_cadre)
    if problems:
        raise ValidationFailed(problems)
    existing = {(p.cadre_id, p.household_id, p.start_date): p for p in CadrePairing.objects.filter(
        household_id__in=[k[1] for k in keys])}
    numbers = {pk: number for number, (pk, _) in households.items()}
    new, changed, records, created, opening = [], [], [], [], []
    for row, key in zip(rows, keys, strict=True):
        current, end = existing.get(key), row.get("end_date")
        if current is None and end is None:
            opening.append(key)  # opened below by the one pairing service
        elif current is None:  # a pairing of the past, closed: a record of history
            new.append(CadrePairing(cadre_id=key[0], household_id=key[1], village_id=village_of[key[1]],
                                    start_date=key[2], end_date=end))
            created.append(_log(by, "pair_cadre", "cadre_pairing", None, numbers[key[1]],
                                {"cadre": row["cadre"], "start_date": key[2], "end_date": end}))
        elif current.end_date != end:
            records.append(_log(by, "update_cadre_pairing", "cadre_pairing", current.pk, numbers[key[1]],
                                {"end_date": [jsonable(current.end_date), jsonable(end)]}))
            current.end_date = end
            changed.append(current)
    CadrePairing.objects.bulk_create(new)
    if any(p.pk is None for p in new):  # a database that does not return keys from a bulk insert
        keys_of = {(p.cadre_id, p.household_id, p.start_date): p.pk for p in CadrePairing.objects.filter(
            household_id__in=[p.household_id for p in new])}
        for p in new:
            p.pk = keys_of[(p.cadre_id, p.household_id, p.start_date)]
    for pairing, record in zip(new, created, strict=True):
        record.entity_id = pairing.pk
    records += created
    CadrePairing.objects.bulk_update(changed, ["end_date"])  # closed first: a new open one may follow
    ChangeRecord.objects.bulk_create(records)
    # A pairing written is a change of the household, as ``cadre_pairings_set`` counts it (and does
    # for the ones it opens).
    opened = {household for _, household, _ in opening}
    touched = {p.household_id for p in (*new, *changed)} - opened
    if touched:
        Household.objects.filter(pk__in=touched).update(version=F("version") + 1, updated_at=timezone.now())
    if opening:
        cadre_of = Cadre.objects.in_bulk({cadre for cadre, _, _ in opening})
        household_of = Household.objects.in_bulk(opened)
        cadre_pairings_set([PairingInput(household_of[household], cadre_of[cadre], start)
                            for cadre, household, start in opening], by=by)
    return len(new) + len(changed) + len(opening)


def _open_elsewhere(rows: Sequence[Row], keys: Sequence[tuple[int, int, dt.date]],
                    open_of: Mapping[int, int]) -> list[Problem]:
    """Open pairings already in the database that the batch would duplicate."""
    problems = []
    for cadre, household, start in CadrePairing.objects.filter(
            household_id__in=list(open_of), end_date__isnull=True).values_list("cadre_id", "household_id",
                                                                                "start_date"):
        i = open_of[household]
        if (cadre, household, start) != keys[i]:
            problems.append(Problem("household_number", rows[i].get("household_number"),
                                    Text("该户已有未结束的结对，请先填写原结对的结束日期",
                                         "the household already has "
                                         "an open pairing; end it first"), i))
    return problems


def _overloaded(rows: Sequence[Row], keys: Sequence[tuple[int, int, dt.date]], limit: int) -> list[Problem]:
    counts: dict[int, set[int]] = {}
    for (cadre, household, _), row in zip(keys, rows, strict=True):
        if row.get("end_date") is None:
            counts.setdefault(cadre, set()).add(household)
    for cadre, household in CadrePairing.objects.filter(
            cadre_id__in=list(counts), end_date__isnull=True).values_list("cadre_id", "household_id"):
        counts[cadre].add(household)
    first_row: dict[int, int] = {}
    for i, (cadre, _, _) in enumerate(keys):
        first_row.setdefault(cadre, i)
    return [Problem("cadre", rows[first_row[c]].get("cadre"), Text(
                f"帮扶责任人结对 {len(hs)} 户，超过上限 {limit} 户",
                f"the cadre would have {len(hs)} households, more than {limit}"), first_row[c])
            for c, hs in counts.items() if len(hs) > limit]
