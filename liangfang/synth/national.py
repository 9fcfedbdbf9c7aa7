"""The national-scale synthetic registry, written as Parquet in the analytic layout
(``liangfang/layout.py``: regions, village_facilities, households, members, incomes) in bounded
memory: households are generated in chunks (1 million by default) with numpy and streamed to one
Parquet file per table. Within a chunk, registered households, their members and their income
records (per year) are written as row groups apart from the others', and registered households
have the low ids (``_HouseholdIds``), so an assessment of registered households skips the rest.

The same honesty rules as the district, in distribution: about 8% of households are registered
(more in poor villages and in the west); a registered household in a poor village exits no later
than its village; exited households are above the line in the years written and meet 三保障 and
safe water; the few remaining households (about 1% of registered, in non-poor villages) fail at
least one of them in 2020; general households are above the line. About 3 members a household.
To bound size, incomes are written for 2019 and 2020 only, and village facilities for the same
two years. Resident IDs carry the county's code and valid check characters; the national names
of people, phones and bank details are not in the layout.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..layout import (
    HOUSEHOLD_STATUS,
    HOUSEHOLDS,
    INCOMES,
    MEMBER_HEALTH,
    MEMBERS,
    REGIONS,
    TABLES,
    VILLAGE_FACILITIES,
    parquet_options,
)
from .arrow import codes, dates, digit_strings, fixed_strings, ints, scaled_decimals
from .identity import resident_id_bytes, sequence_ranks
from .incomes import (
    ATTR_DESTITUTE,
    ATTR_LOW_INCOME,
    ATTR_NONE,
    EXITED,
    FAILS_INCOME,
    FAILS_OTHER,
    GENERAL,
    ITEMS,
    IncomeInputs,
    household_incomes,
)
from .nation import Nation, build_nation

YEARS = (2019, 2020)
CHUNK = 1_000_000
REGISTERED_BASE = 0.053  # chance a household in a non-poor village of average intensity is registered
POOR_VILLAGE_FACTOR = 3.0
REMAINING_SHARE = 0.02  # of registered households in non-poor villages
EXIT_SHARES = {2014: 0.03, 2015: 0.08, 2016: 0.17, 2017: 0.22, 2018: 0.22, 2019: 0.18, 2020: 0.10}
REGISTERED_SIZES = (0.25, 0.28, 0.18, 0.15, 0.09, 0.05)
GENERAL_SIZES = (0.12, 0.28, 0.26, 0.20, 0.10, 0.04)
FAILS = ("income", "housing", "insurance", "schooling")
FAIL_SHARES = (0.80, 0.10, 0.06, 0.04)
CAUSES = ("illness", "disability", "schooling", "disaster", "lack_land", "lack_water", "lack_skills", "lack_labor",
          "lack_funds", "poor_transport", "lack_motivation", "other")
OTHER_CAUSE_WEIGHTS = (30, 15, 3, 6, 5, 3, 12, 10, 10, 3, 2, 1)
STATUSES = ("general", "not_exited", "exited")
ATTRIBUTES = ("", "general", "low_income", "destitute")
GRADES = ("", "A", "B", "C", "D")
VIA = ("", "appraised_safe", "renovated", "relocated", "not_safe")
RELOCATION = ("none", "centralised", "scattered")
QUALITY = ("", "safe", "basic", "unsafe")
ROADS = ("", "dirt", "gravel", "hardened")
RELATIONS = ("head", "spouse", "son", "daughter", "parent")
HEALTH = ("healthy", "chronic", "serious", "disabled")
DISABILITY = ("none", "1", "2", "3", "4")
SCHOOL = ("not_in_school", "preschool", "primary", "junior", "senior", "vocational", "higher_vocational", "college")
EXEMPTION = ("none", "home_teaching", "health")
EDUCATION = ("illiterate", "primary", "junior", "senior", "college", "preschool")
LABOR = ("ordinary", "skilled", "weak", "lost", "none")
WORK = ("none", "township", "county", "province", "out_of_province")
_EDUCATION_BY_ERA = np.array([(40, 45, 13, 2, 0), (15, 45, 33, 6, 1), (4, 25, 55, 12, 4), (1, 8, 50, 23, 18)],
                             dtype=float)
_POORER = np.array([1.6, 1.3, 1.0, 0.5, 0.2])
_EPOCH = dt.date(1970, 1, 1).toordinal()
_FIRST_BIRTH = dt.date(1920, 1, 1).toordinal()
_LAST_BIRTH = dt.date(2020, 10, 31).toordinal()

Progress = Callable[[int], None]


@dataclass
class NationalReport:
    out: Path
    households: int = 0
    members: int = 0
    incomes: int = 0
    regions: int = 0
    facilities: int = 0
    registered: int = 0
    exited: int = 0
    remaining: int = 0
    seconds: float = 0.0
    files: dict[str, int] = field(default_factory=dict)  # table → bytes


def _pick(rng: np.random.Generator, weights: tuple[float, ...] | np.ndarray, size: int) -> np.ndarray:
    cumulative = np.cumsum(weights) / np.sum(weights)
    return np.minimum(np.searchsorted(cumulative, rng.random(size), side="right"), len(weights) - 1)


class _IdCounter:
    """How many resident IDs each (county, birth date, sex) has used across chunks."""

    def __init__(self, counties: int) -> None:
        self.days = _LAST_BIRTH - _FIRST_BIRTH + 1
        self.used = np.zeros(counties * self.days * 2, dtype=np.uint16)

    def ranks(self, county: np.ndarray, ordinal: np.ndarray, male: np.ndarray) -> np.ndarray:
        key = (county.astype(np.int64) * self.days + (ordinal - _FIRST_BIRTH)) * 2 + male
        ranks = sequence_ranks(key) + self.used[key]
        distinct, counts = np.unique(key, return_counts=True)
        self.used[distinct] += counts.astype(np.uint16)
        return ranks


def write_national(out: Path, *, households: int, seed: int = 2020, lines: Mapping[int, Decimal],
                   chunk: int = CHUNK, progress: Progress | None = None) -> NationalReport:
    """Write the layout tables under ``out`` (``<table>.parquet``); return what was written."""
    started = time.monotonic()
    if households < 1:
        raise ValueError("households must be at least 1")
    out.mkdir(parents=True, exist_ok=True)
    nation = build_nation(np.random.default_rng([seed, 0]), households)
    report = NationalReport(out=out, regions=nation.regions.num_rows, facilities=nation.facilities.num_rows)
    pq.write_table(nation.regions, out / f"{REGIONS.name}.parquet", **parquet_options(REGIONS))
    pq.write_table(nation.facilities, out / f"{VILLAGE_FACILITIES.name}.parquet", **parquet_options(VILLAGE_FACILITIES))
    # health is generated as it stands, with no earlier status: an empty history
    for empty in (MEMBER_HEALTH, HOUSEHOLD_STATUS):  # no history: every status read from its dated fields
        pq.write_table(empty.schema.empty_table(), out / f"{empty.name}.parquet", **parquet_options(empty))
    partial = {t.name: out / f"{t.name}.parquet.partial" for t in (HOUSEHOLDS, MEMBERS, INCOMES)}
    writers = {t.name: pq.ParquetWriter(partial[t.name], t.schema, **parquet_options(t))
               for t in (HOUSEHOLDS, MEMBERS, INCOMES)}
    village_of = np.repeat(np.arange(len(nation.village_id)), nation.households)
    first_of_village = np.concatenate([[0], np.cumsum(nation.households)[:-1]])
    ids = _IdCounter(len(nation.county_code6))
    # first pass: how many households are registered (each chunk's first draw), so that the
    # others' ids follow the registered ones without a gap
    starts = range(0, households, chunk)
    registered_total = sum(int(_registration(np.random.default_rng([seed, index + 1]), nation,
                                             village_of[start:min(households, start + chunk)])[1].sum())
                           for index, start in enumerate(starts))
    household_ids = _HouseholdIds(registered_total)
    next_member = 1
    # Arrow writes without the GIL: one chunk is written while the next is generated.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending: Future[None] | None = None
        try:
            for index, start in enumerate(range(0, households, chunk)):
                stop = min(households, start + chunk)
                rng = np.random.default_rng([seed, index + 1])
                villages = village_of[start:stop]
                tables = _chunk(rng, nation, household_ids, villages, start - first_of_village[villages], next_member,
                                ids, lines)
                members = sum(part.num_rows for part in tables["members"])
                next_member += members
                status = np.concatenate([np.asarray(part.column("status")) for part in tables["households"]])
                report.households += stop - start
                report.members += members
                report.incomes += sum(part.num_rows for part in tables["incomes"])
                report.exited += int(np.count_nonzero(status == "exited"))
                report.remaining += int(np.count_nonzero(status == "not_exited"))
                if pending is not None:
                    pending.result()
                pending = pool.submit(_write_chunk, writers, tables)
                if progress is not None:
                    progress(stop - start)
            if pending is not None:
                pending.result()
        finally:
            for writer in writers.values():
                writer.close()
    for name, path in partial.items():
        path.replace(out / f"{name}.parquet")
    report.registered = report.exited + report.remaining
    report.files = {t.name: (out / f"{t.name}.parquet").stat().st_size for t in TABLES}
    report.seconds = round(time.monotonic() - started, 1)
    return report


def _write_chunk(writers: Mapping[str, pq.ParquetWriter], tables: Mapping[str, list[pa.Table]]) -> None:
    """Each part in its own row groups (one ``write_table`` each)."""
    for name, parts in tables.items():
        for part in parts:
            if part.num_rows:
                writers[name].write_table(part)


class _HouseholdIds:
    """Household ids: registered households take 1, 2, 3 … R and the others R + 1, R + 2 … in the
    order generated (R: registered households in all). Ids are surrogate keys; this clustering,
    with registered and other households (and their members and income records) written as
    separate row groups, lets a scan of the registered households' members or incomes skip the
    other row groups by their id statistics, as an export sorted by (registered, id) would."""

    def __init__(self, registered: int) -> None:
        self.registered_next = 1
        self.general_next = registered + 1

    def assign(self, registered: np.ndarray) -> np.ndarray:
        rank_registered = np.cumsum(registered) - 1
        rank_general = np.cumsum(~registered) - 1
        out = np.where(registered, self.registered_next + rank_registered, self.general_next + rank_general)
        self.registered_next += int(registered.sum())
        self.general_next += int((~registered).sum())
        return out.astype(np.int64)


def _chunk(rng: np.random.Generator, nation: Nation, household_ids: _HouseholdIds, village: np.ndarray,
           serial: np.ndarray, first_member: int, ids: _IdCounter,
           lines: Mapping[int, Decimal]) -> dict[str, list[pa.Table]]:
    n = len(village)
    poor, registered = _registration(rng, nation, village)
    remaining = registered & ~poor & (rng.random(n) < REMAINING_SHARE)
    exited = registered & ~remaining
    years = np.array(list(EXIT_SHARES))
    exit_year = np.where(exited, years[_pick(rng, tuple(EXIT_SHARES.values()), n)], 0)
    exit_year = np.where(exited & poor, np.minimum(exit_year, nation.village_exit[village]), exit_year)
    fail = np.where(remaining, _pick(rng, FAIL_SHARES, n), -1)
    size = np.where(registered, _pick(rng, REGISTERED_SIZES, n), _pick(rng, GENERAL_SIZES, n)) + 1
    size = np.where(fail == FAILS.index("schooling"), np.maximum(size, 2), size)
    m = _members(rng, nation, village, registered, remaining, fail, size, ids)
    h = _household_columns(rng, registered, exit_year, remaining, fail, size, m)
    hid = household_ids.assign(registered)
    members_table = _members_table(m, hid)
    households_table = _households_table(nation, village, serial, hid, registered, exited, exit_year, h)
    incomes_table = _incomes_table(rng, hid, registered, exited, remaining, exit_year, fail, size, m, h, lines)
    # registered households first, each kind in its own parts; members numbered in that order
    order = np.concatenate([np.flatnonzero(registered), np.flatnonzero(~registered)])
    r = int(registered.sum())
    member_rows = np.concatenate([np.flatnonzero(registered[m["home"]]), np.flatnonzero(~registered[m["home"]])])
    r_members = int(registered[m["home"]].sum())
    members_table = members_table.take(member_rows)
    members_table = members_table.set_column(0, "id", ints(np.arange(first_member, first_member + len(member_rows)),
                                                             pa.int64()))
    households_table = households_table.take(order)
    incomes: list[pa.Table] = []
    for i in range(len(YEARS)):  # year-major (layout.INCOMES)
        per_year = incomes_table.slice(i * n, n).take(order)
        incomes += [per_year.slice(0, r), per_year.slice(r)]
    return {"households": [households_table.slice(0, r), households_table.slice(r)],
            "members": [members_table.slice(0, r_members), members_table.slice(r_members)],
            "incomes": incomes}


def _registration(rng: np.random.Generator, nation: Nation, village: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each household's village is poor, and whether the household is registered (the
    chunk's first draw)."""
    poor = nation.village_poor[village]
    # Relative to the country's average, so that a small registry drawn from one county still
    # registers about 8% of households.
    intensity = nation.village_intensity[village] / nation.village_intensity.mean()
    chance = np.minimum(0.6, REGISTERED_BASE * intensity * np.where(poor, POOR_VILLAGE_FACTOR, 1.0))
    return poor, rng.random(len(village)) < chance


