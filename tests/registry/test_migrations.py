"""Migrations that fill in data: run on a database that already holds rows, as a county's does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("registry", "0003_cadre_pairing_open_cadre")]
AFTER = [("registry", "0004_cadre_pairing_village")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def test_existing_pairings_get_their_households_village() -> None:
    executor = _migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        Region = apps.get_model("registry", "Region")
        Household = apps.get_model("registry", "Household")
        Cadre = apps.get_model("registry", "Cadre")
        CadrePairing = apps.get_model("registry", "CadrePairing")
        county = Region.objects.create(code="220802000000", name="洮北区", level="county")
        villages = [Region.objects.create(code=f"220802100{v:03d}", name=f"{v}村", level="village", parent=county)
                    for v in (1, 2)]
        homes = [Household.objects.create(number=f"H{i}", village=villages[i % 2], is_registered=True,
                                          status="not_exited") for i in range(4)]
        cadre = Cadre.objects.create(name="王帮扶", unit_name="区财政局", unit_level="county")
        for i, home in enumerate(homes):
            CadrePairing.objects.create(cadre=cadre, household=home, start_date=dt.date(2016, 1, 1),
                                        end_date=dt.date(2017, 1, 1) if i == 3 else None)

        _migrate(AFTER)

        from liangfang.registry.models import CadrePairing as Now

        found = {p.household.number: p.village.code for p in Now.objects.select_related("household", "village")}
        assert found == {"H0": "220802100001", "H1": "220802100002", "H2": "220802100001", "H3": "220802100002"}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
