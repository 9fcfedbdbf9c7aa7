"""Creating many new households fast (a synthetic district, a first import of a county): the same
validation as ``bulk.write_many``, then plain multi-row inserts instead of the ORM's per-object
work, in one transaction, so a batch lands whole or not at all.

Every household of the batch must be new (its number not yet in the registry); use
``write_many`` to update. Primary keys are reserved up front (PostgreSQL: from the table's
sequence; SQLite: above the table's highest key, under the write lock of the transaction), so
members and incomes can point at their households without reading anything back. The change log
gets one "create" record per household, as with ``write_many``.

On SQLite the rows go through ``executemany``; on PostgreSQL through ``COPY``. Values are
converted as Django converts them for that database (decimals as text that SQLite stores as
numbers, dates as ISO text), column by column; other databases fall back to the ORM's
``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from itertools import islice, repeat
from operator import is_
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from ..models import ChangeRecord, Household, IncomeRecord, Member, Region
from .bulk import BulkReport, HouseholdInput, Progress, validate_many
from .errors import Problem, ValidationFailed

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
        problems += [Problem("number", n, f"户编号 {n} 已存在；更新已有农户请用导入（write_many）/ household "
                             f"{n} already exists; update existing households with write_many", start + i)
                     for i, n in enumerate(chunk) if n in known]
    if problems:
        raise ValidationFailed(problems)
    report = BulkReport()
    villages = dict(Region.objects.filter(
        code__in={item.village_code for item in items}).values_list("code", "id"))
    with transaction.atomic(), _large_cache():
        writer = _Writer()
        keys = _Keys(writer, items)
        try:
            pending: list[tuple[int, list[Future[None]]]] = []
            for start in range(0, len(items), CHUNK):
                part = items[start:start + CHUNK]
                pending.append((len(part), _insert_chunk(writer, keys, part, villages, report, by, note)))
                # The database writes one chunk while the next is prepared; no more in flight.
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

    def __init__(self, writer: _Writer, items: Sequence[HouseholdInput]) -> None:
        self.households = iter(writer.reserve(Household, len(items)))
        self.members = iter(writer.reserve(Member, sum(len(item.members) for item in items)))
        self.incomes = iter(writer.reserve(IncomeRecord, sum(len(item.incomes) for item in items)))

    @staticmethod
    def take(keys: Iterator[int], count: int) -> list[int]:
        return list(islice(keys, count))


@contextmanager
def _large_cache(kib: int = 262_144) -> Iterator[None]:
    """On SQLite, a page cache large enough for the indexes being filled (restored afterwards)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-kib}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _insert_chunk(writer: _Writer, keys: _Keys, chunk: Sequence[HouseholdInput], villages: dict[str, int],
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
            "version": [1] * n, "created_at": [now] * n, "updated_at": [now] * n}),
        writer.insert(Member, members, {"id": member_ids, "household_id": member_home}),
        writer.insert(IncomeRecord, incomes, {"id": income_ids, "household_id": income_home,
                                              "household_size": sizes}),
        writer.insert(ChangeRecord, [{"household_number": h["number"]} for h in households], {
            "actor": [by[:80]] * n, "action": ["create"] * n, "entity": ["household"] * n,
            "entity_id": household_ids, "changes": [{}] * n, "note": [note[:200]] * n, "at": [now] * n}),
    ]
    report.households_created += len(households)
    report.members_created += len(members)
    report.incomes_written += len(incomes)
    return jobs


