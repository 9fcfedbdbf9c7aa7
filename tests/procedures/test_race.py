"""Two reviewers approve or send back the same case at the same moment (PostgreSQL, two
connections): one is written, the other is told someone acted first; the chain stays whole."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from liangfang.audit.verify import verify_chain
from liangfang.procedures.errors import CaseConflict
from liangfang.procedures.models import Case, Step
from liangfang.procedures.services import notice_post, review_decide

from .conftest import D, World
from .test_cases import _to_notice

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")]


def test_of_two_reviewers_deciding_at_once_one_wins(world: World) -> None:
    case = _to_notice(world)
    notice_post(case=case, expected_version=case.version, on=D(2020, 11, 6), actor=world.cadre)
    seen = Case.objects.get(pk=case.pk)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(approve: bool) -> None:
        try:
            start.wait()
            review_decide(case=Case.objects.get(pk=case.pk), expected_version=seen.version, on=D(2020, 11, 16),
                          actor=world.reviewer, approve=approve, reason="" if approve else "材料不全")
            outcomes.append("written")
        except CaseConflict:
            outcomes.append("conflict")
        except Exception as err:  # what the test must not see
            outcomes.append(f"error: {err!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(approve,)) for approve in (True, False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "written"], outcomes
    assert Step.objects.filter(case=case, action__in=["approved", "sent_back"]).count() == 1
    assert verify_chain().ok
