"""A pairing keeps its household's village (the list's cadre filter reads a village's cadres by
it): every service that writes pairings stores it, and an import that moves a household to another
village moves its pairings with it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liangfang.ids import make_resident_id
from liangfang.pairing.services import cadre_pairing_set, cadre_pairings_write_many, pairings_follow_households
from liangfang.registry.models import Cadre, CadrePairing, Household, Region
from liangfang.registry.services.bulk import HouseholdInput, write_many
from liangfang.registry.services.cadres import cadres_write_many
from tests.factories import OTHER_VILLAGE, VILLAGE, household_data, make_regions, member_data

pytestmark = pytest.mark.django_db
D = dt.date


def _mismatched() -> list[tuple[str, str, str]]:
    """Pairings whose village is not their household's: (household, pairing's village, household's)."""
    return [(p.household.number, p.village.code, p.household.village.code)
            for p in CadrePairing.objects.select_related("household__village", "village")
            if p.village_id != p.household.village_id]


def _cadre(n: int) -> str:
    resident_id = make_resident_id("220802", D(1980, 1, n), 1, "male")
    cadres_write_many([{"resident_id": resident_id, "name": f"干部{n}", "unit_name": "区财政局",
                        "unit_level": "county"}], by="test")
    return resident_id


def _households(*villages: str) -> list[HouseholdInput]:
    items = [HouseholdInput(v, household_data(), [member_data()]) for v in villages]
    write_many(items, by="test")
    return items


def test_each_pairing_service_stores_the_households_village() -> None:
    make_regions()
    first, second = _households(VILLAGE, OTHER_VILLAGE)
    a, b = _cadre(1), _cadre(2)
    cadre_pairings_write_many([{"cadre": a, "household_number": first.household["number"],
                                "start_date": D(2016, 4, 1), "end_date": None},
                               {"cadre": b, "household_number": second.household["number"],
                                "start_date": D(2016, 4, 1), "end_date": None}], by="test")
    household = Household.objects.get(number=second.household["number"])
    cadre_pairing_set(household=household, cadre=Cadre.objects.get(resident_id=a), start_date=D(2018, 1, 1),
                      expected_version=household.version, by="test")
    by_number = {(p.household.number, p.end_date is None): p.village.code
                 for p in CadrePairing.objects.select_related("household", "village")}
    assert by_number == {(first.household["number"], True): VILLAGE,
                         (second.household["number"], False): OTHER_VILLAGE,
                         (second.household["number"], True): OTHER_VILLAGE}
    assert _mismatched() == []


def test_an_import_that_moves_a_household_moves_its_pairings() -> None:
    make_regions()
    moving, staying = _households(VILLAGE, VILLAGE)
    a, b = _cadre(1), _cadre(2)
    cadre_pairings_write_many([  # the moving household: a closed pairing and an open one
        {"cadre": a, "household_number": moving.household["number"], "start_date": D(2016, 4, 1),
         "end_date": D(2017, 4, 1)},
        {"cadre": b, "household_number": moving.household["number"], "start_date": D(2017, 4, 1), "end_date": None},
        {"cadre": a, "household_number": staying.household["number"], "start_date": D(2016, 4, 1),
         "end_date": None}], by="test")
    moving.village_code = OTHER_VILLAGE
    report = write_many([moving, staying], by="test")
    assert report.households_updated == 1
    assert _mismatched() == []
    other = Region.objects.get(code=OTHER_VILLAGE)
    assert sorted(CadrePairing.objects.filter(village=other).values_list("household__number", flat=True)) == \
        [moving.household["number"]] * 2
    assert CadrePairing.objects.get(household__number=staying.household["number"]).village.code == VILLAGE


def test_following_no_households_reads_nothing() -> None:
    with CaptureQueriesContext(connection) as queries:
        assert pairings_follow_households([]) == 0
    assert len(queries) == 0
