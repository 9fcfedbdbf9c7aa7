"""The year-end income survey a plan test runs after deliveries: a delivery never changes income,
so the income a delivered measure brought is recorded by the survey, as an income record with its
source and who recorded it (here the survey finds exactly the plan's projection)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from liangfang.plans.catalogue import catalogue_for
from liangfang.plans.models import Delivery
from liangfang.plans.schema import INCOME_ITEMS
from liangfang.policy import load_pack
from liangfang.registry.models import Household, IncomeRecord
from liangfang.registry.services.households import income_set


def survey_delivered_income(*, year: int, by: str = "村会计") -> int:
    """Record, for each household with a delivered income measure for ``year``, its income with the
    projected gains found; returns how many households were surveyed."""
    gains: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for d in Delivery.objects.filter(income_year=year, income_gain__gt=0).select_related("measure__plan"):
        item = catalogue_for(load_pack(d.measure.plan.pack)).catalogue.measures[d.measure.measure].effect.income
        assert item is not None
        gains[d.household_id][item] += d.income_gain
    for household in Household.objects.filter(pk__in=list(gains)):
        record = IncomeRecord.objects.get(household=household, year=year)
        amounts = {name: getattr(record, name) for name in (*INCOME_ITEMS, "business_expense")}
        for name, gain in gains[household.pk].items():
            amounts[name] += gain
        income_set(household=household, year=year, data=amounts, expected_version=household.version, by=by,
                   source="年度收入核查 / yearly income survey")
    return len(gains)
