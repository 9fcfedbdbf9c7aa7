"""A search by full resident ID confirms a guess: a role shown masked IDs gets a bounded number of
them an hour, so masked IDs cannot be rebuilt in bulk by trying the ~33 numbers that fit each."""

from __future__ import annotations

import itertools

import pytest

from liangfang.ids import check_character
from liangfang.registry.models import Member

pytestmark = pytest.mark.django_db


def _guesses(rid: str) -> list[str]:
    """Numbers that fit the mask and the birth year, as an attacker would try them."""
    out = []
    for month, day in itertools.product(range(1, 13), range(1, 29)):
        first17 = f"{rid[:10]}{month:02d}{day:02d}{rid[14:17]}"
        if check_character(first17) == rid[17]:
            out.append(first17 + rid[17])
    return out


def test_a_masked_role_cannot_try_every_number_that_fits(world, login, settings) -> None:
    settings.LIANGFANG_ID_SEARCHES_PER_HOUR = 5
    head = Member.objects.get(household=world.theirs, relation="head")
    client = login("inspector")
    statuses = [client.get("/households/", {"q": guess}).status_code for guess in _guesses(head.resident_id)]
    assert len(statuses) > 5
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}
    refused = client.get("/households/", {"q": head.resident_id})
    assert refused.status_code == 429 and head.name not in refused.content.decode()
    assert client.get("/households/export.xlsx", {"q": head.resident_id}).status_code == 429
    assert client.get("/households/", {"q": head.name}).status_code == 200  # names are not counted


def test_roles_shown_full_ids_are_not_counted(world, login, settings) -> None:
    settings.LIANGFANG_ID_SEARCHES_PER_HOUR = 5
    head = Member.objects.get(household=world.mine, relation="head")
    client = login("admin")
    for _ in range(8):
        assert client.get("/households/", {"q": head.resident_id}).status_code == 200
