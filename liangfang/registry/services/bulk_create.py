"""Creating many new households fast (a synthetic district, a first import of a county): the same
validation as ``bulk.write_many``, then plain multi-row inserts instead of the ORM's per-object
work, in one transaction, so a batch lands whole or not at all.

Every household of the batch must be new (its number not yet in the registry); use
``write_many`` to update. Primary keys are reserved up front (PostgreSQL: from the table's
sequence; SQLite: above the table's highest key, under the write lock of the transaction), so
members and incomes can point at their households without reading anything back. The change log
gets one "create" record per household, as with ``write_many``.

Rows go through ``inserts.RowWriter`` (``executemany`` on SQLite, ``COPY`` on PostgreSQL), as
they do in ``write_many``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from itertools import islice

from django.db import transaction
from django.utils import timezone

from ...domain.problems import Problem, ValidationFailed
from ...domain.text import Text
from ..models import ChangeRecord, Household, IncomeRecord, Member, Region
from .bulk import BulkReport, HouseholdInput, Progress, validate_many
from .inserts import RowWriter, large_cache

CHUNK = 5000  # households per insert round (and per progress step)


def create_many(items: Sequence[HouseholdInput], *, by: str, note: str = "",
                progress: Progress | None = None) -> BulkReport:
    """Validate the whole batch, refuse households that already exist, then insert everything in
    one transaction; raise ValidationFailed (nothing written) on any problem."""
    problems = validate_many(items)
    numbers = [item.household["number"] for item in items]
    for start in range(0, len(numbers), CHUNK):
        chunk = numbers[start:start + CHUNK]
        known = set(Household.objects.filter(number__in=chunk).values_list("number", flat=True))
        problems += [Problem("number", n, Text(f"户编号 {n} 已存在；更新已有农户请用导入（write_many）",
                                               f"household {n} already exists; update existing households "
                                               "with write_many"), start + i)
                     for i, n in enumerate(chunk) if n in known]
    if problems:
        raise ValidationFailed(problems)
    report = BulkReport()
    villages = dict(Region.objects.filter(
        code__in={item.village_code for item in items}).values_list("code", "id"))
    with transaction.atomic(), large_cache():
        writer = RowWriter()
        keys = _Keys(writer, items)
        try:
            pending: list[tuple[int, list[Future[None]]]] = []
            for start in range(0, len(items), CHUNK):
                part = items[start:start + CHUNK]
                pending.append((len(part), _insert_chunk(writer, keys, part, villages, report, by, note)))
                # PostgreSQL writes one chunk while the next is prepared; no more in flight.
                while len(pending) > 1:
                    _wait(pending.pop(0), progress)
            while pending:
                _wait(pending.pop(0), progress)
            writer.finish()
        finally:
            writer.close()
    return report


def _wait(done: tuple[int, list[Future[None]]], progress: Progress | None) -> None:
    count, jobs = done
    for job in jobs:
        job.result()
    if progress:
        progress(count)


class _Keys:
    """Primary keys for the whole batch, reserved before anything is written."""

    def __init__(self, writer: RowWriter, items: Sequence[HouseholdInput]) -> None:
        self.households = iter(writer.reserve(Household, len(items)))
        self.members = iter(writer.reserve(Member, sum(len(item.members) for item in items)))
        self.incomes = iter(writer.reserve(IncomeRecord, sum(len(item.incomes) for item in items)))

    @staticmethod
    def take(keys: Iterator[int], count: int) -> list[int]:
        return list(islice(keys, count))


def _insert_chunk(writer: RowWriter, keys: _Keys, chunk: Sequence[HouseholdInput], villages: dict[str, int],
                  report: BulkReport, by: str, note: str) -> list[Future[None]]:
    now = timezone.now()
    household_ids = keys.take(keys.households, len(chunk))
    member_ids = keys.take(keys.members, sum(len(item.members) for item in chunk))
    income_ids = keys.take(keys.incomes, sum(len(item.incomes) for item in chunk))
    # Blank values (None) are not mapped here as ``storable`` maps them one by one: the writer
    # gives None in a NOT NULL column the field's default ("" for text, the model's default
    # code otherwise), which is the same mapping, column by column. The input dicts are read,
    # not copied; keys and foreign keys travel as separate columns.
    n = len(chunk)
    households = [item.household for item in chunk]
    members = [m for item in chunk for m in item.members]
    incomes = [i for item in chunk for i in item.incomes]
    member_home = [pk for pk, item in zip(household_ids, chunk, strict=True) for _ in item.members]
    income_home = [pk for pk, item in zip(household_ids, chunk, strict=True) for _ in item.incomes]
    sizes = [i.get("household_size") or len(item.members) for item in chunk for i in item.incomes]
    jobs = [
        writer.insert(Household, households, {
            "id": household_ids, "village_id": [villages[item.village_code] for item in chunk],
            "version": [1] * n, "created_at": [now] * n, "updated_at": [now] * n,
            "status_via": ["imported" if h.get("is_registered") else "" for h in households]}),
        writer.insert(Member, members, {"id": member_ids, "household_id": member_home}),
        writer.insert(IncomeRecord, incomes, {"id": income_ids, "household_id": income_home,
                                              "household_size": sizes}),
        writer.insert(ChangeRecord, [{"household_number": h["number"]} for h in households], {
            "actor": [by[:80]] * n, "action": ["create"] * n, "entity": ["household"] * n,
            "entity_id": household_ids, "changes": [{"members": len(item.members)} for item in chunk],
            "note": [note[:200]] * n, "at": [now] * n}),
    ]
    report.households_created += len(households)
    report.members_created += len(members)
    report.incomes_written += len(incomes)
    return jobs


