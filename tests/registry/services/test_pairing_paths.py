"""Every way of pairing a household with its responsible cadre runs the same checks and has the
same effects: the web's one household, automatic pairing's many, and an imported workbook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from liangfang.domain.problems import ValidationFailed
from liangfang.ids import make_resident_id
from liangfang.pairing.services import PairingInput, cadre_pairing_set, cadre_pairings_set, cadre_pairings_write_many
from liangfang.registry.models import Cadre, CadrePairing, ChangeRecord, Household
from liangfang.registry.services.bulk import HouseholdInput, write_many
from liangfang.registry.services.cadres import cadres_write_many
from tests.factories import VILLAGE, household_data, make_regions, member_data

pytestmark = pytest.mark.django_db
D = dt.date


def _cadre(n: int) -> Cadre:
    resident_id = make_resident_id("220802", D(1980, 1, n), 1, "male")
    cadres_write_many([{"resident_id": resident_id, "name": f"干部{n}", "unit_name": "区财政局",
                        "unit_level": "county"}], by="test")
    return Cadre.objects.get(resident_id=resident_id)


def _household(**extra: Any) -> Household:
    item = HouseholdInput(VILLAGE, household_data(**extra), [member_data()])
    write_many([item], by="test")
    return Household.objects.get(number=item.household["number"])


def _one(household: Household, cadre: Cadre, start: dt.date) -> None:
    cadre_pairing_set(household=household, cadre=cadre, start_date=start, expected_version=household.version, by="t")


def _many(household: Household, cadre: Cadre, start: dt.date) -> None:
    cadre_pairings_set([PairingInput(household, cadre, start)], by="t")


def _imported(household: Household, cadre: Cadre, start: dt.date) -> None:
    cadre_pairings_write_many([{"cadre": cadre.resident_id, "household_number": household.number,
                                "start_date": start, "end_date": None}], by="t")


PATHS: dict[str, Callable[[Household, Cadre, dt.date], None]] = {"web": _one, "automatic": _many, "import": _imported}


@pytest.mark.parametrize("path", list(PATHS))
def test_every_path_refuses_a_household_that_is_not_registered(path: str) -> None:
    make_regions()
    general = _household(is_registered=False, status="general")
    with pytest.raises(ValidationFailed) as caught:
        PATHS[path](general, _cadre(1), D(2018, 1, 1))
    assert "不是建档立卡户" in caught.value.problems[0].message
    assert not CadrePairing.objects.exists() and not ChangeRecord.objects.filter(action="pair_cadre").exists()


@pytest.mark.parametrize("path", list(PATHS))
def test_every_path_moves_the_version_on_and_writes_one_change_record(path: str) -> None:
    make_regions()
    household = _household()
    version = household.version
    PATHS[path](household, _cadre(1), D(2018, 1, 1))
    assert Household.objects.get(pk=household.pk).version == version + 1
    record = ChangeRecord.objects.get(action="pair_cadre")
    assert (record.household_number, record.entity_id) == (household.number, CadrePairing.objects.get().pk)


@pytest.mark.parametrize("path", ["web", "automatic"])
def test_a_new_cadre_closes_the_old_pairing_on_the_day_it_starts(path: str) -> None:
    make_regions()
    household = _household()
    first, second = _cadre(1), _cadre(2)
    PATHS[path](household, first, D(2016, 1, 1))
    PATHS[path](Household.objects.get(pk=household.pk), second, D(2018, 1, 1))
    assert sorted(CadrePairing.objects.values_list("cadre__name", "start_date", "end_date")) == [
        ("干部1", D(2016, 1, 1), D(2018, 1, 1)), ("干部2", D(2018, 1, 1), None)]
    with pytest.raises(ValidationFailed, match="不能早于现帮扶责任人"):
        PATHS[path](Household.objects.get(pk=household.pk), first, D(2017, 1, 1))
