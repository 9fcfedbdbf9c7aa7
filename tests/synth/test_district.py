"""The synthetic district in memory (no database): deterministic, and honest — every exit is
explained by the household's data, every remaining household fails something, and every poor
village is below 2% in its exit year."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from decimal import Decimal

import pytest

from liangfang.ids import parse_resident_id
from liangfang.registry.services.checks import check_household, check_members
from liangfang.synth import standard
from liangfang.synth.district import SynthDistrict, generate_district
from liangfang.synth.partners import MAX_LOAD
from liangfang.synth.taobei import pack_lines, pack_rules

LINES = pack_lines()
RULES = pack_rules()
YEARS = range(2014, 2021)


@pytest.fixture(scope="module")
def district() -> SynthDistrict:
    return generate_district(seed=11, scale=0.05, lines=LINES)


def per_capita(item: object, year: int) -> Decimal:
    incomes = {i["year"]: i for i in item.incomes}  # type: ignore[attr-defined]
    return standard.per_capita_net_income(incomes[year], len(item.members))  # type: ignore[attr-defined]


def failures(item: object, year: int) -> list[str]:
    incomes = {i["year"]: i for i in item.incomes}  # type: ignore[attr-defined]
    return standard.failures(item.household, item.members, incomes[year], year, RULES[year])  # type: ignore[attr-defined]


def test_the_same_seed_gives_the_same_district_and_another_seed_another() -> None:
    first = generate_district(seed=3, scale=0.02, lines=LINES)
    again = generate_district(seed=3, scale=0.02, lines=LINES)
    other = generate_district(seed=4, scale=0.02, lines=LINES)
    assert first.households == again.households and first.partners == again.partners
    assert first.facility_rows == again.facility_rows and first.region_rows == again.region_rows
    assert first.households != other.households


def test_counts_are_proportional_to_the_article(district: SynthDistrict) -> None:
    hs = district.households
    status = Counter(h.household["status"] for h in hs)
    people: Counter[str] = Counter()
    for h in hs:
        people[h.household["status"]] += len(h.members)
    assert (status["exited"], people["exited"]) == (350, 637)
    assert people["not_exited"] == 11 and sum(people.values()) == 10_799
    assert round(100 * (people["exited"] + people["not_exited"]) / sum(people.values())) == 6


def test_every_exited_household_meets_the_standard_from_its_exit_year(district: SynthDistrict) -> None:
    for h in district.households:
        if h.household["status"] != "exited":
            continue
        exit_year = h.household["exit_year"]
        for year in range(exit_year, 2021):
            assert failures(h, year) == [], (h.household["number"], year)
        for year in range(2014, exit_year):
            assert per_capita(h, year) <= LINES[year], (h.household["number"], year)


def test_every_remaining_household_fails_something_in_2020(district: SynthDistrict) -> None:
    remaining = [h for h in district.households if h.household["status"] == "not_exited"]
    assert remaining
    for h in remaining:
        assert failures(h, 2020), h.household["number"]


def test_general_households_are_above_the_line_every_year_and_some_are_edge_households(
        district: SynthDistrict) -> None:
    general = [h for h in district.households if not h.household["is_registered"]]
    for h in general:
        assert all(per_capita(h, y) > LINES[y] for y in YEARS), h.household["number"]
        assert failures(h, 2020) == [], h.household["number"]  # no missed-poor household by design
    edge = [h for h in general if per_capita(h, 2020) < Decimal("1.5") * LINES[2020]]
    assert 0.015 < len(edge) / len(general) < 0.035


def test_each_poor_village_is_below_two_percent_in_its_exit_year(district: SynthDistrict) -> None:
    exit_of = {v.code: v.exit_year for v in district.district.poor_villages}
    population: Counter[str] = Counter()
    poor: Counter[str] = Counter()
    for h in district.households:
        population[h.village_code] += len(h.members)
        year = exit_of.get(h.village_code)
        if year and h.household["is_registered"] and failures(h, year):
            poor[h.village_code] += len(h.members)
    assert set(exit_of) <= set(population)
    for code in exit_of:
        assert poor[code] / population[code] < 0.02, code


def test_people_have_valid_distinct_ids_matching_their_birth_date_and_sex(district: SynthDistrict) -> None:
    seen = set()
    for i, h in enumerate(district.households):
        assert check_household(h.household, item=i) == []
        assert check_members(h.members, item=i) == []
        for m in h.members:
            parsed = parse_resident_id(m["resident_id"])
            assert (parsed.birth_date, parsed.sex) == (m["birth_date"], m["sex"])
            seen.add(m["resident_id"])
    assert len(seen) == sum(len(h.members) for h in district.households)


def test_causes_agree_with_the_members(district: SynthDistrict) -> None:
    for h in district.households:
        main, members = h.household["main_cause"], h.members
        if main == "lack_labor":
            assert not any(m["labor_ability"] in ("ordinary", "skilled") for m in members)
        if main == "illness":
            assert any(m["health_status"] in ("chronic", "serious") for m in members)
        if main == "disability":
            assert any(m["health_status"] == "disabled" and m["disability_grade"] != "none" for m in members)
        if main == "schooling":
            assert any(m["school_status"] in ("senior", "vocational", "college", "higher_vocational")
                       for m in members)


def test_incomes_add_up_and_assistance_follows_the_poverty_attribute(district: SynthDistrict) -> None:
    for h in district.households:
        assert [i["year"] for i in h.incomes] == list(YEARS)
        for income in h.incomes:
            assert all(v >= 0 for k, v in income.items() if k != "year")
        attribute = h.household["poverty_attribute"]
        if attribute == "low_income":
            assert any(i["transfer_minimum_living"] > 0 for i in h.incomes)
        if attribute == "destitute":
            assert any(i["transfer_destitute_support"] > 0 for i in h.incomes)
        if not h.household["is_registered"]:
            assert all(i["transfer_minimum_living"] == 0 for i in h.incomes)


def test_every_registered_household_has_one_cadre_and_no_cadre_too_many(district: SynthDistrict) -> None:
    registered = {h.household["number"] for h in district.households if h.household["is_registered"]}
    pairings = district.partners.cadre_pairings
    assert sorted(p["household_number"] for p in pairings) == sorted(registered)
    load = Counter(p["cadre"] for p in pairings)
    assert max(load.values()) <= MAX_LOAD
    cadres = {c["resident_id"] for c in district.partners.cadres}
    assert set(load) <= cadres
    members = {m["resident_id"] for h in district.households for m in h.members}
    assert not cadres & members
    assert all(p["start_date"] >= dt.date(2014, 4, 1) and p["end_date"] is None for p in pairings)


def test_every_village_has_a_partner_department_and_poor_villages_two(district: SynthDistrict) -> None:
    partners: defaultdict[str, set[str]] = defaultdict(set)
    for p in district.partners.department_pairings:
        partners[p["village_code"]].add(p["department"])
    assert len(district.partners.departments) == 104
    for v in district.district.villages:
        assert len(partners[v.code]) == (2 if v.is_poor else 1)


def test_facilities_improve_and_poor_villages_have_what_their_exit_needs(district: SynthDistrict) -> None:
    rows: Mapping[tuple[str, int], dict[str, object]] = {
        (str(r["village_code"]), int(r["year"])): r for r in district.facility_rows}  # type: ignore[call-overload]
    villages = district.district.villages
    assert len(rows) == 129 * 7
    for v in district.district.poor_villages:
        row = rows[(v.code, v.exit_year)]  # type: ignore[index]
        assert row["hardened_road"] and row["clinic"] and row["clinic_doctor"] and row["piped_water"]
        assert row["hamlet_roads_hardened"] and row["collective_income"] > 0  # type: ignore[operator]
        assert rows[(v.code, 2014)]["collective_income"] == 0
    hamlet_2020 = sum(1 for v in villages if rows[(v.code, 2020)]["hamlet_roads_hardened"])
    assert round(100 * hamlet_2020 / 129) == 87
    for name in ("clinic", "culture_room", "service_center"):
        assert sum(1 for v in villages if rows[(v.code, 2020)][name]) == 129
        assert sum(1 for v in villages if rows[(v.code, 2014)][name]) < 129


def test_the_district_does_not_depend_on_the_process_hash_seed() -> None:
    import os
    import subprocess
    import sys

    script = ("import django, hashlib; django.setup();"
              "from liangfang.synth.district import generate_district;"
              "from liangfang.synth.taobei import pack_lines;"
              "d = generate_district(seed=5, scale=0.01, lines=pack_lines());"
              "print(hashlib.sha256(repr((d.households, d.partners, d.facility_rows)).encode()).hexdigest())")
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "DJANGO_SETTINGS_MODULE": "liangfang.settings"}
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        digests.add(out.stdout.strip())
    assert len(digests) == 1
