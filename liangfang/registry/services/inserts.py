"""Inserting many rows of plain values at once, with the fastest means the database offers:
``executemany`` on SQLite, ``COPY`` on PostgreSQL (the ORM's ``bulk_create`` elsewhere).

Both batch writers of the registry (``bulk.write_many`` and ``bulk_create.create_many``) insert
through ``RowWriter``. Values are converted column by column as Django converts them for that
database (decimals as text that SQLite stores as numbers, dates as ISO text, JSON as text); a
blank (None) in a NOT NULL column takes the field's default ("" for text, the model's default
otherwise), as ``households.storable`` maps blanks one value at a time.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from itertools import chain, repeat
from operator import is_, itemgetter
from typing import Any

from django.db import connection, models

ANALYZE_AFTER_ROWS = 10_000


def statistics_refreshed(tables: Iterable[type[models.Model]]) -> None:
    """After a bulk write, PostgreSQL's planner statistics of the tables brought up to date at once
    (``ANALYZE``, a sample of 30,000 rows: well under a second per table; inside the caller's
    transaction, so they commit with the rows). Autovacuum would do it only a minute or more later,
    and until then the planner believes a table that just received 800,000 rows to hold a few: it
    then reads them all through a nested loop (a village's indicator pass rates right after an
    assessment took 5 s instead of 50 ms). SQLite's planner has no such statistics unless asked,
    so nothing happens there."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in dict.fromkeys(tables):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@contextmanager
def large_cache(kib: int = 262_144) -> Iterator[None]:
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


class RowWriter:
    """Inserts rows of dicts into a model's table with the fastest means the database offers,
    inside the caller's transaction.

    SQLite: multi-row INSERT statements, run at once in the calling thread. (A writer thread
    was tried: sqlite3 releases and retakes the GIL for every row, so a thread writing while
    the next rows are prepared cost more CPU than it overlapped; many rows per statement save
    about a fifth of SQLite's time against one statement per row.)
    PostgreSQL: COPY, written in order by one worker thread on the same connection, so that the
    server's work overlaps with preparing the next rows."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.reserved: dict[type[models.Model], int] = {}
        connection.ensure_connection()
        self.raw = connection.connection
        self.pool = (ThreadPoolExecutor(max_workers=1, thread_name_prefix="row-writer")
                     if self.vendor == "postgresql" else None)
        self.pending: list[Future[None]] = []
        self.written: dict[type[models.Model], int] = {}  # rows inserted per model

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
        if hasattr(model, "chain_fields"):  # a link of the hash chain: sealed here, in this transaction
            from ...audit.chain import seal_rows

            given = seal_rows(model, rows, given)
        self.written[model] = self.written.get(model, 0) + len(rows)
        pk = model._meta.pk
        # Without keys of its own, a row takes the next key from the table.
        # (a generated column is written by the database, never by an INSERT)
        fields = [f for f in model._meta.concrete_fields
                  if not f.generated and (f is not pk or pk.attname in given)]
        if self.vendor not in ("sqlite", "postgresql"):
            objects = [model(**{**row, **{k: v[i] for k, v in given.items()}}) for i, row in enumerate(rows)]
            model._default_manager.bulk_create(objects, batch_size=1000)
            done.set_result(None)
            return done
        data = list(zip(*(self._column(f, rows, given.get(f.attname)) for f in fields), strict=True))
        table = connection.ops.quote_name(model._meta.db_table)
        quoted = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
        if self.pool is None:  # SQLite: written now; a failure raises here
            self._insert_sqlite(f"INSERT INTO {table} ({quoted}) VALUES ", len(fields), data)
            done.set_result(None)
            return done
        job = self.pool.submit(self._copy, f"COPY {table} ({quoted}) FROM STDIN", data)
        self.pending.append(job)
        return job

    def _insert_sqlite(self, head: str, width: int, data: list[tuple[Any, ...]]) -> None:
        """INSERT ``data`` with up to 100 rows per statement, within SQLite's parameter limit."""
        per = max(1, min(100, self.raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width))
        row = f"({', '.join(['?'] * width)})"
        cursor = self.raw.cursor()
        try:
            whole = len(data) - len(data) % per
            if whole:
                sql = head + ", ".join([row] * per)
                for start in range(0, whole, per):
                    cursor.execute(sql, list(chain.from_iterable(data[start:start + per])))
            if whole < len(data):
                rest = data[whole:]
                cursor.execute(head + ", ".join([row] * len(rest)), list(chain.from_iterable(rest)))
        finally:
            cursor.close()

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
                column = list(map(itemgetter(name), rows))
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
        """Wait for every pending insert; raise the first failure. SQLite's AUTOINCREMENT and
        PostgreSQL's sequence already moved on; tables that received ``ANALYZE_AFTER_ROWS`` rows
        or more have their planner statistics refreshed."""
        self.drain()
        statistics_refreshed(m for m, n in self.written.items() if n >= ANALYZE_AFTER_ROWS)

    def drain(self) -> None:
        """Wait for the inserts submitted so far (raising the first failure), so that the caller
        may use the connection itself: it must never do so while an insert is in flight."""
        for job in self.pending:
            job.result()
        self.pending = []

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def first_failure(self) -> BaseException | None:
        """After ``close``: why the first failed insert failed (None when none did). On PostgreSQL a
        refused COPY aborts the transaction, and the calling thread's next statement then fails only
        with "current transaction is aborted"; this is the refusal itself."""
        for job in self.pending:
            if job.done() and not job.cancelled() and job.exception() is not None:
                return job.exception()
        return None


def _same(v: Any) -> Any:
    return v


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v
