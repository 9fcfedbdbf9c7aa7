"""The 404 and 403 pages keep the menu and the user bar of a logged-in user: a bare page looked like
being logged out."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_not_found_keeps_the_menu_and_the_user_bar(world, login) -> None:  # type: ignore[no-untyped-def]
    r = login("cadre").get("/households/9999999999999999/")
    assert r.status_code == 404
    html = r.content.decode()
    assert 'class="main"' in html and 'class="who"' in html and "cadre" in html and "退出" in html
    assert "未找到" in html


def test_not_found_for_a_visitor_shows_no_user_bar(world) -> None:  # type: ignore[no-untyped-def]
    html = Client().get("/no-such-page/").content.decode()
    assert 'class="who"' not in html


def test_forbidden_keeps_the_menu(world, login) -> None:  # type: ignore[no-untyped-def]
    r = login("inspector").get(f"/households/{world.mine.number}/edit/")  # an inspector only reads
    assert r.status_code == 403
    html = r.content.decode()
    assert 'class="main"' in html and 'class="who"' in html