def _members(rng: np.random.Generator, nation: Nation, village: np.ndarray, registered: np.ndarray,
             remaining: np.ndarray, fail: np.ndarray, size: np.ndarray, ids: _IdCounter) -> dict[str, np.ndarray]:
    n, total = len(size), int(size.sum())
    home = np.repeat(np.arange(n), size)
    first = np.concatenate([[0], np.cumsum(size)[:-1]])
    k = np.arange(total) - first[home]
    reg = registered[home]
    dropout_home = fail == FAILS.index("schooling")
    # Ages at the end of 2020: registered heads are older; a dropout's parent is 32–50.
    head_age = np.where(registered, np.where(rng.random(n) < 0.55, rng.integers(60, 87, n), rng.integers(30, 60, n)),
                        np.clip(np.rint(rng.normal(52, 13, n)), 22, 90)).astype(np.int64)
    head_age = np.where(dropout_home, rng.integers(32, 51, n), head_age)
    spouse = (k == 1) & (rng.random(total) < 0.8) & ~dropout_home[home]
    parent = (k >= 3) & (k == size[home] - 1) & (rng.random(total) < 0.15)
    ha = head_age[home]
    age = np.select(
        [k == 0, spouse, parent],
        [ha, np.maximum(18, ha + np.rint(rng.normal(-2, 3, total)).astype(np.int64)),
         np.minimum(98, ha + rng.integers(24, 34, total))],
        default=np.maximum(0, ha - rng.integers(22, 37, total) - 3 * np.maximum(0, k - 1)))
    dropout = dropout_home[home] & (k == 1)
    age = np.where(dropout, rng.integers(8, 16, total), age)
    head_male = rng.random(n) < 0.82
    male = np.where(k == 0, head_male[home], np.where(spouse, ~head_male[home], rng.random(total) < 0.51))
    relation = np.select([k == 0, spouse, parent], [0, 1, 4], default=np.where(male, 2, 3))
    year = 2020 - age
    jan1 = (year - 1970) * 365.2425
    ordinal = np.clip(_EPOCH + np.floor(jan1 + rng.random(total) * 364).astype(np.int64), _FIRST_BIRTH, _LAST_BIRTH)
    county = nation.village_county[village][home]
    region = nation.county_code6[county]
    resident = resident_id_bytes(region, ordinal, male, ids.ranks(county, ordinal, male))

    # Health, by age band; a registered household is sicker.
    u = rng.random(total)
    old, adult = age >= 60, age >= 18
    disabled_p = np.select([old, adult], [np.where(reg, 0.04, 0.02), np.where(reg, 0.02, 0.01)],
                           np.where(reg, 0.01, 0.003))
    serious_p = np.select([old, adult], [np.where(reg, 0.04, 0.01), np.where(reg, 0.015, 0.004)], 0.002)
    chronic_p = np.select([old, adult], [np.where(reg, 0.28, 0.16), np.where(reg, 0.07, 0.03)], 0.005)
    health = np.select([u < disabled_p, u < disabled_p + serious_p, u < disabled_p + serious_p + chronic_p],
                       [3, 2, 1], 0)
    health = np.where(dropout, 0, health)
    disability = np.where(health == 3, _pick(rng, (10, 25, 35, 30), total) + 1, 0)

    # Schooling: compulsory age (born 2004–2014) in school or exempt; registered 2003–2004 too
    # (school age on the 2019 reference date); a planned dropout stays out.
    school_age = (year >= 2004) & (year <= 2014)
    kept = reg & (year >= 2003) & (year <= 2004)
    exempt = (school_age | kept) & np.isin(disability, (1, 2))
    status = np.select(
        [exempt | dropout, school_age & (age <= 6), school_age & (age <= 11), school_age & (age <= 14),
         school_age | kept, (age >= 3) & (age <= 5), (age >= 16) & (age <= 18), (age >= 19) & (age <= 22)],
        [0, np.where(rng.random(total) < 0.6, 2, 1), 2, 3, np.where(rng.random(total) < 0.7, 4, 5),
         np.where(rng.random(total) < 0.7, 1, 0), np.where(rng.random(total) < 0.7, 4, 0),
         np.where(rng.random(total) < 0.4, 7, 0)], 0)
    exemption = np.where(exempt & ~dropout, 1, 0)
    in_school = status != 0
    current = np.array([5, 5, 1, 2, 3, 3, 4, 4])[status]  # education of a student by level
    era = np.digitize(year, [1951, 1966, 1981])
    table = np.concatenate([_EDUCATION_BY_ERA, _EDUCATION_BY_ERA * _POORER])
    cumulative = np.cumsum(table, axis=1)
    cumulative /= cumulative[:, -1:]
    adult_level = np.minimum((rng.random(total)[:, None] >= cumulative[era + 4 * reg]).sum(axis=1), 4)
    education = np.where(in_school, current, np.where(age < 6, 5, np.where(age < 16, np.where(age < 13, 1, 2),
                                                                                  adult_level)))
    lost = (health == 2) | np.isin(disability, (1, 2))
    weak = (age >= 60) | (health == 1) | np.isin(disability, (3, 4))
    labor = np.select([(age < 16) | in_school, lost, age >= 70, weak, rng.random(total) < np.where(reg, 0.08, 0.2)],
                      [4, 3, 4, 2, 1], 0)
    goes = (labor <= 1) & (age >= 18) & (age <= 59) & (rng.random(total) < np.where(reg, 0.3, 0.45))
    odd = (labor == 2) & (rng.random(total) < 0.1)
    work = np.where(goes, rng.integers(1, 5, total), np.where(odd, 1, 0))
    months = np.where(goes, rng.integers(4, 12, total), np.where(odd, rng.integers(2, 7, total), 0))
    last = first + size - 1
    uninsured = np.zeros(total, dtype=bool)
    uninsured[last[fail == FAILS.index("insurance")]] = True
    pension = (age >= 16) & ~in_school & (reg | (rng.random(total) < 0.92))
    doctor = (registered | (rng.random(n) < 0.35))[home]
    return {"home": home, "k": k, "age": age, "ordinal": ordinal, "male": male, "relation": relation,
            "resident": resident, "health": health, "disability": disability, "status": status,
            "exemption": exemption, "education": education, "labor": labor, "work": work, "months": months,
            "insured": ~uninsured, "pension": pension, "doctor": doctor}


