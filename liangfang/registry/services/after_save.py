"""After a change to households' data is committed, their stored assessment results are assessed
again (issue 14, finding 10): the household page then shows the verdict of the data as saved, not
a result marked out of date. The writers call ``households_changed`` (``bulk.write_many``, the one
writer of households, members and incomes that forms, imports, the CLI and deliveries all go
through; ``status.households_status_decide`` for a procedure's decision); a batch's households are
assessed together once its transaction commits, in one engine run per stored assessment
(``assessments.services.households_reassess``). A failure there is logged and never undoes the
save: the page then marks the result out of date as before. Nothing is assessed when the
transaction rolls back."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction

_CHUNK = 5000


def households_changed(numbers: Iterable[str]) -> None:
    """Assess the households (by number) again once the current transaction commits."""
    chosen = sorted(set(numbers))
    if chosen:
        transaction.on_commit(partial(_reassess, chosen), robust=True)


def _reassess(numbers: list[str]) -> None:
    from ...assessments.models import AssessmentRun
    from ...assessments.services import households_reassess
    from ..models import Household

    if not AssessmentRun.objects.exists():
        return
    ids: list[int] = []
    for start in range(0, len(numbers), _CHUNK):
        ids += Household.objects.filter(number__in=numbers[start:start + _CHUNK]).values_list("id", flat=True)
    households_reassess(ids)
