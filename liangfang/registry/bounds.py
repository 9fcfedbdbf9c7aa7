"""The database's side of the field table's ranges: a CHECK constraint per bounded number column,
made from the same ``Field.minimum`` and ``Field.maximum`` that forms, imports and services check
through ``clean_value``. A value that slipped past them (a service called with Inf, a raw SQL
write) is refused by the database rather than stored to break every page that reads it.

On SQLite a Decimal beyond a REAL's range is stored as Inf and NaN as text; both fail
``<= maximum``, so the one condition covers them on both databases (PostgreSQL orders NaN above
every number)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q

from ..domain.fields import Field


def range_constraints(prefix: str, columns: Mapping[str, Field]) -> list[models.BaseConstraint]:
    """``{column: field}`` → one CHECK per column: field.minimum <= column <= field.maximum."""
    out: list[models.BaseConstraint] = []
    for column, field in columns.items():
        assert field.minimum is not None and field.maximum is not None, column
        out.append(models.CheckConstraint(
            condition=Q(**{f"{column}__gte": field.minimum, f"{column}__lte": field.maximum}),
            name=f"{prefix}_{column}_in_range"))
    return out


def bounded(fields: Iterable[Field], names: Iterable[str] | None = None) -> dict[str, Field]:
    """The number fields of ``fields`` with a range (only ``names`` when given), by name."""
    wanted = None if names is None else set(names)
    return {f.name: f for f in fields if f.kind in ("int", "decimal") and f.minimum is not None
            and f.maximum is not None and (wanted is None or f.name in wanted)}


# (table, column, minimum, maximum, nullable) as a migration knew them
Column = tuple[str, str, Decimal, Decimal, bool]


def repair_out_of_range(columns: Sequence[Column], actor: str) -> Callable[[Any, Any], None]:
    """A migration step run before the range constraints are added: every stored value outside its
    range (Inf and NaN that SQLite kept, a negative or huge amount) is replaced — by NULL where the
    column allows it, else by the column's minimum (0 for money) — and each replacement is written
    to the change log with the old value, the table, the row and the column, so that someone can
    enter the right value again. Nothing is dropped silently; a database with no such value is
    left untouched."""

    def repair(apps: Any, schema_editor: Any) -> None:
        ChangeRecord = apps.get_model("registry", "ChangeRecord")
        connection = schema_editor.connection
        q = connection.ops.quote_name
        notes = []
        with connection.cursor() as cursor:
            for table, column, low, high, nullable in columns:
                cursor.execute(f"SELECT id, CAST({q(column)} AS TEXT) FROM {q(table)} "
                               f"WHERE {q(column)} < %s OR {q(column)} > %s", [low, high])
                rows = cursor.fetchall()
                if not rows:
                    continue
                replacement = None if nullable else low
                cursor.execute(f"UPDATE {q(table)} SET {q(column)} = %s WHERE {q(column)} < %s OR {q(column)} > %s",
                               [replacement, low, high])
                for pk, old in rows:
                    notes.append(ChangeRecord(
                        actor=actor, action="repair_out_of_range", entity=table, entity_id=pk,
                        household_number=_number_of(cursor, q, table, pk),
                        changes={column: [old, None if replacement is None else str(replacement)]},
                        note=(f"超出范围 {low}–{high} 的值已清除，请核实后重填 / a value outside {low}–{high} "
                              "was cleared; check and enter it again")[:200]))
        ChangeRecord.objects.bulk_create(notes)
        if notes and connection.vendor == "postgresql":
            # the updates queued deferred foreign-key checks; run them now, or PostgreSQL refuses the
            # ALTER TABLE that adds the constraints in the same transaction
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if notes:
            print(f"\n  {len(notes)} 个超出范围的值已清除并记入变更记录 / {len(notes)} out-of-range values "
                  "cleared, each in the change log (action repair_out_of_range)")

    return repair


def _number_of(cursor: Any, q: Callable[[str], str], table: str, pk: int) -> str:
    if table != "registry_household":
        return ""
    cursor.execute(f"SELECT {q('number')} FROM {q(table)} WHERE id = %s", [pk])
    row = cursor.fetchone()
    return str(row[0])[:20] if row else ""
