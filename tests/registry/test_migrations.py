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

        executor = _migrate(AFTER)
        # the models as of AFTER: later migrations add columns the database does not have yet
        Now = executor.loader.project_state(AFTER).apps.get_model("registry", "CadrePairing")

        found = {p.household.number: p.village.code for p in Now.objects.select_related("household", "village")}
        assert found == {"H0": "220802100001", "H1": "220802100002", "H2": "220802100001", "H3": "220802100002"}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


CHAIN_BEFORE = [("registry", "0004_cadre_pairing_village")]
CHAIN_AFTER = [("registry", "0007_procedures_chain_and_status_via"), ("procedures", "0002_case_records_chained")]


def test_existing_change_records_are_chained_in_order_and_statuses_marked_imported() -> None:
    executor = _migrate(CHAIN_BEFORE)
    try:
        apps = executor.loader.project_state(CHAIN_BEFORE).apps
        Region = apps.get_model("registry", "Region")
        Household = apps.get_model("registry", "Household")
        ChangeRecord = apps.get_model("registry", "ChangeRecord")
        village = Region.objects.create(code="220802100001", name="新建村", level="village")
        Household.objects.create(number="H1", village=village, is_registered=True, status="exited", exit_year=2018)
        Household.objects.create(number="H2", village=village)
        for i in range(3):
            ChangeRecord.objects.create(actor="setup", action="update", entity="household", entity_id=i,
                                        household_number="H1", changes={"b": [1, "2"], "a": None}, note=f"n{i}")

        _migrate(CHAIN_AFTER)

        from liangfang.audit.verify import verify_chain
        from liangfang.registry.models import ChangeRecord as Now

        assert list(Now.objects.order_by("id").values_list("seq", flat=True)) == [1, 2, 3]
        report = verify_chain()
        assert report.ok and report.entries == 3 and report.head_seq == 3
        after = executor.loader.project_state(CHAIN_AFTER).apps.get_model("registry", "Household")
        assert dict(after.objects.values_list("number", "status_via")) == {"H1": "imported", "H2": ""}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_members_born_after_registration_joined_at_birth() -> None:
    before, after = [("registry", "0004_cadre_pairing_village")], [("registry", "0005_figures_dated_facts")]
    executor = _migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        Region = apps.get_model("registry", "Region")
        Household = apps.get_model("registry", "Household")
        Member = apps.get_model("registry", "Member")
        county = Region.objects.create(code="220802000000", name="洮北区", level="county")
        village = Region.objects.create(code="220802100001", name="1村", level="village", parent=county)
        home = Household.objects.create(number="H1", village=village, is_registered=True, status="not_exited",
                                        first_identified_on=dt.date(2014, 6, 1))
        for rid, born in (("220802197003010011", dt.date(1970, 3, 1)), ("220802202103010012", dt.date(2021, 3, 1))):
            Member.objects.create(household=home, resident_id=rid, name=rid[-4:], sex="male", birth_date=born,
                                  relation="head" if born.year == 1970 else "son")

        done = _migrate(after)
        now = done.loader.project_state(after).apps.get_model("registry", "Member")
        joined = dict(now.objects.values_list("birth_date", "joined_on"))
        assert joined == {dt.date(1970, 3, 1): None, dt.date(2021, 3, 1): dt.date(2021, 3, 1)}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_stored_out_of_range_values_are_cleared_and_logged_before_the_ranges_are_checked() -> None:
    """SQLite kept ``1e999999`` as Inf (and an amount could be negative or NaN): the migration that adds
    the range constraints clears each such value (NULL where allowed, else 0) and logs the old one."""
    before = [("registry", "0004_cadre_pairing_village"), ("plans", "0001_initial")]
    executor = _migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        Region = apps.get_model("registry", "Region")
        Household = apps.get_model("registry", "Household")
        county = Region.objects.create(code="220802000000", name="洮北区", level="county")
        village = Region.objects.create(code="220802100001", name="一村", level="village", parent=county)
        bad = Household.objects.create(number="BAD1", village=village, is_registered=False, status="general")
        good = Household.objects.create(number="GOOD1", village=village, is_registered=False, status="general",
                                        housing_area=80, cultivated_area=3)
        huge = "-1e999999" if connection.vendor == "sqlite" else "-5"  # PostgreSQL's numeric(p, s) refuses Inf
        with connection.cursor() as cursor:
            cursor.execute("UPDATE registry_household SET cultivated_area = %s, housing_area = %s WHERE id = %s",
                           [huge, "1e999999" if connection.vendor == "sqlite" else "99999.5", bad.pk])

        _migrate(AFTER_BOUNDS)

        # the models as of that migration: later ones add columns the current models read
        state = executor.loader.project_state(AFTER_BOUNDS).apps
        ChangeRecord = state.get_model("registry", "ChangeRecord")
        Now = state.get_model("registry", "Household")

        repaired = Now.objects.get(pk=bad.pk)  # reading it no longer fails
        assert (repaired.cultivated_area, repaired.housing_area) == (0, None)
        kept = Now.objects.get(pk=good.pk)
        assert (kept.cultivated_area, kept.housing_area) == (3, 80)
        logged = {tuple(r.changes): r for r in ChangeRecord.objects.filter(action="repair_out_of_range")}
        assert set(logged) == {("cultivated_area",), ("housing_area",)}
        assert all(r.household_number == "BAD1" and r.entity_id == bad.pk for r in logged.values())
        assert logged[("cultivated_area",)].changes["cultivated_area"][1] == "0"
        assert "请核实后重填" in logged[("housing_area",)].note
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


AFTER_BOUNDS = [("registry", "0006_bounds_ranges"), ("plans", "0002_bounds_ranges")]
