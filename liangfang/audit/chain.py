"""Sealing rows into the hash chain (see the package docstring).

>>> h = entry_hash(GENESIS, ["registry.changerecord", 1, "a change"])
>>> len(h), h == entry_hash(GENESIS, ["registry.changerecord", 1, "a change"]), h == entry_hash(GENESIS, ["x"])
(64, True, False)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import F

GENESIS = "0" * 64


def canonical_value(value: Any) -> Any:
    """A value as the hash sees it, the same whether it was just written or read back: datetimes
    in UTC to the microsecond, dates as ISO text, decimals as text, JSON with sorted keys."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping | list | tuple):
        # through JSON and back, as a JSON column would give it
        return json.loads(json.dumps(value, ensure_ascii=False, default=str))
    return value


def entry_hash(prev_hash: str, content: Sequence[Any]) -> str:
    text = json.dumps([canonical_value(v) for v in content], ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + text.encode("utf-8")).hexdigest()


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def chain_label(model: type[models.Model]) -> str:
    return str(model._meta.label_lower)


def _content(model: type[models.Model], seq: int, values: Mapping[str, Any]) -> list[Any]:
    fields: Sequence[str] = model.chain_fields  # type: ignore[attr-defined]
    return [chain_label(model), seq, *(values[f] for f in fields)]


def _advance(n: int) -> tuple[int, str]:
    """Reserve ``n`` places on the chain: returns the seq before them and the hash they follow.
    The UPDATE comes first so that the head's row is locked (PostgreSQL) or the database's write
    lock taken (SQLite) before it is read: concurrent writers queue here until this one commits."""
    from ..registry.models import ChainHead

    if not ChainHead.objects.filter(pk=1).update(seq=F("seq") + n):
        ChainHead.objects.create(pk=1, seq=n, hash=GENESIS)
    head = ChainHead.objects.get(pk=1)
    return head.seq - n, head.hash


def _set_head_hash(value: str) -> None:
    from ..registry.models import ChainHead

    ChainHead.objects.filter(pk=1).update(hash=value)


def seal_values(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> list[tuple[int, str, str]]:
    """(seq, prev_hash, hash) for each of ``rows`` (values by attribute name), in order; moves the
    head. Must run inside the transaction that inserts the rows."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("chained rows are sealed inside the transaction that writes them")
    if not rows:
        return []
    first, prev = _advance(len(rows))
    out = []
    for i, values in enumerate(rows, start=1):
        h = entry_hash(prev, _content(model, first + i, values))
        out.append((first + i, prev, h))
        prev = h
    _set_head_hash(prev)
    return out


def seal_objects(objs: Iterable[models.Model]) -> None:
    """Seal unsaved model instances (all of one chained model) in their order."""
    items = list(objs)
    if not items:
        return
    model = type(items[0])
    fields: Sequence[str] = model.chain_fields  # type: ignore[attr-defined]
    for obj in items:
        for f in fields:  # a default not yet applied (e.g. the time) is fixed before hashing
            if getattr(obj, f) is None and _field(model, f).has_default():
                setattr(obj, f, _field(model, f).get_default())
    sealed = seal_values(model, [{f: getattr(o, f) for f in fields} for o in items])
    for obj, (seq, prev, h) in zip(items, sealed, strict=True):
        obj.seq, obj.prev_hash, obj.hash = seq, prev, h  # type: ignore[attr-defined]


def seal_rows(model: type[models.Model], rows: list[dict[str, Any]],
              given: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """For the bulk writer: the chain's columns for ``rows`` (dicts by attribute name, with whole
    columns in ``given``), returned as more ``given`` columns."""
    fields: Sequence[str] = model.chain_fields  # type: ignore[attr-defined]
    merged = []
    for i, row in enumerate(rows):
        values = {}
        for f in fields:
            if f in given:
                values[f] = given[f][i]
            elif row.get(f) is not None:
                values[f] = row[f]
            else:  # what the writer would store for a blank: the column's default
                values[f] = _field(model, f).get_default()
        merged.append(values)
    sealed = seal_values(model, merged)
    extra = {f: [m[f] for m in merged] for f in fields}
    extra.update(seq=[s for s, _, _ in sealed], prev_hash=[p for _, p, _ in sealed],
                 hash=[h for _, _, h in sealed])
    return {**given, **extra}
