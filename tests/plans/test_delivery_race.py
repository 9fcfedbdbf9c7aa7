"""Two people record the same delivery at the same moment: one is recorded, the other is told it
is already delivered (a refusal, not a database error), and the registry is written once."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from liangfang.domain.problems import ValidationFailed
from liangfang.plans.models import Delivery, Plan
from liangfang.plans.services.delivery import delivery_record
from liangfang.plans.services.plans import plan_accept, plan_area
from liangfang.registry.models import Region
from liangfang.registry.services.households import household_create, income_set
from tests.factories import COUNTY, VILLAGE, household_data, make_regions, member_data

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")]


def test_the_same_delivery_sent_twice_at_once_is_recorded_once() -> None:
    regions = make_regions()
    h = household_create(village=regions[VILLAGE], data=household_data(),
                         members=[member_data(born=dt.date(1980, 5, 1), medical_insurance=False)], by="test")
    income_set(household=h, year=2015, data={"wage_income": Decimal(4000)}, expected_version=h.version, by="test")
    plan_area(region=Region.objects.get(code=COUNTY), year=2015, budget=None, by="test")
    plan = Plan.objects.get(household=h)
    plan_accept(plan=plan, by="township")
    measure = plan.measures.get(measure="insurance_premium")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def deliver(who: str) -> None:
        try:
            start.wait()
            delivery_record(measure=measure, date=dt.date(2015, 3, 1), proof_note=f"参保凭证 {who}", by=who)
            outcomes.append("recorded")
        except ValidationFailed as err:
            outcomes.append("refused: " + "; ".join(p.message for p in err.problems))
        except Exception as err:  # what the test must not see
            outcomes.append(f"error: {err!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver, args=(who,)) for who in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o.split(":")[0] for o in outcomes) == ["recorded", "refused"], outcomes
    assert "already delivered" in next(o for o in outcomes if o.startswith("refused"))
    assert Delivery.objects.filter(measure=measure).count() == 1
