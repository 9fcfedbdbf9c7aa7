"""Walking the hash chain: every chained row is checked against its own hash (edited?), against
the row before it (moved or reordered?), the sequence for gaps (deleted?) and the chain's head for
a missing tail. Stops at the first broken entry and names it.

What it cannot see: someone with write access to the database who rewrites every hash after the
entry they changed, and the head, can make a consistent chain. Keep a copy of the head's hash
elsewhere (``audit verify`` prints it) to catch that too.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

from ..domain.text import Text
from .chain import GENESIS, canonical_value, chain_label, entry_hash


@dataclass(frozen=True)
class Broken:
    kind: str  # edited | deleted | reordered | tail_deleted | head
    label: str  # e.g. registry.changerecord
    id: int | None
    seq: int
    message: str


@dataclass(frozen=True)
class Report:
    entries: int
    head_seq: int
    head_hash: str
    broken: Broken | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def chained_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if hasattr(m, "chain_fields")]


_NAMES = {"registry.changerecord": "变更记录 change record", "procedures.step": "程序记录 procedure step",
          "procedures.caserecord": "程序案件记录 case record", "procedures.case": "程序案件 case"}


def _name(label: str, pk: int | None) -> str:
    return f"{_NAMES.get(label, label)} #{pk}"


def _rows(model: type[models.Model]) -> Iterator[tuple[int, str, int, str, str, list[Any]]]:
    fields = list(model.chain_fields)  # type: ignore[attr-defined]
    label = chain_label(model)
    qs = model._default_manager.order_by("seq").values_list("seq", "id", "prev_hash", "hash", *fields)
    for seq, pk, prev, h, *content in qs.iterator(chunk_size=5000):
        yield seq, label, pk, prev, h, content


def verify_chain() -> Report:
    from ..registry.models import ChainHead

    head = ChainHead.objects.filter(pk=1).values_list("seq", "hash").first() or (0, GENESIS)
    expected_seq, prev_hash, count = 1, GENESIS, 0
    last: tuple[str, int | None] = ("", None)

    def report(broken: Broken | None) -> Report:
        return Report(count, head[0], head[1], broken)

    for seq, label, pk, prev, h, content in heapq.merge(*(_rows(m) for m in chained_models()), key=lambda r: r[0]):
        count += 1
        if seq is None or seq < expected_seq:
            return report(
                Broken(
                    "reordered",
                    label,
                    pk,
                    seq or 0,
                    Text(f"{_name(label, pk)} 的链序号 {seq} 重复或错位", f"has seq {seq} twice or out of place"),
                )
            )
        if seq > expected_seq:
            after = f"{_name(*last)}" if last[1] is not None else "链首 the start"
            return report(
                Broken(
                    "deleted",
                    label,
                    pk,
                    expected_seq,
                    Text(
                        f"链序号 {expected_seq}–{seq - 1} 的记录缺失（被删除），位于 {after} 之后、"
                        f"{_name(label, pk)} 之前",
                        f"entries {expected_seq}–{seq - 1} are missing "
                        f"(deleted), after {after}, before {_name(label, pk)}",
                    ),
                )
            )
        if prev != prev_hash:
            return report(
                Broken(
                    "reordered",
                    label,
                    pk,
                    seq,
                    Text(
                        f"{_name(label, pk)}（链序号 {seq}）与前一条不相接：记录被移动、调换或前一条被改动",
                        f"{_name(label, pk)} (seq {seq}) does not follow the entry before it: moved, "
                        "swapped, or the one before was changed",
                    ),
                )
            )
        if entry_hash(prev, [label, seq, *content]) != h:
            return report(
                Broken(
                    "edited",
                    label,
                    pk,
                    seq,
                    Text(
                        f"{_name(label, pk)}（链序号 {seq}）写入后被修改",
                        f"{_name(label, pk)} (seq {seq}) was changed after it was written",
                    ),
                )
            )
        prev_hash, expected_seq, last = h, seq + 1, (label, pk)
    if expected_seq - 1 == head[0] and prev_hash == head[1]:
        return report(check_cases())
    if expected_seq - 1 != head[0] or prev_hash != head[1]:
        return report(
            Broken(
                "tail_deleted",
                last[0],
                last[1],
                expected_seq - 1,
                Text(
                    f"链头为第 {head[0]} 条，但只找到 {expected_seq - 1} 条：最后的记录被删除",
                    f"the head says "
                    f"{head[0]} entries but the chain ends at {expected_seq - 1}: the last ones were deleted",
                ),
            )
        )
    return report(None)


def check_cases() -> Broken | None:
    """Every case row equals its latest sealed record (``CaseRecord``): a case's state, step, dates
    or list changed in the database after the services wrote it, a case without a record, or a
    record whose case is gone, is named. Run after the chain itself is found intact."""
    if not apps.is_installed("liangfang.procedures"):
        return None
    from ..procedures.models import CASE_FIELDS, Case, CaseRecord, subjects_of

    latest: dict[int, dict[str, Any]] = {}
    for row in CaseRecord.objects.order_by("seq").values("case_id", "seq", *CASE_FIELDS).iterator(chunk_size=5000):
        latest[row["case_id"]] = row
    lists = subjects_of()
    plain = [f for f in CASE_FIELDS if f not in ("region_id_at", "subjects")]
    seen = set()
    for row in Case.objects.order_by("id").values("id", "region_id", *plain).iterator(chunk_size=5000):
        pk = row["id"]
        seen.add(pk)
        sealed = latest.get(pk)
        if sealed is None:
            return Broken("unsealed", "procedures.case", pk, 0,
                          Text(f"{_name('procedures.case', pk)} 没有链上的记录：未经程序服务写入",
                               f"{_name('procedures.case', pk)} has no record on the chain: not written by the "
                               "procedure services"))
        now = {**{f: row[f] for f in plain}, "region_id_at": row["region_id"], "subjects": lists.get(pk, [])}
        changed = [f for f in CASE_FIELDS if canonical_value(now[f]) != canonical_value(sealed[f])]
        if changed:
            return Broken("edited", "procedures.case", pk, sealed["seq"],
                          Text(f"{_name('procedures.case', pk)} 与其最后一条链上记录（链序号 {sealed['seq']}）不符："
                               f"{'、'.join(changed)} 在写入后被修改",
                               f"{_name('procedures.case', pk)} differs from its last record on the chain "
                               f"(seq {sealed['seq']}): {', '.join(changed)} changed after it was written"))
    gone = sorted(set(latest) - seen)
    if gone:
        pk = gone[0]
        return Broken("deleted", "procedures.case", pk, latest[pk]["seq"],
                      Text(f"{_name('procedures.case', pk)} 有链上记录，但案件已被删除",
                           f"{_name('procedures.case', pk)} has records on the chain but was deleted"))
    return None
