"""Refusing to overwrite a household changed since the writer read it: an export carries each
household's version (its 版本 sheet), and an import that would change a household whose version has
moved on since is refused for it, with what changed since, unless the caller overrides -- which the
change log records (issue 13, medium 8). A household changed by someone else while a batch is being
written is refused the same way (``versions.versions_move``), override or not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from ...domain.problems import Problem, ValidationFailed
from ...domain.text import Text
from ..models import ChangeRecord

if TYPE_CHECKING:
    from .bulk import HouseholdInput

_SHOWN = 5  # changes listed per household; the rest are counted


@dataclass(frozen=True)
class Stale:
    index: int  # the household's place in the batch
    item: HouseholdInput
    number: str
    expected: int
    current: int | None  # None: the household is gone
    from_file: bool = True  # the version came with the batch (an export); else it is the one read


def stale_households(items: Sequence[HouseholdInput], existing: Mapping[str, Mapping[str, Any]]) -> list[Stale]:
    """The batch's households whose stored version is newer than the one the file was exported at."""
    out = []
    for i, item in enumerate(items):
        number = item.household["number"]
        row = existing.get(number)
        if item.expected_version is not None and row is not None and row["version"] != item.expected_version:
            out.append(Stale(i, item, number, item.expected_version, row["version"]))
    return out


OVERRIDE_REASON_MAX = 200
NO_OVERRIDE_REASON = (Text("覆盖导出后他人所做的修改必须写明原因（记入变更记录）："
                           "命令行用 --override-reason，网页填写“覆盖原因”",
                           "overwriting changes made after the export needs a reason, recorded in the change log: "
                           "--override-reason on the command line, the reason field on the web"))


def override_reason_checked(reason: str) -> str:
    """The reason given for overriding stale households, trimmed; ValidationFailed when there is
    none. Every way in (the command line, the web) passes through here and ``write_many``, which
    writes who overrode, why, and the versions into each overwritten household's change log."""
    text = " ".join(reason.split())[:OVERRIDE_REASON_MAX]
    if not text:
        raise ValidationFailed([Problem("override_reason", reason, NO_OVERRIDE_REASON)])
    return text


class StaleHouseholds(ValidationFailed):
    """Households the batch would change that were changed after its file was exported."""

    def __init__(self, stale: Sequence[Stale], items: Sequence[HouseholdInput]) -> None:
        self.stale = list(stale)
        super().__init__([Problem("number", s.number, _message(s), item=s.index) for s in stale])


def _when(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def _message(s: Stale) -> Text:
    records = ChangeRecord.objects.filter(household_number=s.number)
    if s.from_file and s.item.exported_at is not None:
        records = records.filter(at__gt=s.item.exported_at)
    found = list(records.order_by("-at", "-id")[:_SHOWN + 1])
    lines = [f"{r.actor} {_when(r.at)} {r.action}"
             + (f"（{'、'.join(str(k) for k in r.changes)}）" if isinstance(r.changes, dict) and r.changes else "")
             for r in found[:_SHOWN]]
    more = "…" if len(found) > _SHOWN else ""
    what = "；".join(lines) + more or "—"
    if not s.from_file:
        now = s.current or "—"
        return Text(f"农户 {s.number} 在读取（版本 {s.expected}）后已被他人修改（现为版本 {now}）：{what}。"
                    "本次写入会覆盖这些修改，未写入任何内容；请重新读取后再改",
                    f"household {s.number} was changed by someone else after it was read (version {s.expected}, "
                    f"now {now}): {what}. Writing would overwrite those changes, so nothing was "
                    "written; read it again and make the change again")
    return Text(f"农户 {s.number} 在本文件导出（版本 {s.expected}）后已被修改（现为版本 {s.current}）：{what}。"
                "本次导入会覆盖这些修改，该户未导入；请重新导出后在新文件中修改，或由区县管理员确认覆盖并写明原因"
                "（命令行 --override-stale --override-reason，网页勾选“覆盖导出后他人所做的修改”）",
                f"household {s.number} was changed after this file was exported (version {s.expected}, now "
                f"{s.current}): {what}. Importing would overwrite those changes, so it was refused; export again "
                "and make your edits in the new file, or have the county office overwrite them with a reason "
                "(--override-stale --override-reason, or the web import's overwrite box)")