class _Writer:
    """Inserts rows of dicts into a model's table with the fastest means the database offers.
    Rows are prepared in the calling thread and written, in order, by one worker thread on the
    same database connection (inside the caller's transaction); the database's own work runs
    without the GIL, so preparing the next rows overlaps with writing these."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.reserved: dict[type[models.Model], int] = {}
        connection.ensure_connection()
        self.raw = connection.connection
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-create")

    def reserve(self, model: type[models.Model], count: int) -> list[int]:
        """``count`` fresh primary keys for ``model``."""
        if count == 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                               [table, count])
                return [row[0] for row in cursor.fetchall()]
            if model not in self.reserved:
                cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")
                highest = cursor.fetchone()[0] or 0
                if self.vendor == "sqlite":  # AUTOINCREMENT never reuses a key, even a deleted one
                    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                    row = cursor.fetchone()
                    highest = max(highest, row[0] if row else 0)
                self.reserved[model] = highest
        first = self.reserved[model] + 1
        self.reserved[model] += count
        return list(range(first, first + count))

    def insert(self, model: type[models.Model], rows: list[dict[str, Any]],
               given: dict[str, list[Any]] | None = None) -> Future[None]:
        """Insert one row per dict of ``rows``; ``given`` supplies whole columns by attribute name
        (keys, foreign keys, constants) that the dicts do not hold. Returns the pending write."""
        done: Future[None] = Future()
        if not rows:
            done.set_result(None)
            return done
        given = given or {}
        pk = model._meta.pk
        # Without keys of its own, a row takes the next key from the table.
        fields = [f for f in model._meta.concrete_fields if f is not pk or pk.attname in given]
        if self.vendor not in ("sqlite", "postgresql"):
            objects = [model(**{**row, **{k: v[i] for k, v in given.items()}}) for i, row in enumerate(rows)]
            model._default_manager.bulk_create(objects, batch_size=1000)
            done.set_result(None)
            return done
        data = list(zip(*(self._column(f, rows, given.get(f.attname)) for f in fields), strict=True))
        table = connection.ops.quote_name(model._meta.db_table)
        quoted = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
        if self.vendor == "sqlite":
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['?'] * len(fields))})"
            return self.pool.submit(self._executemany, sql, data)
        return self.pool.submit(self._copy, f"COPY {table} ({quoted}) FROM STDIN", data)

    def _executemany(self, sql: str, data: list[tuple[Any, ...]]) -> None:
        # Closed here, in the worker: a cursor left to die in the other thread would reset a
        # cached statement that the worker is already using again.
        self.raw.executemany(sql, data).close()

    def _copy(self, sql: str, data: list[tuple[Any, ...]]) -> None:
        with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
            for row in data:
                copy.write_row(row)

    def _column(self, field: models.Field, rows: list[dict[str, Any]], given: list[Any] | None) -> list[Any]:
        """One column's values, converted for the database. A missing value, or None where the
        column cannot be null, takes the field's default."""
        name = field.attname
        if given is not None:
            column = given
        else:
            try:
                column = [row[name] for row in rows]
            except KeyError:
                column = [row.get(name) for row in rows]
        blanks = any(map(is_, column, repeat(None)))  # not ``None in column``: == on a Decimal is slow
        if blanks and not field.null:
            default = field.get_default()
            column = [default if v is None else v for v in column]
            blanks = default is None
        convert = self._converter(field)
        if convert is _same:
            return column
        if blanks:
            return [None if v is None else convert(v) for v in column]
        return list(map(convert, column))

    def _converter(self, field: models.Field) -> Callable[[Any], Any]:
        kind = field.get_internal_type()
        if kind == "JSONField":
            return lambda v: json.dumps(v, ensure_ascii=False)
        if self.vendor != "sqlite":
            return _same
        if kind == "DecimalField":
            return str  # as Django's own SQLite adapter does, but in one C-level pass per column
        if kind == "DateTimeField":
            adapted: dict[Any, Any] = {}  # a batch shares one timestamp: adapt it once

            def adapt(v: Any) -> Any:
                if v not in adapted:
                    adapted[v] = connection.ops.adapt_datetimefield_value(v)
                return adapted[v]
            return adapt
        if kind == "DateField":
            return _iso
        return _same

    def finish(self) -> None:
        """Nothing left to do: SQLite's AUTOINCREMENT and PostgreSQL's sequence already moved on."""

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _same(v: Any) -> Any:
    return v


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v
