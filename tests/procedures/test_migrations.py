"""The data migration that moves existing monitoring cases to the monitoring pack: the case names
the monitoring pack in force, the change is sealed (the chain still verifies), other cases keep
their pack."""

from __future__ import annotations

import importlib

from django.apps import apps

from liangfang.audit.verify import verify_chain
from liangfang.monitoring.services.objects import object_admit
from liangfang.policy.loader import load_pack
from liangfang.policy.monitoring import load_monitoring_pack
from liangfang.procedures.models import Case, CaseRecord, case_seal
from liangfang.procedures.selectors import case_lines
from liangfang.procedures.services import case_open

from .conftest import D, World

MIGRATION = importlib.import_module("liangfang.procedures.migrations.0003_monitoring_cases_name_their_pack")


def test_a_monitoring_case_that_named_the_exit_pack_names_the_monitoring_pack(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("LIANGFANG_MONITORING_PACK", raising=False)
    home = world.households[0]
    object_admit(household=home, on=D(2023, 6, 26), category="edge", risk_types=["illness"], case_ref="t", by="t")
    moved = case_open(kind="risk_elimination", year=2024, households=[home], on=D(2024, 3, 4), actor=world.cadre)
    kept = case_open(kind="household_exit", year=2020, households=world.households[1:2], on=D(2020, 11, 2),
                     actor=world.cadre)
    # as a case opened before the move was: it named cn-national (sealed so)
    Case.objects.filter(pk=moved.pk).update(pack="cn-national", pack_version="2016.3")
    case_seal(Case.objects.get(pk=moved.pk))
    assert verify_chain().ok
    records = CaseRecord.objects.count()

    MIGRATION.name_monitoring_packs(apps, None)

    moved.refresh_from_db()
    kept.refresh_from_db()
    assert (moved.pack, moved.pack_version) == ("jilin-monitoring-2021",
                                                load_monitoring_pack("jilin-monitoring-2021").version)
    assert (kept.pack, kept.pack_version) == ("cn-national", load_pack("cn-national").version)
    assert CaseRecord.objects.count() == records + 1
    assert CaseRecord.objects.filter(case=moved).order_by("-seq").first().pack == "jilin-monitoring-2021"  # type: ignore[union-attr]
    assert verify_chain().ok
    assert case_lines([moved], D(2024, 3, 5))[0].proc.name.en == "risk elimination"
    MIGRATION.name_monitoring_packs(apps, None)  # run again: nothing left to move
    assert CaseRecord.objects.count() == records + 1
