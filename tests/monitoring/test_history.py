"""The synthetic district's monitoring years on a small district: months written, screening runs,
objects admitted with a plan and a delivered measure, some eliminated; the 2014–2020 registry
untouched."""

from __future__ import annotations

import datetime as dt

import pytest

from liangfang.monitoring.history import build_monitoring_history
from liangfang.monitoring.models import HouseholdMonth, Lead, MonitoringObject
from liangfang.plans.models import Delivery, Plan
from liangfang.registry.models import Household, IncomeRecord
from liangfang.synth.taobei import build_district

pytestmark = pytest.mark.django_db


def test_a_small_districts_monitoring_years() -> None:
    build_district(seed=3, scale=0.02)
    before = (Household.objects.filter(status="exited").count(), IncomeRecord.objects.count())
    report = build_monitoring_history(seed=3, today=dt.date(2023, 12, 10))
    assert report.screenings == 6  # March and September, 2021–2023
    assert HouseholdMonth.objects.count() == report.months == report.households * 47  # 2020-01 … 2023-11
    assert report.leads == Lead.objects.count() > 0
    assert report.admitted == MonitoringObject.objects.count() > 0
    assert report.dismissed == Lead.objects.filter(status="dismissed").count()
    assert report.eliminated == MonitoringObject.objects.filter(eliminated_on__isnull=False).count() > 0
    for obj in MonitoringObject.objects.all():
        assert Plan.objects.filter(household_id=obj.household_id, status="accepted").exists()
        current = MonitoringObject.objects.filter(household_id=obj.household_id, eliminated_on__isnull=True).first()
        assert Household.objects.get(pk=obj.household_id).monitoring == (current.category if current else "none")
    assert Delivery.objects.exists()
    assert (Household.objects.filter(status="exited").count(), IncomeRecord.objects.count()) == before
    assert build_monitoring_history(seed=3, today=dt.date(2023, 12, 10)).screenings == 0  # written once
