"""Log-in throttling, session idle expiry, CSRF and security headers."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.test import Client
from django.utils import timezone

from liangfang.accounts import throttle
from liangfang.accounts.models import LoginAttempt
from liangfang.web.middleware import SessionIdleTimeoutMiddleware
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: Client, password: str, username: str = "cadre", ip: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_lands_on_the_own_region(world) -> None:
    c = Client()
    r = _login(c, PASSWORD)
    assert r.status_code == 302 and r["Location"] == "/"
    assert c.get("/")["Location"] == f"/region/{world.regions['220802201001'].code}/"


def test_login_is_throttled_after_repeated_failures(world) -> None:
    c = Client()
    for _ in range(5):
        assert _login(c, "wrong").status_code == 200
    r = _login(c, PASSWORD)  # even the right password is refused while locked
    assert r.status_code == 429
    assert "登录失败次数过多" in r.content.decode()
    assert "_auth_user_id" not in c.session
    # Another address is not locked out by these failures.
    assert _login(Client(), PASSWORD, ip="10.0.0.2").status_code == 302


def test_lock_ends_when_the_window_passes(world) -> None:
    for _ in range(5):
        throttle.record_failure("cadre", "10.0.0.1")
    assert throttle.locked_for("cadre", "10.0.0.1") is not None
    later = timezone.now() + dt.timedelta(minutes=16)
    assert throttle.locked_for("cadre", "10.0.0.1", now=later) is None


def test_success_clears_the_failures(world) -> None:
    c = Client()
    for _ in range(4):
        _login(c, "wrong")
    assert _login(c, PASSWORD).status_code == 302
    assert not LoginAttempt.objects.filter(username="cadre").exists()


def test_one_address_trying_many_names_is_throttled(world) -> None:
    c = Client()
    for i in range(20):
        _login(c, "wrong", username=f"guess{i}")
    assert _login(c, PASSWORD).status_code == 429


def test_idle_session_expires(world, login) -> None:
    c = login("cadre")
    assert c.get("/households/").status_code == 200
    session = c.session
    session[SessionIdleTimeoutMiddleware.KEY] = int(time.time()) - 3600
    session.save()
    r = c.get("/households/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_posts_need_the_csrf_token(world) -> None:
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.users["cadre"])
    r = c.post(f"/households/{world.mine.number}/edit/", {"version": world.mine.version, "group_name": "x"})
    assert r.status_code == 403


def test_security_headers(world, login) -> None:
    r = login("cadre").get(f"/households/{world.mine.number}/")
    csp = r["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert "no-store" in r["Cache-Control"]
    assert "Content-Security-Policy" in Client().get("/login/")


def test_pages_have_no_inline_script_or_style(world, login) -> None:
    c = login("admin")
    for url in ["/login/", f"/region/{world.regions['220802000000'].code}/", "/households/",
                f"/households/{world.mine.number}/", f"/households/{world.mine.number}/edit/"]:
        body = c.get(url, follow=True).content.decode()
        assert "<script>" not in body and "<style" not in body and " style=" not in body, url
        assert "http://" not in body.replace('xmlns="http://www.w3.org/2000/svg"', ""), url
