"""The log-in throttle holds under simultaneous attempts and whatever form the user name is typed in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from liangfang.accounts.backends import AccountBackend
from liangfang.accounts.throttle import normal_username
from tests.web.conftest import PASSWORD


def _login(username: str, password: str, ip: str = "10.0.0.1") -> int:
    return Client().post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip).status_code


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["ｃａｄｒｅ", "CADRE", " Cadre", "ｃａｄｒｅ\u3000"])
def test_a_lock_holds_for_the_name_typed_otherwise(world, typed: str) -> None:
    for _ in range(5):
        assert _login("cadre", "wrong") == 200
    assert _login(typed, PASSWORD) == 429


@pytest.mark.django_db
def test_a_full_width_name_logs_in_as_the_same_user(world) -> None:
    assert _login("ｃａｄｒｅ", PASSWORD) == 302  # Django's form folds it: so must the throttle


def test_the_key_is_nfkc_then_casefolded() -> None:
    assert normal_username("ＣａｄＲＥ") == normal_username("cadre") == "cadre"
    assert normal_username("ﬁona") == "fiona"


def race(n: int = 40) -> tuple[int, int, list[int]]:
    """``n`` wrong passwords for one name from one address at the same moment, then ten more one
    after another: how many reached the password check in the burst and in all, and the burst's
    answers. Each check takes 0.2 s, as a real password hash does: the window a check-then-count
    throttle leaves open."""
    checked: list[str] = []
    lock = threading.Lock()
    real = AccountBackend.authenticate

    def slow_check(self: AccountBackend, request: Any, username: str | None = None,
                   password: str | None = None, **kw: Any) -> Any:
        with lock:
            checked.append(str(password))
        time.sleep(0.2)
        return real(self, request, username=username, password=password, **kw)

    AccountBackend.authenticate = slow_check  # type: ignore[method-assign,assignment]
    start = threading.Barrier(n)
    statuses: list[int] = []

    def attempt(i: int) -> None:
        try:
            start.wait()
            statuses.append(_login("cadre", f"wrong{i}"))
        finally:
            connections.close_all()

    try:
        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        in_burst = len(checked)
        for i in range(10):
            _login("cadre", f"later{i}")
    finally:
        AccountBackend.authenticate = real  # type: ignore[method-assign]
    return in_burst, len(checked), statuses


def _assert_at_most_five(in_burst: int, in_all: int, statuses: list[int]) -> None:
    assert len(statuses) == 40, statuses
    assert in_burst <= 5, f"{in_burst} passwords checked at once"
    assert statuses.count(429) >= 35
    assert in_all == 5, f"{in_all} passwords checked in all"  # and the lock still comes at five


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQLite case runs on a file below")
def test_forty_simultaneous_wrong_passwords_check_at_most_five_postgresql(world) -> None:
    _assert_at_most_five(*race())
    assert _login("cadre", PASSWORD) == 429


_SQLITE_SETTINGS = """
from liangfang.settings import *  # noqa
ALLOWED_HOSTS = ["testserver"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
"""
_SQLITE_RACE = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.accounts.test_throttle import race
print(json.dumps(race()))
"""


def test_forty_simultaneous_wrong_passwords_check_at_most_five_sqlite(tmp_path: Path) -> None:
    """On an SQLite file as served (the test database in memory cannot take writers in threads)."""
    (tmp_path / "race_settings.py").write_text(_SQLITE_SETTINGS)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    root = Path(__file__).resolve().parents[2]
    env.update(LIANGFANG_VAR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="race_settings",
               PYTHONPATH=os.pathsep.join([str(tmp_path), str(root)]))
    out = subprocess.run([sys.executable, "-c", _SQLITE_RACE], env=env, cwd=root, check=True,
                         capture_output=True, text=True).stdout
    _assert_at_most_five(*json.loads(out.strip().splitlines()[-1]))
