"""Small things a user noticed: the change log names a cadre rather than showing a resident ID; a
village with no poor villages and a region with nobody show "—", not "0 / 0" or "0%"."""

from __future__ import annotations

import datetime as dt

import pytest

from liangfang.ids import make_resident_id
from liangfang.pairing.services import cadre_pairings_write_many
from liangfang.registry.models import Cadre
from liangfang.registry.services.regions import regions_write_many
from tests.factories import OTHER_VILLAGE

pytestmark = pytest.mark.django_db


def test_the_change_log_names_the_cadre_a_batch_paired(world, login) -> None:  # type: ignore[no-untyped-def]
    rid = make_resident_id("220802", dt.date(1980, 1, 1), 77, "male")
    Cadre.objects.create(name="赵帮扶", unit_name="区水利局", unit_level="county", resident_id=rid)
    cadre_pairings_write_many([{"cadre": rid, "household_number": world.theirs.number,
                                "start_date": dt.date(2020, 1, 1), "end_date": None}], by="t")
    body = login("admin").get(f"/households/{world.theirs.number}/").content.decode()
    history = body.split('class="history"')[1].split("</ol>")[0]
    # the batch opens the pairing through the one pairing service: logged as the web form's, by name
    assert "帮扶责任人: 赵帮扶" in history and rid not in history


def test_a_region_without_poor_villages_or_people_shows_a_dash(world, login) -> None:  # type: ignore[no-untyped-def]
    body = login("admin").get(f"/region/{OTHER_VILLAGE}/").content.decode()
    figure = body.split('data-figure="poor_villages_exited"')[1].split("</span>")[0]
    assert "—" in figure and "0 / 0" not in body
    regions_write_many([{"code": "220802201003", "name": "空村", "level": "village",
                         "parent_code": "220802201000"}], by="t")
    empty = login("admin").get("/region/220802201003/").content.decode()
    incidence = empty.split('data-figure="incidence_now"')[1].split("</a>")[0]
    assert "—" in incidence and "0%" not in incidence
