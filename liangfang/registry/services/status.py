"""The one writer of procedure-governed fields (``registry.governed``): a procedure's decision.
The single-household call is a batch of one; ``procedures.effects`` is its only caller.

Why this is not ``bulk.write_many``: a decision is a different action from an edit. It sets only
the governed columns, which every edit path refuses (forms) or marks as a historic record
(imports: ``status_via="imported"``), and it sets them as decided by a procedure, on a date, under a
case reference. It holds no copy of the household's other data, so it neither re-validates nor
rewrites the members and incomes (a decision on a village's list of households must not fail on
one member's unrelated data). What it shares with the writer of edits is everything that makes a
write safe: the same household rules (``checks.check_household`` on the values after the decision),
the same version move (``versions.versions_move``, from the version read under a row lock: a form
opened before the decision is then refused) and the same change log on the hash chain
(``ChangeRecord``'s manager seals every record it writes).

>>> households_status_decide(households=[h1, h2], values={"status": "exited", "exit_year": 2020},
...                          on=date(2020, 11, 30), case_ref="退出 #12", by="county")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from ...audit.changelog import diff, jsonable
from ...domain.problems import Problem, ValidationFailed
from ...domain.text import Text
from ..governed import GOVERNED_FIELDS
from ..models import ChangeRecord, Household
from .checks import check_household
from .households import _snapshot
from .versions import household_conflict, versions_move

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
        problems += [Problem(p.field, p.value, _of_household(h.number, p.message), i)
                     for p in check_household({**befores[h.pk], **values})]
    if problems:
        raise ValidationFailed(problems)
    read = {h.pk: h.version for h in current}
    refused = versions_move(read, at=timezone.now())
    if refused:  # only where rows cannot be locked (SQLite): someone wrote between the read and here
        h = next(h for h in current if h.pk in refused)
        raise household_conflict(h, read[h.pk], refused[h.pk])
    fields = {**values, "status_via": "procedure", "status_since": on}
    Household.objects.filter(pk__in=ids).update(**fields)
    ChangeRecord.objects.bulk_create([
        ChangeRecord(actor=by[:80], action="procedure_decision", entity="household", entity_id=h.pk,
                     household_number=h.number, note=case_ref[:200],
                     changes={k: jsonable(v) for k, v in {**diff(befores[h.pk], dict(values)),
                                                          "status_since": on}.items()})
        for h in current])
    for h in households:  # the caller's objects, as stored now (they may have been read long before)
        for k, v in fields.items():
            setattr(h, k, v)
        if h.pk in read:
            h.version = read[h.pk] + 1
    return list(households)


def _of_household(number: str, message: str) -> str:
    """A problem's message prefixed with the household it concerns, in each language."""
    if isinstance(message, Text):
        return Text(f"{number}：{message.zh}", f"{number}: {message.en}")
    return f"{number}: {message}"


def household_status_decide(*, household: Household, values: Mapping[str, Any], on: dt.date, case_ref: str,
                            by: str) -> Household:
    return households_status_decide(households=[household], values=values, on=on, case_ref=case_ref, by=by)[0]
