"""A township with two villages, registered households, and one actor per role."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from PIL import Image

from liangfang.procedures.actors import Actor
from liangfang.procedures.services import Upload
from liangfang.registry.models import Household, Region
from liangfang.registry.services.households import household_create
from tests.factories import COUNTY, OTHER_VILLAGE, TOWNSHIP, VILLAGE, household_data, make_regions, member_data


@dataclass
class World:
    regions: dict[str, Region]
    households: list[Household]  # in 新建村
    theirs: Household  # in 红日村
    cadre: Actor
    other_cadre: Actor
    reviewer: Actor
    admin: Actor
    inspector: Actor


def minutes(name: str = "minutes.png", kind: str = "minutes") -> Upload:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buf, "PNG")
    return Upload(kind, name, buf.getvalue())


@pytest.fixture
def world(db: None, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    regions = make_regions()
    Region.objects.filter(code=TOWNSHIP).update(office_phone="0436-1234567")
    regions = {r.code: r for r in Region.objects.all()}
    homes = [household_create(village=regions[VILLAGE], data=household_data(phone="13812345678"),
                              members=[member_data(health_status="chronic")], by="setup") for _ in range(3)]
    theirs = household_create(village=regions[OTHER_VILLAGE], data=household_data(number=f"{OTHER_VILLAGE}9001"),
                              members=[member_data()], by="setup")
    return World(regions, homes, theirs,
                 Actor("cadre", "village_cadre", regions[VILLAGE]),
                 Actor("other_cadre", "village_cadre", regions[OTHER_VILLAGE]),
                 Actor("reviewer", "township_reviewer", regions[TOWNSHIP]),
                 Actor("admin", "county_admin", regions[COUNTY]),
                 Actor("inspector", "inspector", regions[COUNTY]))


D = dt.date
