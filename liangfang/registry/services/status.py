"""The one writer of procedure-governed fields (``registry.governed``): a procedure's decision.
The single-household call is a batch of one.

>>> households_status_decide(households=[h1, h2], values={"status": "exited", "exit_year": 2020},
...                          on=date(2020, 11, 30), case_ref="退出 #12", by="county")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ...audit.changelog import diff, jsonable
from ...domain.problems import Problem, ValidationFailed
from ...domain.text import Text
from ..governed import GOVERNED_FIELDS
from ..models import ChangeRecord, Household
from .after_save import households_changed
from .checks import check_household
from .households import _snapshot

_COLUMNS = ("is_registered", "status", "exit_year", "first_identified_on", "poverty_attribute",
            "identification_standard", "main_cause", "other_cause_1", "other_cause_2")


@transaction.atomic
def households_status_decide(*, households: Sequence[Household], values: Mapping[str, Any], on: dt.date,
                             case_ref: str, by: str) -> list[Household]:
    """Write the governed ``values`` a decided case sets on each household, with the decision's
    date; each household's version moves on (an open edit form is then told it changed). All or
    nothing: one household the values do not fit refuses the whole decision."""
    unknown = [k for k in values if k not in GOVERNED_FIELDS]
    if unknown:
        raise ValidationFailed([Problem(k, values[k], Text(f"{k} 不是程序决定的字段", "not a governed field"))
                                for k in unknown])
    ids = [h.pk for h in households]
    current = list(Household.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    problems: list[Problem] = []
    befores = {}
    for i, h in enumerate(current):
        befores[h.pk] = _snapshot(h, _COLUMNS)
        problems += [Problem(p.field, p.value, f"{h.number}: {p.message}", i)
                     for p in check_household({**befores[h.pk], **values})]
    if problems:
        raise ValidationFailed(problems)
    fields = {**values, "status_via": "procedure", "status_since": on}
    Household.objects.filter(pk__in=ids).update(**fields, version=F("version") + 1, updated_at=timezone.now())
    ChangeRecord.objects.bulk_create([
        ChangeRecord(actor=by[:80], action="procedure_decision", entity="household", entity_id=h.pk,
                     household_number=h.number, note=case_ref[:200],
                     changes={k: jsonable(v) for k, v in {**diff(befores[h.pk], dict(values)),
                                                          "status_since": on}.items()})
        for h in current])
    for h in households:
        for k, v in fields.items():
            setattr(h, k, v)
        h.version += 1
    households_changed(h.number for h in current)  # their results are assessed again once this commits
    return list(households)


def household_status_decide(*, household: Household, values: Mapping[str, Any], on: dt.date, case_ref: str,
                            by: str) -> Household:
    return households_status_decide(households=[household], values=values, on=on, case_ref=case_ref, by=by)[0]
