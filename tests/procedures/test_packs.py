"""The lookup hook: which pack defines a kind (national kinds from the year's assessment pack,
monitoring kinds from the monitoring pack), what the open form offers, and an unknown kind."""

from __future__ import annotations

import pytest
from django.utils import timezone

from liangfang.assessments.models import AssessmentRun
from liangfang.domain.problems import ValidationFailed
from liangfang.procedures.packs import finder_for, offered_kinds, pack_in_force
from liangfang.procedures.services import case_open

from .conftest import D, World


def _run(year: int, pack: str) -> None:
    AssessmentRun.objects.create(year=year, pack=pack, pack_version="1", pack_snapshot="{}", engine="sql",
                                 started_at=timezone.now(), finished_at=timezone.now())


def test_a_national_kind_comes_from_the_pack_the_year_was_assessed_with(world: World) -> None:
    _run(2020, "jilin-taobei-2020")
    _run(2019, "no-such-pack")  # a county file since moved: the national pack decides
    assert pack_in_force("household_exit", 2020, D(2020, 11, 2))[0] == "jilin-taobei-2020"
    assert pack_in_force("household_exit", 2019, D(2019, 11, 4))[0] == "cn-national"
    case = case_open(kind="household_exit", year=2020, households=world.households[:1], on=D(2020, 11, 2),
                     actor=world.cadre)
    assert case.pack == "jilin-taobei-2020"
    case = case_open(kind="household_exit", year=2018, households=world.households[1:2], on=D(2018, 11, 5),
                     actor=world.cadre)
    assert case.pack == "cn-national"


def test_each_kind_has_one_family(world: World) -> None:
    assert finder_for("household_exit").name == "national"
    assert finder_for("risk_elimination").name == "monitoring"
    with pytest.raises(ValidationFailed, match="no pack defines a procedure 'household_removal'"):
        case_open(kind="household_removal", year=2020, households=world.households[:1], on=D(2020, 11, 2),
                  actor=world.cadre)


def test_the_open_form_offers_the_monitoring_kinds_from_the_monitoring_pack(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIANGFANG_MONITORING_PACK", raising=False)
    offered = {(ref, kind) for ref, kind, _ in offered_kinds()}
    assert {("jilin-monitoring-2021", "monitoring_identification"), ("jilin-monitoring-2021", "risk_elimination"),
            ("cn-national", "household_exit"), ("jilin-taobei-2020", "household_exit")} <= offered
    assert not {kind for ref, kind in offered if ref == "cn-national"} & {"monitoring_identification",
                                                                          "risk_elimination"}
