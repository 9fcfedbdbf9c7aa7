"""Golden cases: small YAML descriptions of households, villages and counties, built into one
registry (layout rows) so that every case is assessed in a single run.

A case file (tests/engine/golden/<pack>.yaml) has ``year`` and ``cases``; each case names its
``level`` and ``indicator``, the input (overrides of a passing baseline) and the expected
``status`` and explanation ``text`` side by side.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml

from liangfang.ids import make_resident_id

GOLDEN = Path(__file__).parent / "golden"

BASE_HOUSEHOLD: dict[str, Any] = {
    "is_registered": True, "status": "exited", "monitoring": "none", "poverty_attribute": "general",
    "identification_standard": "national", "main_cause": "illness", "other_cause_1": "", "other_cause_2": "",
    "first_identified_on": dt.date(2014, 6, 1), "exit_year": 2019, "housing_area": Decimal("60.0"),
    "housing_grade": "B", "housing_safety_via": "appraised_safe", "housing_renovated_year": None,
    "relocation_mode": "none", "relocation_year": None, "water_litres_per_day": Decimal("40.0"),
    "water_quality": "safe", "water_piped": True, "water_fetch_minutes": None, "water_days_without": 0,
    "housing_appraised_on": None, "water_surveyed_on": None,
    "power_living": True, "power_production": False, "road_type": "hardened", "sanitary_toilet": True,
    "in_cooperative": False, "cultivated_area": Decimal("10.0"),
}
GENERAL_HOUSEHOLD = {**BASE_HOUSEHOLD, "is_registered": False, "status": "general", "exit_year": None,
                     "poverty_attribute": "", "identification_standard": "", "main_cause": "",
                     "first_identified_on": None}
BASE_MEMBER: dict[str, Any] = {
    "sex": "male", "relation": "head", "education": "junior", "school_status": "not_in_school",
    "school_exemption": "none", "health_status": "healthy", "disability_grade": "none",
    "labor_ability": "ordinary", "work_status": "none", "months_worked": 0, "medical_insurance": True,
    "serious_illness_insurance": True, "pension_insurance": True, "family_doctor": True, "is_active": True,
    "birth_date": dt.date(1970, 3, 1), "compulsory_completed": False, "school_status_on": None,
    "medical_scheme": "", "insured_since": None, "joined_on": None, "left_on": None,
}
MONEY_FIELDS = ("wage_income", "business_income", "property_income", "transfer_family_planning",
                "transfer_minimum_living", "transfer_destitute_support", "transfer_pension",
                "transfer_eco_compensation", "transfer_other", "business_expense")
FACILITIES = {"hardened_road": True, "hamlet_roads_hardened": True, "power_grid": True, "broadband": True,
              "broadcast_tv": True, "piped_water": True, "clinic": True, "clinic_doctor": True,
              "culture_room": True, "service_center": True, "garbage_collection": True, "cooperative": True,
              "work_team": True, "collective_income": Decimal("50000.00")}


@dataclass
class Case:
    name: str
    level: str
    indicator: str
    status: str
    text: str
    spec: dict[str, Any]
    subject_id: int = 0  # household, village or county id once built


@dataclass
class Registry:
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {
        "regions": [], "village_facilities": [], "households": [], "members": [], "incomes": []})
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))  # type: ignore[type-arg]

    def next(self) -> int:
        return next(self.ids)


def _money(values: dict[str, Any]) -> dict[str, Any]:
    return {k: Decimal(str(v)) if k in MONEY_FIELDS or k == "collective_income" else v for k, v in values.items()}


def _dates(values: dict[str, Any]) -> dict[str, Any]:
    return {k: dt.date.fromisoformat(v) if isinstance(v, str) and k.endswith(("_date", "_on", "_since")) else v
            for k, v in values.items()}


class Builder:
    def __init__(self, year: int) -> None:
        self.year = year
        self.reg = Registry()
        self.county_seq = itertools.count(1)
        self.province = self._region("220000000000", "吉林省", "province", None)
        self.city = self._region("220800000000", "白城市", "city", self.province)

    def _region(self, code: str, name: str, level: str, parent: int | None, **extra: Any) -> int:
        rid = self.reg.next()
        self.reg.rows["regions"].append({"id": rid, "code": code, "name": name, "level": level, "parent_id": parent,
                                         "is_poor_village": False, "exit_year": None, "is_western": False, **extra})
        return rid

    def county(self, western: bool = False) -> tuple[int, str]:
        n = next(self.county_seq)
        code = f"2208{n:02d}000000"
        cid = self._region(code, f"测试县{n}", "county", self.city, is_western=western)
        return cid, code

    def village(self, county_id: int, county_code: str, index: int, *, poor: bool = True,
                facilities: dict[str, Any] | Literal[False] | None = None, western: bool = False) -> int:
        township = self._region(f"{county_code[:6]}{100 + index:03d}000", f"乡{index}", "township", county_id)
        vid = self._region(f"{county_code[:6]}{100 + index:03d}{200 + index:03d}", f"村{index}", "village", township,
                           is_poor_village=poor, is_western=western)
        if facilities is not False:
            self.reg.rows["village_facilities"].append(
                {"village_id": vid, "year": self.year, **_money({**FACILITIES, **(facilities or {})})})
        return vid

    def household(self, village_id: int, spec: dict[str, Any], *, general: bool = False) -> int:
        hid = self.reg.next()
        base = GENERAL_HOUSEHOLD if general else BASE_HOUSEHOLD
        row = {**base, **_dates(spec.get("household", {})), "id": hid, "number": f"H{hid:06d}",
               "village_id": village_id}
        self.reg.rows["households"].append(_money(row))
        members = spec.get("members")
        if members is None:
            size = spec.get("size", 2)
            members = [{"relation": "head"}, {"relation": "spouse", "sex": "female", "birth_date": "1972-05-01"},
                       *({"relation": "son", "birth_date": "1995-01-01"} for _ in range(max(0, size - 2)))][:size]
        members = [*members, *spec.get("add_members", [])]
        for m in members:
            mid = self.reg.next()
            data = {**BASE_MEMBER, **_dates(m)}
            # vary the issuing county so that sequence numbers (0–499) never repeat a number
            data["resident_id"] = make_resident_id(f"22{mid // 500:04d}", data["birth_date"], mid, data["sex"])
            if not data["is_active"]:
                data.setdefault("left_reason", "died")
            self.reg.rows["members"].append({**data, "id": mid, "household_id": hid})
        incomes = spec.get("incomes")
        if incomes is None:
            incomes = [] if spec.get("no_income") else [{"year": self.year, "wage_income": "10000"}]
        for inc in incomes:
            active = sum(1 for m in members if m.get("is_active", True))
            record = {k: Decimal(0) for k in MONEY_FIELDS}
            record.update(_money({k: v for k, v in inc.items() if k != "year"}))
            record["household_size"] = inc.get("household_size", active)
            self.reg.rows["incomes"].append({"household_id": hid, "year": inc.get("year", self.year), **record})
        return hid

    def population(self, village_id: int, groups: list[dict[str, Any]]) -> None:
        for group in groups:
            for _ in range(group.get("count", 1)):
                general = not group.get("registered", False)
                self.household(village_id, group, general=general)


def load_cases(pack: str) -> tuple[int, list[Case]]:
    raw = yaml.safe_load((GOLDEN / f"{pack}.yaml").read_text(encoding="utf-8"))
    cases = [Case(c["name"], c["level"], c["indicator"], c["status"], c["text"], c) for c in raw["cases"]]
    return int(raw["year"]), cases


DEFAULT_VILLAGE_POPULATION = [{"count": 14, "size": 7}]  # 98 people in 14 general households


def build(year: int, cases: list[Case]) -> Registry:
    """One registry holding every case: households in one village, each village and county case apart."""
    b = Builder(year)
    county_id, county_code = b.county()
    household_village = b.village(county_id, county_code, 0, poor=True)
    b.population(household_village, DEFAULT_VILLAGE_POPULATION)
    index = 1
    for case in cases:
        spec = copy.deepcopy(case.spec)
        if case.level == "household":
            case.subject_id = b.household(household_village, spec)
        elif case.level == "village":
            case.subject_id = _village(b, county_id, county_code, index, spec.get("village", {}))
            index += 1
        else:
            cid, code = b.county(western=spec.get("county", {}).get("western", False))
            case.subject_id = cid
            villages = spec.get("county", {}).get("villages") or [{}]
            for i, v in enumerate(villages, 1):
                _village(b, cid, code, i, v)
            spec["_code"] = code
            case.spec["_code"] = code
    return b.reg


def _village(b: Builder, county_id: int, county_code: str, index: int, spec: dict[str, Any]) -> int:
    facilities = spec.get("facilities", {})
    vid = b.village(county_id, county_code, index, poor=spec.get("poor", True),
                    facilities=False if facilities is None else facilities, western=spec.get("western", False))
    b.population(vid, spec.get("population", DEFAULT_VILLAGE_POPULATION))
    for household in spec.get("registered", []):
        for _ in range(household.get("count", 1)):
            b.household(vid, household)
    return vid
