"""Every member's own attributes, drawn for all people of the district at once (numpy): birth
date, name, resident ID, ethnicity, education, labour ability, work away from home, insurance
and phone. The household composition, health and schooling come from ``family.py``.

Labour ability follows age and health: children and students have none, serious illness or a
grade 1–2 disability means labour lost, 70 or older none, 60–69, chronic illness or a grade 3–4
disability weak, otherwise ordinary or skilled. Everyone in a registered household has basic
medical and serious-illness insurance (the article: 100%), except the one uninsured member of a
remaining household planned to fail on it; general households are insured too. Registered
households have a family-doctor contract and every adult a pension insurance (100% in the
article); general households 35% and 92%.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .family import SNAPSHOT_YEAR, Person, Profile
from .identity import NEIGHBOUR_CODES, PhoneBook, resident_id_bytes, sequence_ranks
from .names import GIVEN_NAMES, SURNAMES

_ETHNICITIES = ("han", "manchu", "mongol", "hui", "korean", "other")
_ETHNICITY_WEIGHTS = (920, 30, 35, 10, 3, 2)
_EDUCATION = ("illiterate", "primary", "junior", "senior", "college")
_EDUCATION_BY_ERA = np.array([  # adults not in school, by birth ≤1950, ≤1965, ≤1980, later
    (40, 45, 13, 2, 0), (15, 45, 33, 6, 1), (4, 25, 55, 12, 4), (1, 8, 50, 23, 18)], dtype=float)
_POORER = np.array([1.6, 1.3, 1.0, 0.5, 0.2])  # registered households went to school less
_CURRENT_LEVEL = {"preschool": "preschool", "primary": "primary", "junior": "junior", "senior": "senior",
                  "vocational": "senior", "higher_vocational": "college", "college": "college"}
_WORK = ("out_of_province", "province", "county", "township")
_SPOUSE_LIKE = ("spouse", "daughter_in_law", "son_in_law")
_OWN_SURNAME = ("spouse", "daughter_in_law", "son_in_law")


def _pick(rng: np.random.Generator, weights: Sequence[float], size: int) -> np.ndarray:
    cumulative = np.cumsum(weights) / np.sum(weights)
    return np.minimum(np.searchsorted(cumulative, rng.random(size), side="right"), len(weights) - 1)


def _choose_rows(rng: np.random.Generator, table: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each person, an index drawn from the weights in ``table[rows[i]]``."""
    cumulative = np.cumsum(table, axis=1)
    cumulative /= cumulative[:, -1:]
    u = rng.random(len(rows))[:, None]
    return np.minimum((u >= cumulative[rows]).sum(axis=1), table.shape[1] - 1)


@dataclass
class Members:
    """Member dicts per household (as the field table cleans them), a few columns over all
    members for household-level sums, and how many resident IDs each (division, birth date,
    sex) has used, so that others can be issued without clashes."""

    by_household: list[list[dict[str, Any]]]
    household: np.ndarray  # index of each member's household
    birth_year: np.ndarray
    works_away: np.ndarray
    can_work: np.ndarray  # ordinary or skilled labour
    used_ids: dict[tuple[str, dt.date, str], int]


