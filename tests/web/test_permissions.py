"""Every view, for personas inside the household's region, outside it, read-only and without an
account: an outsider gets 404 (or 403), never data."""

from __future__ import annotations

import pytest
from django.test import Client

from liangfang.registry.models import ChangeRecord, Household, Member
from tests.factories import COUNTY, OTHER_VILLAGE, TOWNSHIP, VILLAGE

pytestmark = pytest.mark.django_db

READ_VIEWS = ["/households/{n}/"]
EDIT_VIEWS = ["/households/{n}/edit/", "/households/{n}/members/add/", "/households/{n}/members/{m}/edit/",
              "/households/{n}/members/{m}/remove/", "/households/{n}/incomes/add/",
              "/households/{n}/incomes/2020/", "/households/{n}/cadre/", "/households/{n}/monitoring/apply/"]


def _urls(household: Household, views: list[str]) -> list[str]:
    member = Member.objects.filter(household=household, relation="spouse").first()
    assert member is not None
    return [v.format(n=household.number, m=member.pk) for v in views]


@pytest.mark.parametrize("persona", ["admin", "reviewer", "cadre"])
def test_people_of_the_region_open_every_view(world, login, persona: str) -> None:
    c = login(persona)
    for url in _urls(world.mine, READ_VIEWS + EDIT_VIEWS):
        assert c.get(url).status_code == 200, url


def test_it_refuses_other_village_by_guessed_url(world, login) -> None:
    c = login("other_cadre")
    head = Member.objects.get(household=world.mine, relation="head")
    for url in _urls(world.mine, READ_VIEWS + EDIT_VIEWS):
        r = c.get(url)
        assert r.status_code == 404, url
        body = r.content.decode()
        assert world.mine.number not in body and head.name not in body


def test_it_refuses_other_village_writes_and_changes_nothing(world, login) -> None:
    c = login("other_cadre")
    before = ChangeRecord.objects.count()
    r = c.post(f"/households/{world.mine.number}/edit/", {"version": world.mine.version, "group_name": "x"})
    assert r.status_code == 404
    assert ChangeRecord.objects.count() == before
    assert Household.objects.get(pk=world.mine.pk).group_name == ""


def test_inspector_reads_but_changes_nothing(world, login) -> None:
    c = login("inspector")
    assert c.get(f"/households/{world.mine.number}/").status_code == 200
    for url in _urls(world.mine, EDIT_VIEWS):
        assert c.get(url).status_code == 403, url
    before = ChangeRecord.objects.count()
    r = c.post(f"/households/{world.mine.number}/edit/", {"version": world.mine.version, "group_name": "x"})
    assert r.status_code == 403
    assert ChangeRecord.objects.count() == before
    page = c.get(f"/households/{world.mine.number}/").content.decode()
    assert "/edit/" not in page


def test_a_login_without_account_sees_nothing(world, login) -> None:
    c = login("nobody")
    for url in ["/", f"/region/{COUNTY}/", "/households/", "/households/export.xlsx",
                *_urls(world.mine, READ_VIEWS + EDIT_VIEWS)]:
        r = c.get(url)
        assert r.status_code == 403, url
        assert world.mine.number not in r.content.decode()


def test_anonymous_is_sent_to_log_in(world) -> None:
    c = Client()
    for url in ["/", f"/region/{COUNTY}/", "/households/", *_urls(world.mine, READ_VIEWS + EDIT_VIEWS)]:
        r = c.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/login/"), url


@pytest.mark.parametrize(("persona", "code", "status"), [
    ("admin", COUNTY, 200), ("admin", VILLAGE, 200), ("reviewer", TOWNSHIP, 200), ("reviewer", COUNTY, 404),
    ("cadre", VILLAGE, 200), ("cadre", OTHER_VILLAGE, 404), ("cadre", TOWNSHIP, 404), ("cadre", COUNTY, 404),
    ("inspector", COUNTY, 200), ("cadre", "999999999999", 404),
])
def test_dashboards_stay_inside_the_region(world, login, persona: str, code: str, status: int) -> None:
    assert login(persona).get(f"/region/{code}/").status_code == status


def test_start_page_is_the_own_region_dashboard(world, login) -> None:
    assert login("cadre").get("/")["Location"] == f"/region/{VILLAGE}/"
    assert login("reviewer").get("/")["Location"] == f"/region/{TOWNSHIP}/"


def test_the_list_shows_only_the_region(world, login) -> None:
    body = login("cadre").get("/households/").content.decode()
    assert world.mine.number in body and world.theirs.number not in body
    assert login("cadre").get(f"/households/?region={OTHER_VILLAGE}").status_code == 404
    their_id = Member.objects.get(household=world.theirs, relation="head").resident_id
    found = login("cadre").get(f"/households/?q={their_id}").content.decode()
    assert world.theirs.number not in found
    both = login("reviewer").get("/households/").content.decode()
    assert world.mine.number in both and world.theirs.number in both


def test_a_superuser_without_account_acts_for_the_whole_registry(world) -> None:
    from django.contrib.auth.models import User

    root = User.objects.create_superuser(username="root", password="x-long-password-1")
    c = Client()
    c.force_login(root)
    assert c.get("/")["Location"] == f"/region/{COUNTY}/"
    assert c.get(f"/households/{world.theirs.number}/").status_code == 200


def test_a_changed_role_applies_at_once(world, login) -> None:
    from liangfang.accounts.services import account_set

    c = login("cadre")
    assert c.get(f"/households/{world.mine.number}/edit/").status_code == 200
    account_set(user=world.users["cadre"], region_code=VILLAGE, role="inspector", by="admin")
    assert c.get(f"/households/{world.mine.number}/edit/").status_code == 403
    account_set(user=world.users["cadre"], region_code=OTHER_VILLAGE, role="village_cadre", by="admin")
    assert c.get(f"/households/{world.mine.number}/").status_code == 404
    # a change made around the service (the admin site, a script) applies at once too: the account
    # is read with the user on every page, not kept anywhere
    from liangfang.accounts.models import Account

    Account.objects.filter(user=world.users["cadre"]).update(role="inspector", region=world.regions[VILLAGE])
    assert c.get(f"/households/{world.mine.number}/").status_code == 200
    assert c.get(f"/households/{world.mine.number}/edit/").status_code == 403


def test_who_is_asking_costs_one_query(world, login) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = login("cadre")
    c.get("/")  # the session's first page records its start
    with CaptureQueriesContext(connection) as queries:
        assert c.get("/").status_code == 302  # home: only who is asking, then a redirect
    assert len(queries) == 1
    assert 'JOIN "accounts_account"' in queries[0]["sql"] and 'JOIN "registry_region"' in queries[0]["sql"]
