"""`liangfang demo` runs the main job end to end on a small district: synthesis, assessment of the
year, plans for the households below the standard; run again, it keeps what is there, and serves
the site."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from liangfang.assessments.models import AssessmentRun
from liangfang.cli import app
from liangfang.cli.setup_cmds import DEMO_YEAR
from liangfang.monitoring.models import Lead, MonitoringObject
from liangfang.plans.models import Plan, PlanRun
from liangfang.procedures.models import Case
from liangfang.registry.models import Household
from liangfang.registry.selectors import top_region
from liangfang.web.selectors.dashboard import compute_dashboard

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_assesses_and_plans_once_then_serves(settings, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path  # the demo password file
    runner = CliRunner()
    # 0.03, not 0.02: the smaller district (after the end-2019 figures were fixed) has no open
    # monitoring object whose elimination conditions hold this month, so no elimination case runs.
    result = runner.invoke(app, ["demo", "--scale", "0.03", "--no-serve"])
    assert result.exit_code == 0, result.output
    run = AssessmentRun.objects.get(year=DEMO_YEAR)
    assert run.finished_at is not None and run.households.exists()
    failing = run.households.exclude(verdict="pass").count()
    plan_run = PlanRun.objects.get(year=DEMO_YEAR)
    assert failing > 0 and plan_run.households_in_need == failing
    assert Plan.objects.filter(year=DEMO_YEAR, status="proposed").count() == failing
    assert "帮扶计划" in result.output and "demo" in result.output
    # dynamic monitoring from 2021: objects admitted and eliminated, and cases through both procedures
    assert "防止返贫动态监测" in result.output
    assert MonitoringObject.objects.filter(eliminated_on__isnull=False).exists()
    assert MonitoringObject.objects.filter(eliminated_on__isnull=True).exists()
    announced = set(Case.objects.filter(state="decided").values_list("kind", flat=True))
    assert {"monitoring_identification", "risk_elimination"} <= announced
    assert MonitoringObject.objects.filter(entry_case_ref__contains="#").exists()
    county = top_region()
    assert county is not None and dict(compute_dashboard(county).monitored_by_year)[2021] > 0
    monitoring = (MonitoringObject.objects.count(), Lead.objects.count(), Case.objects.count())
    households = Household.objects.count()
    started: list[list[str]] = []
    monkeypatch.setattr(os, "execv", lambda path, args: started.append(args))  # instead of becoming gunicorn
    again = runner.invoke(app, ["demo", "--port", "8123"])  # and serve the site
    assert again.exit_code == 0, again.output
    server = started[0]
    assert server[server.index("--bind") + 1] == "127.0.0.1:8123"
    assert (server[server.index("--workers") + 1], server[server.index("--threads") + 1]) == ("2", "2")
    assert (Household.objects.count(), AssessmentRun.objects.count(), PlanRun.objects.count()) == (households, 1, 1)
    assert (MonitoringObject.objects.count(), Lead.objects.count(), Case.objects.count()) == monitoring
