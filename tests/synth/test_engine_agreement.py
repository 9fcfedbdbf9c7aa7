"""The assessment engine, run on the synthetic district for every year 2014–2020, agrees with the
generator: a household passes exactly from its exit year on, and a poor village meets the village
standard in its exit year. (The generator's own check is liangfang.synth.standard; this is the
independent one.)"""

from __future__ import annotations

import datetime as dt

import pytest

from liangfang.assessments import models, services
from liangfang.registry.models import Household, Region

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_engine_sees_each_exit_in_its_year_and_each_poor_village_meet_the_standard_in_its_exit_year() -> None:
    from liangfang.synth.taobei import build_district

    build_district(seed=7, scale=0.05)
    households = list(Household.objects.filter(is_registered=True).values_list("pk", "status", "exit_year"))
    identified = dict(Household.objects.filter(is_registered=True).values_list("pk", "first_identified_on"))
    villages = dict(Region.objects.filter(is_poor_village=True).values_list("pk", "exit_year"))
    assert all(exit_year is not None for _, status, exit_year in households if status == "exited")
    assert None not in villages.values()
    for year in range(2014, 2021):
        run = services.assessment_run(year=year, pack="cn-national")
        verdicts = dict(models.HouseholdResult.objects.filter(run=run).values_list("household_id", "verdict"))
        # a household identified after the year's reference day (31 August) is not in that year's run
        later = {pk for pk, on in identified.items() if on is not None and on > dt.date(year, 8, 31)}
        assert not later & verdicts.keys(), year
        disagree = [(pk, status, exit_year, verdicts.get(pk)) for pk, status, exit_year in households
                    if pk not in later and (status == "exited" and exit_year is not None and exit_year <= year)
                    != (verdicts.get(pk) == "pass")]
        assert disagree == [], year
        met = dict(models.AreaResult.objects.filter(run=run, level="village", region_id__in=villages)
                   .values_list("region_id", "verdict"))
        due = [pk for pk, exit_year in villages.items() if exit_year is not None and exit_year <= year]
        assert all(met[pk] == "pass" for pk in due), year
