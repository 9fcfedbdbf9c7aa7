"""An import moves a household to another village while a batch of pairings names it: the new
pairing ends up with the village the household ends up in (the batch waits for the import)."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections, transaction

from liangfang.ids import make_resident_id
from liangfang.pairing.services import cadre_pairings_write_many, pairings_follow_households
from liangfang.registry.models import CadrePairing, Household, Region
from liangfang.registry.services.bulk import HouseholdInput, write_many
from liangfang.registry.services.cadres import cadres_write_many
from tests.factories import OTHER_VILLAGE, VILLAGE, household_data, make_regions, member_data

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")]


def test_a_pairing_written_while_its_household_moves_follows_it() -> None:
    make_regions()
    item = HouseholdInput(VILLAGE, household_data(), [member_data()])
    write_many([item], by="test")
    number = item.household["number"]
    cadre = make_resident_id("220802", dt.date(1980, 1, 1), 1, "male")
    cadres_write_many([{"resident_id": cadre, "name": "干部", "unit_name": "区财政局", "unit_level": "county"}],
                      by="test")
    household = Household.objects.get(number=number)
    other = Region.objects.get(code=OTHER_VILLAGE)
    outcome: list[str] = []

    def pair() -> None:
        try:
            cadre_pairings_write_many([{"cadre": cadre, "household_number": number, "start_date": dt.date(2016, 4, 1),
                                        "end_date": None}], by="test")
            outcome.append("paired")
        except Exception as err:  # what the test must not see
            outcome.append(f"error: {err!r}")
        finally:
            connections.close_all()

    with transaction.atomic():  # the import's move, not yet committed
        Household.objects.filter(pk=household.pk).update(village=other, version=household.version + 1)
        pairings_follow_households([household.pk])
        batch = threading.Thread(target=pair)
        batch.start()
        time.sleep(0.5)  # the batch has read the household by now, unless it waits for this transaction
    batch.join(timeout=30)
    assert outcome == ["paired"]
    assert CadrePairing.objects.get(household=household).village_id == other.pk
