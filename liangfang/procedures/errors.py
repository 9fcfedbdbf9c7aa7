"""The procedures' expected errors, in the registry's one family (``RegistryError``)."""

from __future__ import annotations

from ..domain.problems import NotFound, Problem, RegistryError, ValidationFailed
from ..domain.text import Text


class StepRefused(RegistryError):
    """The step may not be done now, by this role, or on this date; nothing was written."""


class CaseConflict(RegistryError):
    """Someone acted on the case since it was read; nothing was written."""

    def __init__(self, case_id: int, expected: int, current: int, last: str) -> None:
        self.case_id, self.expected, self.current = case_id, expected, current
        super().__init__(
            Text(
                f"程序 #{case_id} 已被他人办理（版本 {expected} → {current}：{last}），本次操作未写入，请刷新后查看",
                f"case #{case_id} was acted on by someone else since you opened it ({last}); nothing "
                "was written: reload and look again",
            )
        )


__all__ = ["CaseConflict", "NotFound", "Problem", "StepRefused", "ValidationFailed"]