def _household_columns(rng: np.random.Generator, registered: np.ndarray, exit_year: np.ndarray,
                       remaining: np.ndarray, fail: np.ndarray, size: np.ndarray,
                       m: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    n = len(size)
    home = m["home"]
    ill = np.bincount(home, weights=np.isin(m["health"], (1, 2)), minlength=n) > 0
    disabled = np.bincount(home, weights=m["health"] == 3, minlength=n) > 0
    able = np.bincount(home, weights=m["labor"] <= 1, minlength=n) > 0
    student = np.bincount(home, weights=np.isin(m["status"], (4, 5, 6, 7)), minlength=n) > 0
    u = rng.random(n)
    other = _pick(rng, OTHER_CAUSE_WEIGHTS, n)
    other = np.where((other == CAUSES.index("schooling")) & ~student, CAUSES.index("lack_funds"), other)
    main = np.select([disabled & (u < 0.6), ill & (u < 0.75), ~able & (u < 0.8)],
                     [CAUSES.index("disability"), CAUSES.index("illness"), CAUSES.index("lack_labor")], other)
    main = np.where(registered, main, -1)
    cause1 = _distinct_cause(rng, main, np.full(n, -1))
    cause2 = _distinct_cause(rng, main, cause1)
    has1 = registered & (rng.random(n) < 0.65)
    has2 = has1 & (rng.random(n) < 0.3)
    needy = ill | disabled | ~able
    attribute = np.where(~registered, 0, np.where(
        (size == 1) & ~able & (rng.random(n) < 0.5), 3, np.where(rng.random(n) < np.where(needy, 0.45, 0.15), 2, 1)))
    # Housing: relocation and renovation 2016–2020, never after the exit year.
    latest = np.where(exit_year > 0, exit_year, 2020)
    can_work_on = registered & (latest >= 2016) & (fail != FAILS.index("housing"))
    roll = rng.random(n)
    relocated = can_work_on & (roll < 0.10)
    renovated = (can_work_on & (roll >= 0.10) & (roll < 0.45)) | (~registered & (roll < 0.08))
    work_year = 2016 + np.floor(rng.random(n) * (latest - 2015)).astype(np.int64)
    unsafe = fail == FAILS.index("housing")
    grade = np.select([relocated | unsafe, renovated], [4, np.where(rng.random(n) < 0.65, 4, 3)],
                      np.where(rng.random(n) < 0.4, 1, 2))
    via = np.select([relocated, renovated, unsafe], [3, 2, 4], 1)
    piped = rng.random(n) < np.where(registered, 0.85, 0.8)
    quality = np.where(registered | (rng.random(n) < 0.9), 1, 2)
    return {
        "main": main, "cause1": np.where(has1, cause1, -1), "cause2": np.where(has2, cause2, -1),
        "attribute": attribute, "grade": grade, "via": via,
        "renovated_year": np.where(renovated, work_year, 0), "relocation": np.where(
            relocated, np.where(rng.random(n) < 0.6, 1, 2), 0),
        "relocation_year": np.where(relocated, work_year, 0),
        "area": np.where(registered, rng.integers(300, 800, n), rng.integers(500, 1400, n)),
        "water_litres": np.where(piped, rng.integers(800, 1500, n), rng.integers(600, 1000, n)),
        "quality": quality, "piped": piped, "fetch": np.where(piped, 0, rng.integers(2, 11, n)),
        "days_without": np.where(piped, rng.integers(0, 4, n), rng.integers(0, 11, n)),
        "power_production": rng.random(n) < 0.7, "road": _pick(rng, (5, 20, 75), n) + 1,
        "toilet": rng.random(n) < 0.6, "cooperative": rng.random(n) < np.where(registered, 0.4, 0.12),
        "cultivated": np.rint(size * rng.uniform(10, 50, n)).astype(np.int64),
        "identified": (dt.date(2014, 4, 1).toordinal() - _EPOCH) + rng.integers(0, 214, n),
        "can_work": able,
    }


def _distinct_cause(rng: np.random.Generator, main: np.ndarray, taken: np.ndarray) -> np.ndarray:
    """A weighted cause differing from ``main`` and ``taken`` (redrawn until it does)."""
    cause = _pick(rng, OTHER_CAUSE_WEIGHTS, len(main))
    clash = (cause == main) | (cause == taken)
    while clash.any():
        cause[clash] = _pick(rng, OTHER_CAUSE_WEIGHTS, int(clash.sum()))
        clash = (cause == main) | (cause == taken)
    return cause


def _cause_strings(values: np.ndarray) -> pa.Array:
    return codes(values + 1, ("", *CAUSES))


def _households_table(nation: Nation, village: np.ndarray, serial: np.ndarray, hid: np.ndarray, registered: np.ndarray,
                      exited: np.ndarray, exit_year: np.ndarray, h: dict[str, np.ndarray]) -> pa.Table:
    n = len(village)
    if len(serial) and serial.max() >= 9999:
        raise RuntimeError("more than 9,999 households in one village")
    status = np.where(~registered, 0, np.where(exited, 2, 1))
    none = np.zeros(n, dtype=np.int64)
    columns = {
        "id": ints(hid, pa.int64()),
        "number": digit_strings(nation.village_code[village] * 10_000 + serial + 1, 16),
        "village_id": ints(nation.village_id[village], pa.int64()),
        "is_registered": pa.array(registered),
        "status": codes(status, STATUSES),
        "monitoring": codes(none, ("none",)),
        "poverty_attribute": codes(h["attribute"], ATTRIBUTES),
        "identification_standard": codes(registered.astype(np.int64), ("", "national")),
        "main_cause": _cause_strings(h["main"]),
        "other_cause_1": _cause_strings(h["cause1"]),
        "other_cause_2": _cause_strings(h["cause2"]),
        "first_identified_on": dates(h["identified"], registered),
        "exit_year": ints(exit_year, pa.int16(), exit_year > 0),
        "status_since": pa.nulls(n, pa.date32()),  # no relapse: a status read from its years
        "housing_area": scaled_decimals(h["area"], pa.decimal128(7, 1)),
        "housing_grade": codes(h["grade"], GRADES),
        "housing_safety_via": codes(h["via"], VIA),
        "housing_renovated_year": ints(h["renovated_year"], pa.int16(), h["renovated_year"] > 0),
        "relocation_mode": codes(h["relocation"], RELOCATION),
        "relocation_year": ints(h["relocation_year"], pa.int16(), h["relocation_year"] > 0),
        "water_litres_per_day": scaled_decimals(h["water_litres"], pa.decimal128(6, 1)),
        "water_quality": codes(h["quality"], QUALITY),
        "water_piped": pa.array(h["piped"]),
        "water_fetch_minutes": ints(h["fetch"], pa.int16()),
        "water_distance_m": pa.nulls(n, pa.int32()),  # the trip is timed; distances are not surveyed
        "water_vertical_m": pa.nulls(n, pa.int32()),
        "water_days_without": ints(h["days_without"], pa.int16()),
        # no survey dates: the values hold in every year (the registry's reading of a blank date)
        "housing_appraised_on": pa.nulls(n, pa.date32()),
        "water_surveyed_on": pa.nulls(n, pa.date32()),
        "power_living": pa.array(np.ones(n, dtype=bool)),
        "power_production": pa.array(h["power_production"]),
        "road_type": codes(h["road"], ROADS),
        "sanitary_toilet": pa.array(h["toilet"]),
        "in_cooperative": pa.array(h["cooperative"]),
        "cultivated_area": scaled_decimals(h["cultivated"], pa.decimal128(8, 1)),
    }
    return pa.Table.from_arrays([columns[name] for name in HOUSEHOLDS.column_names], schema=HOUSEHOLDS.schema)


def _members_table(m: dict[str, np.ndarray], hid: np.ndarray) -> pa.Table:
    """Members in generation order; the caller numbers them (``id``) once it has ordered them."""
    total = len(m["home"])
    columns = {
        "id": ints(np.zeros(total, dtype=np.int64), pa.int64()),
        "household_id": ints(hid[m["home"]], pa.int64()),
        "resident_id": fixed_strings(m["resident"].view(np.uint8).reshape(-1, 18), 18),
        "sex": codes(np.where(m["male"], 0, 1), ("male", "female")),
        "birth_date": dates(m["ordinal"] - _EPOCH),
        "relation": codes(m["relation"], RELATIONS),
        "education": codes(m["education"], EDUCATION),
        "school_status": codes(m["status"], SCHOOL),
        "school_exemption": codes(m["exemption"], EXEMPTION),
        "health_status": codes(m["health"], HEALTH),
        "disability_grade": codes(m["disability"], DISABILITY),
        "labor_ability": codes(m["labor"], LABOR),
        "work_status": codes(m["work"], WORK),
        "months_worked": ints(m["months"], pa.int16()),
        "medical_insurance": pa.array(m["insured"]),
        "serious_illness_insurance": pa.array(m["insured"]),
        "pension_insurance": pa.array(m["pension"]),
        "family_doctor": pa.array(m["doctor"]),
        "is_active": pa.array(np.ones(total, dtype=bool)),
        # members since registration, no dated survey: their facts hold in every year
        "compulsory_completed": pa.array(np.zeros(total, dtype=bool)),
        "school_status_on": pa.nulls(total, pa.date32()),
        "medical_scheme": pa.array([""] * total, pa.string()),
        "insured_since": pa.nulls(total, pa.date32()),
        "health_status_on": pa.nulls(total, pa.date32()),
        "joined_on": pa.nulls(total, pa.date32()),
        "left_on": pa.nulls(total, pa.date32()),
    }
    return pa.Table.from_arrays([columns[name] for name in MEMBERS.column_names], schema=MEMBERS.schema)


def _incomes_table(rng: np.random.Generator, hid: np.ndarray, registered: np.ndarray, exited: np.ndarray,
                   remaining: np.ndarray, exit_year: np.ndarray, fail: np.ndarray, size: np.ndarray,
                   m: dict[str, np.ndarray], h: dict[str, np.ndarray], lines: Mapping[int, Decimal]) -> pa.Table:
    n = len(size)
    home = m["home"]
    birth_year = 2020 - m["age"]
    elderly = np.stack([np.bincount(home[birth_year <= y - 60], minlength=n) for y in YEARS], axis=1)
    kind = np.select([~registered, exited, remaining & (fail == FAILS.index("income"))],
                     [GENERAL, EXITED, FAILS_INCOME], FAILS_OTHER).astype(np.int8)
    attribute = np.select([h["attribute"] == 2, h["attribute"] == 3], [ATTR_LOW_INCOME, ATTR_DESTITUTE], ATTR_NONE)
    inputs = IncomeInputs(
        size=size, kind=kind, exit_year=exit_year, edge=~registered & (rng.random(n) < 0.025), registered=registered,
        attribute=attribute, elderly=elderly, workers=np.bincount(home[m["months"] > 0], minlength=n) > 0,
        land_rented=rng.random(n) < np.where(h["can_work"], 0.1, 0.6), cultivated_mu=h["cultivated"] / 10,
        forest_mu=np.where(rng.random(n) < 0.08, rng.uniform(2, 15, n), 0.0),
        family_planning=np.where(rng.random(n) < 0.12, np.minimum(2, elderly[:, -1]), 0))
    cents = household_incomes(rng, inputs, lines, YEARS)
    money = pa.decimal128(12, 2)
    # year-major (all households' 2019 records, then 2020), as layout.INCOMES orders them
    columns = {
        "household_id": ints(np.tile(hid, len(YEARS)), pa.int64()),
        "year": ints(np.repeat(np.array(YEARS), n), pa.int16()),
        "household_size": ints(np.tile(size, len(YEARS)), pa.int16()),
        **{item: scaled_decimals(cents[item].T.ravel(), money) for item in ITEMS},
    }
    return pa.Table.from_arrays([columns[name] for name in INCOMES.column_names], schema=INCOMES.schema)
