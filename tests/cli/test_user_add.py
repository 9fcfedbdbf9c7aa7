"""`liangfang user add`: passwords pass Django's validators and never sit on the command line
(where `ps` shows them to every user of the machine)."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from typer.testing import CliRunner

from liangfang.cli import app
from tests.factories import COUNTY, make_regions

pytestmark = pytest.mark.django_db
GOOD = "qiu-shui-2020-wan"


@pytest.fixture
def regions(db):  # type: ignore[no-untyped-def]
    return make_regions()


def _add(*extra: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["user", "add", "lin", "--role", "inspector", "--region", COUNTY, *extra],
                              input=stdin)


def test_a_password_on_the_command_line_is_refused(regions) -> None:
    result = _add("--password", GOOD)
    assert result.exit_code != 0
    assert "--password-stdin" in result.output
    assert not User.objects.filter(username="lin").exists()


@pytest.mark.parametrize("weak", ["1", "password", "20201231"])
def test_a_weak_password_is_refused(regions, weak: str) -> None:
    result = _add("--password-stdin", stdin=weak + "\n")
    assert result.exit_code != 0, result.output
    assert not User.objects.filter(username="lin").exists()


def test_a_password_from_standard_input(regions) -> None:
    result = _add("--password-stdin", stdin=GOOD + "\n")
    assert result.exit_code == 0, result.output
    assert GOOD not in result.output
    assert authenticate(username="lin", password=GOOD) is not None


def test_a_password_at_the_prompt(regions) -> None:
    result = _add("--ask-password", stdin=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert authenticate(username="lin", password=GOOD) is not None


def test_changing_a_password_is_validated_too(regions) -> None:
    assert _add("--password-stdin", stdin=GOOD + "\n").exit_code == 0
    assert _add("--password-stdin", stdin="12345\n").exit_code != 0
    assert authenticate(username="lin", password=GOOD) is not None


def test_without_a_password_a_random_one_is_printed_once(regions) -> None:
    result = _add()
    assert result.exit_code == 0 and "密码" in result.output


def test_init_refuses_a_weak_admin_password_from_the_environment(regions) -> None:
    result = CliRunner().invoke(app, ["init", "--admin", "root"], env={"LIANGFANG_ADMIN_PASSWORD": "1"})
    assert result.exit_code != 0
    assert not User.objects.filter(username="root").exists()
