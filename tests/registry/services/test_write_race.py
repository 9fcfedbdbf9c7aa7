"""A household saved from a form while an import is being written is never silently overwritten:
the batch writer moves each version on only from the one it read, so the import is refused."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from django.db import connection, connections

from liangfang.registry.models import Household
from liangfang.registry.services.bulk import HouseholdInput, write_many
from liangfang.registry.services.households import household_update
from liangfang.registry.services.stale import StaleHouseholds
from tests.factories import VILLAGE, household_data, make_regions, member_data

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")]


def test_a_form_saved_while_an_import_runs_is_not_overwritten() -> None:
    make_regions()
    items = [HouseholdInput(VILLAGE, household_data(phone="13900000000"), [member_data()]) for _ in range(3)]
    write_many(items, by="setup")
    second = items[1].household["number"]
    saved: list[str] = []

    def form_save() -> None:
        try:
            h = Household.objects.get(number=second)
            household_update(household=h, data={"phone": "13811112222"}, expected_version=h.version, by="网页编辑")
            saved.append("saved")
        except Exception as err:  # what the test must not see
            saved.append(f"error: {err!r}")
        finally:
            connections.close_all()

    def after_chunk(_n: int) -> None:
        # The first household, left as it is, is done; the second was read, not yet written. (Had the
        # batch written a change record already, the form's save would wait for it: the change log
        # is one hash chain.)
        if not saved:
            editor = threading.Thread(target=form_save)
            editor.start()
            editor.join(timeout=30)

    file = [items[0], *(dataclasses.replace(item, household={**item.household, "phone": "13700000000"})
                        for item in items[1:])]
    with pytest.raises(StaleHouseholds) as refused:
        write_many(file, by="导入员", chunk_size=1, progress=after_chunk)
    assert saved == ["saved"]
    assert second in str(refused.value) and "被他人修改" in str(refused.value)
    assert Household.objects.get(number=second).phone == "13811112222"
    assert Household.objects.get(number=items[2].household["number"]).phone == "13900000000"  # all or nothing
