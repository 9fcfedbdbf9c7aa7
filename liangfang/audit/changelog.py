"""Writing the change log (who, when, what changed): every app's services call ``record_change``
(the registry's batch writers insert the same rows, with ``diff`` and ``jsonable``). It lives beside
the hash chain that seals the log, below the apps that write it; the row is the registry's
``ChangeRecord`` model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..registry.models import ChangeRecord


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for fields whose value changed."""
    return {
        k: [jsonable(before.get(k)), jsonable(v)]
        for k, v in after.items()
        if not _same(before.get(k), v)
    }


def _same(a: Any, b: Any) -> bool:
    """Equal as values: Decimal("3000.00") is the same amount as 3000."""
    if isinstance(a, Decimal | int) and isinstance(b, Decimal | int) and not isinstance(
            a, bool) and not isinstance(b, bool):
        return Decimal(a) == Decimal(b)
    return bool(a == b)


def record_change(
    *,
    by: str,
    action: str,
    entity: str,
    entity_id: int | None,
    household_number: str = "",
    changes: Mapping[str, Any] | None = None,
    note: str = "",
) -> ChangeRecord:
    return ChangeRecord.objects.create(
        actor=by[:80],
        action=action,
        entity=entity,
        entity_id=entity_id,
        household_number=household_number,
        changes={k: jsonable(v) for k, v in (changes or {}).items()},
        note=note[:200],
    )
