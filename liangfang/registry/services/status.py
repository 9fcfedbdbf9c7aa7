"""The one writer of procedure-governed fields (``registry.governed``): a procedure's decision.

>>> household_status_decide(household=h, values={"status": "exited", "exit_year": 2020},
...                         on=date(2020, 11, 30), case_ref="退出 #12", by="county")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from ..governed import GOVERNED_FIELDS
from ..models import Household
from .changelog import diff, record_change
from .checks import check_household
from .errors import Problem, ValidationFailed
from .households import _bump, _snapshot

_COLUMNS = ("is_registered", "status", "exit_year", "first_identified_on", "poverty_attribute",
            "identification_standard", "main_cause", "other_cause_1", "other_cause_2")


@transaction.atomic
def household_status_decide(*, household: Household, values: Mapping[str, Any], on: dt.date,
                            case_ref: str, by: str) -> Household:
    """Write the governed ``values`` a decided case sets, with the decision's date; the household's
    version moves on (an open edit form is then told it changed)."""
    unknown = [k for k in values if k not in GOVERNED_FIELDS]
    if unknown:
        raise ValidationFailed([Problem(k, values[k], f"{k} 不是程序决定的字段 / not a governed field")
                                for k in unknown])
    current = Household.objects.select_for_update().get(pk=household.pk)
    before = _snapshot(current, _COLUMNS)
    merged = {**before, **values}
    problems = check_household(merged)
    if problems:
        raise ValidationFailed(problems)
    fields = {**values, "status_via": "procedure", "status_since": on}
    _bump(current, current.version, fields)
    for k, v in fields.items():
        setattr(household, k, v)
    household.version = current.version
    record_change(by=by, action="procedure_decision", entity="household", entity_id=household.pk,
                  household_number=household.number,
                  changes={**diff(before, dict(values)), "status_since": on}, note=case_ref)
    return household
