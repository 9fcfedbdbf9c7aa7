"""A small registry as layout rows (liangfang.layout) for plan tests that run the engine directly on
an in-memory SQLite database, without Django: one county, townships and villages, households with
members and one income record each, built from short specs of what differs from a baseline."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from liangfang.engine.compiled import CompiledPack, compile_pack
from liangfang.engine.session import Session, dbapi_session
from liangfang.ids import make_resident_id
from liangfang.plans.catalogue import CompiledCatalogue, compile_catalogue
from liangfang.plans.needs import Needs, assess, read_needs
from liangfang.policy.schema import Pack
from tests.engine.layout_db import load

HOUSEHOLD: dict[str, Any] = {
    "is_registered": True, "status": "not_exited", "monitoring": "none", "poverty_attribute": "general",
    "identification_standard": "national", "main_cause": "illness", "other_cause_1": "", "other_cause_2": "",
    "first_identified_on": dt.date(2014, 6, 1), "exit_year": None, "housing_area": Decimal("60.0"),
    "housing_grade": "B", "housing_safety_via": "appraised_safe", "housing_renovated_year": None,
    "relocation_mode": "none", "relocation_year": None, "water_litres_per_day": Decimal("60.0"),
    "water_quality": "safe", "water_piped": True, "water_fetch_minutes": 0, "water_days_without": 0,
    "power_living": True, "power_production": False, "road_type": "hardened", "sanitary_toilet": True,
    "in_cooperative": False, "cultivated_area": Decimal("10.0"),
}
GENERAL = {**HOUSEHOLD, "is_registered": False, "status": "general", "poverty_attribute": "",
           "identification_standard": "", "main_cause": "", "first_identified_on": None}
MEMBER: dict[str, Any] = {
    "sex": "male", "relation": "head", "education": "junior", "school_status": "not_in_school",
    "school_exemption": "none", "health_status": "healthy", "disability_grade": "none",
    "labor_ability": "ordinary", "work_status": "none", "months_worked": 0, "medical_insurance": True,
    "serious_illness_insurance": True, "pension_insurance": True, "family_doctor": True, "is_active": True,
    "birth_date": dt.date(1970, 3, 1),
}
MONEY = ("wage_income", "business_income", "property_income", "transfer_family_planning",
         "transfer_minimum_living", "transfer_destitute_support", "transfer_pension",
         "transfer_eco_compensation", "transfer_other", "business_expense")


def born(age: int, year: int = 2020) -> dt.date:
    """A birth date giving ``age`` full years on 31 August of ``year`` (the pack's reference day)."""
    return dt.date(year - age, 3, 1)


@dataclass
class Rows:
    year: int
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {
        "regions": [], "village_facilities": [], "households": [], "members": [], "incomes": []})
    ids: Any = field(default_factory=lambda: itertools.count(1))
    county: int = 0
    villages: list[int] = field(default_factory=list)

    def region(self, code: str, name: str, level: str, parent: int | None, **extra: Any) -> int:
        rid = next(self.ids)
        self.rows["regions"].append({"id": rid, "code": code, "name": name, "level": level, "parent_id": parent,
                                     "is_poor_village": False, "exit_year": None, "is_western": False, **extra})
        return rid

    def village(self, township_index: int = 1) -> int:
        """A village in township ``township_index`` (created on first use)."""
        code = f"220802{200 + township_index:03d}000"
        township = next((r["id"] for r in self.rows["regions"] if r["code"] == code), None)
        if township is None:
            township = self.region(code, f"乡{township_index}", "township", self.county)
        n = len(self.villages) + 1
        vid = self.region(f"{code[:9]}{n:03d}", f"村{n}", "village", township, is_poor_village=True)
        self.villages.append(vid)
        return vid

    def household(self, village: int, *, household: dict[str, Any] | None = None,
                  members: list[dict[str, Any]] | None = None, income: dict[str, Any] | None = None,
                  general: bool = False, no_income: bool = False) -> tuple[int, list[int]]:
        """A household (baseline: registered, grade B house, piped safe water, two working adults
        aged 50 and insured, 10,000 yuan wage income); returns its id and its members' ids."""
        hid = next(self.ids)
        base = GENERAL if general else HOUSEHOLD
        self.rows["households"].append({**base, **(household or {}), "id": hid, "number": f"H{hid:06d}",
                                        "village_id": village})
        specs = members if members is not None else [{}, {"relation": "spouse", "sex": "female"}]
        member_ids = []
        for spec in specs:
            mid = next(self.ids)
            data = {**MEMBER, **spec}
            data["resident_id"] = make_resident_id(f"22{mid // 500:04d}", data["birth_date"], mid, data["sex"])
            self.rows["members"].append({**data, "id": mid, "household_id": hid})
            member_ids.append(mid)
        if not no_income:
            record: dict[str, Any] = {k: Decimal(0) for k in MONEY}
            record.update({k: Decimal(str(v)) for k, v in (income or {"wage_income": 10000}).items()})
            record["household_size"] = sum(1 for s in specs if s.get("is_active", True))
            self.rows["incomes"].append({"household_id": hid, "year": self.year, **record})
        return hid, member_ids


def registry(year: int) -> Rows:
    r = Rows(year)
    province = r.region("220000000000", "吉林省", "province", None)
    city = r.region("220800000000", "白城市", "city", province)
    r.county = r.region("220802000000", "洮北区", "county", city)
    return r


@dataclass
class Run:
    session: Session
    compiled: CompiledPack
    catalogue: CompiledCatalogue
    needs: Needs


def run(rows: Rows, pack: Pack) -> Run:
    """Assess the rows in a fresh in-memory SQLite database and read the needs of every village."""
    connection = sqlite3.connect(":memory:")
    load(connection, "sqlite", rows.rows)
    session = dbapi_session(connection, "sqlite")
    compiled = compile_pack(pack, rows.year)
    catalogue = compile_catalogue(pack, rows.year)
    outcome = assess(session, compiled)
    return Run(session, compiled, catalogue, read_needs(session, compiled, catalogue, outcome))
