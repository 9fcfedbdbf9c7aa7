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
from liangfang.plans.models import Plan, PlanRun
from liangfang.registry.models import Household

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_assesses_and_plans_once_then_serves(settings, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path  # the demo password file
    runner = CliRunner()
    result = runner.invoke(app, ["demo", "--scale", "0.02", "--no-serve"])
    assert result.exit_code == 0, result.output
    run = AssessmentRun.objects.get(year=DEMO_YEAR)
    assert run.finished_at is not None and run.households.exists()
    failing = run.households.exclude(verdict="pass").count()
    plan_run = PlanRun.objects.get(year=DEMO_YEAR)
    assert failing > 0 and plan_run.households_in_need == failing
    assert Plan.objects.filter(year=DEMO_YEAR, status="proposed").count() == failing
    assert "帮扶计划" in result.output and "demo" in result.output
    households = Household.objects.count()
    started: list[list[str]] = []
    monkeypatch.setattr(os, "execv", lambda path, args: started.append(args))  # instead of becoming gunicorn
    again = runner.invoke(app, ["demo", "--port", "8123"])  # and serve the site
    assert again.exit_code == 0, again.output
    server = started[0]
    assert server[server.index("--bind") + 1] == "127.0.0.1:8123"
    assert (server[server.index("--workers") + 1], server[server.index("--threads") + 1]) == ("2", "2")
    assert (Household.objects.count(), AssessmentRun.objects.count(), PlanRun.objects.count()) == (households, 1, 1)