def member_dicts(rng: np.random.Generator, families: Sequence[Sequence[Person]], profiles: Sequence[Profile],
                 phones: PhoneBook) -> Members:
    """Draw every member's attributes at once; see the module docstring."""
    people = [p for family in families for p in family]
    n = len(people)
    household = np.repeat(np.arange(len(families)), [len(f) for f in families])
    registered = np.array([p.registered for p in profiles])[household]
    relation = np.array([p.relation for p in people])
    male = np.array([p.sex == "male" for p in people])
    age = np.array([p.age for p in people], dtype=np.int64)
    health = np.array([p.health for p in people])
    disability = np.array([p.disability for p in people])
    school = np.array([p.school_status for p in people])
    in_school = school != "not_in_school"

    # Birth dates: a day of the birth year (up to 31 October in 2020).
    year = SNAPSHOT_YEAR - age
    jan1 = np.array([dt.date(y, 1, 1).toordinal() for y in range(1900, SNAPSHOT_YEAR + 2)])
    start, end = jan1[year - 1900], jan1[year - 1899]
    end = np.where(year == SNAPSHOT_YEAR, dt.date(SNAPSHOT_YEAR, 10, 31).toordinal() + 1, end)
    ordinal = start + (rng.random(n) * (end - start)).astype(np.int64)

    # Division of the ID: some spouses married in from neighbouring divisions.
    spouse_like = np.isin(relation, _SPOUSE_LIKE)
    neighbour = spouse_like & (rng.random(n) < 0.12)
    region = np.where(neighbour, np.array(NEIGHBOUR_CODES, dtype=np.int64)[rng.integers(0, len(NEIGHBOUR_CODES), n)],
                      220802)
    keys = (region * 1_000_000 + ordinal) * 2 + male
    ids = resident_id_bytes(region, ordinal, male, sequence_ranks(keys)).astype(str).tolist()

    # Education.
    era = np.digitize(year, [1951, 1966, 1981])
    table = np.concatenate([_EDUCATION_BY_ERA, _EDUCATION_BY_ERA * _POORER])
    adult_level = np.array(_EDUCATION)[_choose_rows(rng, table, era + 4 * registered)]
    education = np.where(age < 16, np.where(age < 6, "preschool", np.where(age < 13, "primary", "junior")),
                         adult_level)
    education = np.where(in_school, np.vectorize(_CURRENT_LEVEL.get, otypes=[object])(school), education)

    # Labour ability and work away from home.
    lost = (health == "serious") | np.isin(disability, ("1", "2"))
    weak = (age >= 60) | (health == "chronic") | np.isin(disability, ("3", "4"))
    skilled = rng.random(n) < np.where(registered, 0.08, 0.2)
    labor = np.select(
        [(age < 16) | in_school, lost, age >= 70, weak, skilled],
        ["none", "lost", "none", "weak", "skilled"], default="ordinary")
    able = np.isin(labor, ("ordinary", "skilled")) & (age >= 18) & (age <= 59)
    goes = able & (rng.random(n) < np.where(registered, 0.3, 0.45))
    odd_jobs = (labor == "weak") & (rng.random(n) < 0.1)
    work = np.where(goes, np.array(_WORK)[rng.integers(0, 4, n)], np.where(odd_jobs, "township", "none"))
    months = np.where(goes, rng.integers(4, 12, n), np.where(odd_jobs, rng.integers(2, 7, n), 0))

    # Insurance: the last member of a household planned to fail on insurance is not insured.
    last = np.cumsum([len(f) for f in families]) - 1
    uninsured = np.zeros(n, dtype=bool)
    uninsured[last[[p.uninsured_member for p in profiles]]] = True
    adult = (age >= 16) & ~in_school
    pension = adult & (registered | (rng.random(n) < 0.92))
    doctor = (np.array([p.registered for p in profiles]) | (rng.random(len(families)) < 0.35))[household]

    # Ethnicity: a household's own, spouses their own; a Mongol township leans Mongol.
    mongol_bias = np.array([p.ethnic_bias == "mongol" for p in profiles])
    base = np.array(_ETHNICITIES)[_pick(rng, _ETHNICITY_WEIGHTS, len(families))]
    base = np.where(mongol_bias & (rng.random(len(families)) < 0.35), "mongol", base)
    own = np.array(_ETHNICITIES)[_pick(rng, _ETHNICITY_WEIGHTS, n)]
    own = np.where(mongol_bias[household] & (rng.random(n) < 0.35), "mongol", own)
    ethnicity = np.where(spouse_like, own, base[household])

    names = _names(rng, families, household, relation, male, year)
    wants_phone = (work != "none") & (rng.random(n) < 0.6)
    phone = np.full(n, None, dtype=object)
    phone[np.flatnonzero(wants_phone)] = phones.take(int(wants_phone.sum()))

    columns = {
        "resident_id": ids, "name": names, "sex": np.where(male, "male", "female").tolist(),
        "birth_date": [dt.date.fromordinal(o) for o in ordinal.tolist()], "relation": relation.tolist(),
        "ethnicity": ethnicity.tolist(), "education": education.tolist(), "school_status": school.tolist(),
        "school_exemption": [p.exemption for p in people], "health_status": health.tolist(),
        "disability_grade": disability.tolist(), "labor_ability": labor.tolist(), "work_status": work.tolist(),
        "months_worked": months.tolist(), "medical_insurance": (~uninsured).tolist(),
        "serious_illness_insurance": (~uninsured).tolist(), "pension_insurance": pension.tolist(),
        "family_doctor": doctor.tolist(), "phone": phone.tolist(),
    }
    keys_out = tuple(columns)
    rows = [dict(zip(keys_out, row, strict=True)) for row in zip(*columns.values(), strict=True)]
    out, at = [], 0
    for family in families:
        out.append(rows[at:at + len(family)])
        at += len(family)
    used: dict[tuple[str, dt.date, str], int] = {}
    for m in rows:
        key = (m["resident_id"][:6], m["birth_date"], m["sex"])
        used[key] = used.get(key, 0) + 1
    return Members(by_household=out, household=household, birth_year=year, works_away=months > 0,
                   can_work=np.isin(labor, ("ordinary", "skilled")), used_ids=used)


def _names(rng: np.random.Generator, families: Sequence[Sequence[Person]], household: np.ndarray,
           relation: np.ndarray, male: np.ndarray, year: np.ndarray) -> list[str]:
    """Children and grandchildren take the family surname (the man's); spouses, daughters-in-law
    and mothers their own; a woman heading a household with a husband keeps her own."""
    surnames = np.array([s for s, _ in SURNAMES])
    weights = [w for _, w in SURNAMES]
    n = len(relation)
    family_surname = surnames[_pick(rng, weights, len(families))][household]
    own_surname = surnames[_pick(rng, weights, n)]
    has_husband = np.zeros(len(families), dtype=bool)
    for i, family in enumerate(families):
        has_husband[i] = family[0].sex == "female" and any(p.relation == "spouse" for p in family)
    own = np.isin(relation, _OWN_SURNAME) | ((relation == "parent") & ~male) | (
        (relation == "head") & has_husband[household])
    surname = np.where(own, own_surname, family_surname)
    era = np.digitize(year, [1956, 1976, 1996])
    given = np.empty(n, dtype=object)
    u = rng.random(n)
    for sex, is_male in (("male", True), ("female", False)):
        for e in range(4):
            pool = np.array(GIVEN_NAMES[sex][e], dtype=object)
            mask = (male == is_male) & (era == e)
            given[mask] = pool[(u[mask] * len(pool)).astype(np.int64)]
    return [s + g for s, g in zip(surname.tolist(), given.tolist(), strict=True)]
