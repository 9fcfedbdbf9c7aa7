"""Personas and a small registry for the web tests: a county with one township and two villages
(新建村, 红日村), households in each, and one login per role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from liangfang.accounts.services import user_create
from liangfang.pairing.services import cadre_pairing_set
from liangfang.procedures.services import Upload
from liangfang.registry.models import Cadre, Household, Region
from liangfang.registry.services.households import household_create, income_set
from tests.factories import (
    COUNTY,
    OTHER_VILLAGE,
    TOWNSHIP,
    VILLAGE,
    household_data,
    income_data,
    make_regions,
    member_data,
)
from tests.procedures.conftest import minutes

PASSWORD = "a-long-test-password-1"


@dataclass
class World:
    regions: dict[str, Region]
    mine: Household  # in 新建村 (VILLAGE)
    mine_exited: Household  # in 新建村, exited
    theirs: Household  # in 红日村 (OTHER_VILLAGE)
    cadre: Cadre
    users: dict[str, User]


PERSONAS = {
    "admin": ("county_admin", COUNTY),
    "reviewer": ("township_reviewer", TOWNSHIP),
    "cadre": ("village_cadre", VILLAGE),
    "other_cadre": ("village_cadre", OTHER_VILLAGE),
    "inspector": ("inspector", COUNTY),
}


def _household(village: Region, **extra: object) -> Household:
    h = household_create(
        village=village, data=household_data(number=None, phone="13812345678", bank_name="农村信用社",
                                             bank_account="6228480012345678", **extra),
        members=[member_data(health_status="chronic"), member_data("spouse", sex="female"),
                 member_data("son", born=dt.date(2012, 3, 1), school_status="primary")],
        by="setup")
    income_set(household=h, year=2020, data={k: str(v) for k, v in income_data(
        wage_income=9000, transfer_minimum_living=1200, business_expense=600).items() if k != "year"},
        expected_version=h.version, by="setup")
    return h


@pytest.fixture(autouse=True)
def web_settings(settings):  # type: ignore[no-untyped-def]
    """Pages name static files without the hashed manifest that ``collectstatic`` writes for
    serving; passwords are hashed fast (the personas log in many times)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test process keeps its own cache: test databases of parallel workers share ids.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "liangfang-tests"}}
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def world(db: None) -> World:
    cache.clear()
    regions = make_regions()
    mine = _household(regions[VILLAGE])
    exited = _household(regions[VILLAGE], status="exited", exit_year=2019)
    theirs = _household(regions[OTHER_VILLAGE], main_cause="disability")
    cadre = Cadre.objects.create(name="王帮扶", unit_name="区财政局", unit_level="county", phone="13900001111")
    cadre_pairing_set(household=mine, cadre=cadre, start_date=dt.date(2016, 1, 1),
                      expected_version=Household.objects.get(pk=mine.pk).version, by="setup")
    users = {}
    for name, (role, code) in PERSONAS.items():
        users[name] = user_create(username=name, password=PASSWORD, region_code=code, role=role, by="setup").user
    users["nobody"] = User.objects.create_user(username="nobody", password=PASSWORD)
    return World(regions=regions, mine=Household.objects.get(pk=mine.pk), mine_exited=exited,
                 theirs=Household.objects.get(pk=theirs.pk), cadre=cadre, users=users)


@pytest.fixture
def login(world: World):  # type: ignore[no-untyped-def]
    def as_(persona: str) -> Client:
        client = Client()
        client.force_login(world.users[persona])
        return client

    return as_


@pytest.fixture
def signed_consent(settings, tmp_path) -> Upload:  # type: ignore[no-untyped-def]
    """A household's signed consent, scanned (a small PNG); stored files go to this test's folder."""
    settings.VAR_DIR = tmp_path
    return minutes("授权承诺书.png", "consent")
