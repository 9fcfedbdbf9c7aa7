"""Passwords on the web: one's own (with the current one), and a county administrator's reset of a
login in their region; both checked by the site's password validators and recorded."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from liangfang.registry.models import ChangeRecord
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW = "a-brand-new-passphrase-7"


def _logs_in(username: str, password: str) -> bool:
    return Client().login(username=username, password=password)


def test_changing_ones_own_password(world, login) -> None:  # type: ignore[no-untyped-def]
    c = login("cadre")
    assert "修改我的密码" in c.get("/account/password/").content.decode()
    wrong = c.post("/account/password/", {"current": "not-it", "new_password": NEW, "again": NEW})
    assert wrong.status_code == 400 and "当前密码不正确" in wrong.content.decode()
    differ = c.post("/account/password/", {"current": PASSWORD, "new_password": NEW, "again": NEW + "x"})
    assert differ.status_code == 400 and "不一致" in differ.content.decode()
    weak = c.post("/account/password/", {"current": PASSWORD, "new_password": "password", "again": "password"})
    assert weak.status_code == 400  # Django's validators: too short and too common
    assert _logs_in("cadre", PASSWORD)
    ok = c.post("/account/password/", {"current": PASSWORD, "new_password": NEW, "again": NEW})
    assert ok.status_code == 302
    assert _logs_in("cadre", NEW) and not _logs_in("cadre", PASSWORD)
    assert c.get("/households/").status_code == 200  # still logged in on this device
    record = ChangeRecord.objects.filter(action="set_password", actor="cadre").latest("id")
    assert record.changes["user"] == "cadre" and NEW not in str(record.changes) and not record.note


def test_an_administrator_resets_a_login_of_their_region(world, login) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin")
    listing = admin.get("/accounts/").content.decode()
    assert "/accounts/cadre/password/" in listing and "/accounts/reviewer/password/" in listing
    r = admin.post("/accounts/cadre/password/", {"new_password": NEW, "again": NEW})
    assert r.status_code == 302
    assert _logs_in("cadre", NEW)
    record = ChangeRecord.objects.filter(action="set_password", actor="admin").latest("id")
    assert record.changes["user"] == "cadre" and "reset" in record.note and NEW not in str(record.changes)


def test_only_county_administrators_reset_and_only_inside_their_region(world, login) -> None:  # type: ignore[no-untyped-def]
    for persona in ("reviewer", "cadre", "inspector"):
        assert login(persona).get("/accounts/").status_code == 403
        assert login(persona).post("/accounts/other_cadre/password/", {"new_password": NEW, "again": NEW}
                                   ).status_code == 403
    assert _logs_in("other_cadre", PASSWORD)
    assert login("admin").get("/accounts/nobody/password/").status_code == 404  # no account
    assert login("admin").get("/accounts/no-such-user/password/").status_code == 404
    User.objects.create_superuser(username="root", password="x-long-password-1")
    assert login("admin").get("/accounts/root/password/").status_code == 404
