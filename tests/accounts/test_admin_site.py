"""Django's admin knows nothing of regions, roles or masking: it is off the served site by default,
and when switched on it serves a superuser on this machine only, through the throttled log-in."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import clear_url_caches
from typer.testing import CliRunner

import liangfang.urls
from liangfang.cli import app
from liangfang.registry.models import Member
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _reload_urls() -> None:
    importlib.reload(liangfang.urls)
    clear_url_caches()


@pytest.fixture
def admin_on(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.LIANGFANG_ADMIN = True
    _reload_urls()
    yield
    settings.LIANGFANG_ADMIN = False
    _reload_urls()


def _superuser() -> User:
    return User.objects.create_superuser("root", password=PASSWORD)


def test_the_admin_is_not_served_by_default(world) -> None:
    client = Client()
    client.force_login(_superuser())
    for url in ("/admin/", "/admin/login/", "/admin/registry/member/"):
        assert client.get(url).status_code == 404, url
        assert Client().get(url).status_code == 404, url


def test_a_staff_inspector_cannot_read_members_through_the_admin(world, admin_on) -> None:
    inspector = world.users["inspector"]
    inspector.is_staff = True  # granted by mistake, as `demo` did
    inspector.save()
    client = Client()
    client.force_login(inspector)
    head = Member.objects.get(household=world.theirs, relation="head")
    for url in ("/admin/", "/admin/registry/member/", f"/admin/registry/member/?q={head.resident_id}",
                f"/admin/registry/member/{head.pk}/change/"):
        r = client.get(url)
        assert r.status_code != 200, url
        assert head.name not in r.content.decode(), url


def test_the_admin_serves_a_superuser_on_this_machine_only(world, admin_on) -> None:
    root = _superuser()
    local = Client()
    local.force_login(root)
    assert local.get("/admin/registry/member/").status_code == 200
    remote = Client(REMOTE_ADDR="10.1.2.3")
    remote.force_login(root)
    assert remote.get("/admin/registry/member/").status_code == 404
    proxied = Client(HTTP_X_FORWARDED_FOR="10.1.2.3")
    proxied.force_login(root)
    assert proxied.get("/admin/registry/member/").status_code == 404


def test_the_admin_logs_in_through_the_throttled_page(world, admin_on) -> None:
    r = Client().get("/admin/login/?next=/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    r = Client().post("/admin/login/", {"username": "root", "password": "wrong"})
    assert r.status_code == 302 and r["Location"].startswith("/login/")  # no second form to guess on


def test_demo_user_add_and_init_grant_staff_only_when_asked(world, settings, tmp_path) -> None:
    from liangfang.cli.account_cmds import grant_top_region
    from liangfang.cli.setup_cmds import DEMO_USER, _ensure_user

    settings.VAR_DIR = tmp_path
    _ensure_user(DEMO_USER, PASSWORD, by="demo")  # what `demo` does with its login
    grant_top_region(DEMO_USER)
    demo = User.objects.get(username=DEMO_USER)
    assert not demo.is_staff and not demo.is_superuser
    result = CliRunner().invoke(app, ["user", "add", "lin", "--role", "inspector", "--region", "220802000000",
                                      "--password-stdin"],
                                input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert not User.objects.get(username="lin").is_staff
    result = CliRunner().invoke(app, ["init", "--admin", "root"], env={"LIANGFANG_ADMIN_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    root = User.objects.get(username="root")
    assert root.is_staff and root.is_superuser
