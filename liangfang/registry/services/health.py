"""A change of a member's health keeps the period the old health held (``MemberHealthHistory``),
so that a year before the change still reads the old health. An effect of the registry's one
writer (``bulk.write_many``): a form's save (a batch of one) and an import record it alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from ...domain.problems import Problem
from ...domain.text import Text

HEALTH_FIELDS = frozenset({"health_status", "disability_grade"})


def health_period(stored: Mapping[str, Any], values: dict[str, Any], delta: Mapping[str, Any], *, by: str,
                  at: dt.datetime, item: int | None = None, member: int | None = None
                  ) -> tuple[dict[str, Any], list[Problem]]:
    """The period the stored health held, as a ``MemberHealthHistory`` row, when ``values`` change
    it (``delta``: what they change): from the last check date (blank: always) to the date of the
    change. That date is ``health_status_on`` when the values change it too, otherwise today; it
    becomes the member's new check date (set in ``values``). Also the problems with that date."""
    today = timezone.localdate()
    given = values.get("health_status_on") if "health_status_on" in delta else None
    on: dt.date = given or today
    last: dt.date | None = stored["health_status_on"]
    problems = []
    if on > today:
        problems.append(Problem("health_status_on", on, Text("健康状况核实日期不能晚于今天",
                                                             "the health check date cannot be in the future"),
                                item, member))
    if last is not None and on <= last:
        problems.append(Problem("health_status_on", on, Text(
            f"健康状况变化的日期须晚于上次核实日期 {last}",
            f"a change of health must be dated after the last check ({last})"), item, member))
    values["health_status_on"] = on
    return {"member_id": stored["id"], "health_status": stored["health_status"],
            "disability_grade": stored["disability_grade"], "valid_from": last, "valid_to": on,
            "recorded_at": at, "recorded_by": by[:80]}, problems
