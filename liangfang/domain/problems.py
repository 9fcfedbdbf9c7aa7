"""Expected errors of every app: one exception family, one problem shape for users (no Django)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .text import Text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (item, field), the value, and what to do."""

    field: str
    value: object
    message: str
    item: int | None = None  # index of the household in a batch (importers map it to rows)
    member: int | None = None  # index of the member within the item, when it concerns one
    code: str = ""  # what kind of problem, for a caller that acts on it (e.g. RESIDENT_ID_TAKEN)


def written_meanwhile() -> Problem:
    """The one message for a write the database refused because another user's write, committed
    between the checks and this one, took a unique value (a resident ID, a household number, a
    head): it names no value, since the other write may be outside the user's region."""
    return Problem("", None, Text(
        "保存时另一用户刚保存了相同的身份证号码、户编号或户主，数据库拒绝了本次保存；本次未保存任何内容，请重新打开或重新导入后再试",
        "another user has just saved the same resident ID, household number or head, so the database refused "
        "this save; nothing of it was saved: open it again, or import again, and retry"))


# A resident ID already active in another household: the message does not say which (the editor
# may not see it, in another village or township); the web records the case for those who may
# (registry.services.duplicates).
RESIDENT_ID_TAKEN = "resident_id_taken"


def resident_id_taken(resident_id: str, item: int | None = None, member: int | None = None) -> Problem:
    """The one message for a person already registered in another household, wherever it is found."""
    return Problem("resident_id", resident_id, Text(
        f"身份证号码 {resident_id} 已在另一农户登记，一人只能在一户；已记入该户的变更记录，请与区（县）管理员核实",
        "this resident ID is already registered in another household (one person, one household); the case "
        "is recorded in that household's history: check it with the county administrator"),
        item, member, code=RESIDENT_ID_TAKEN)


class RegistryError(Exception):
    """Base class of the expected errors; ``message`` is a Text (``str(err)`` gives both languages)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(RegistryError):
    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        first = self.problems[0].message if self.problems else ""
        zh, en = (first.zh, first.en) if isinstance(first, Text) else (first, first)
        more = len(self.problems) - 1
        if not self.problems:
            super().__init__("")
        else:
            super().__init__(Text(f"{zh}（另有 {more} 处）", f"{en} (and {more} more)") if more else Text(zh, en))


@dataclass
class Conflict:
    household_number: str
    expected_version: int
    current_version: int
    changes: list[dict[str, object]] = field(default_factory=list)


class ConflictError(RegistryError):
    """Someone else saved the household since it was read; nothing was overwritten."""

    def __init__(self, conflict: Conflict) -> None:
        self.conflict = conflict
        super().__init__(Text(
            f"农户 {conflict.household_number} 已被他人修改（版本 {conflict.expected_version} → "
            f"{conflict.current_version}），本次保存未写入，请刷新后重做",
            f"household {conflict.household_number} was changed by someone else since you opened it; "
            "nothing was saved, reload and apply your change again"))


class NotFound(RegistryError):
    pass
