"""Members of a synthetic household: who lives together (ages, sexes, relations), then each
person's schooling, health, labour, work and insurance, consistent with the household's causes
of poverty and with what its exit requires.

Ages are taken at the end of 2020 (the registry is a 2020 snapshot; membership is held
constant over 2014–2020). Children born 2004–2014, who are of compulsory-school age (6–15) at
some time in 2020, are in school or formally exempt (送教上门, or health), except in a
remaining household planned to fail on schooling. An assessment of an earlier year reads the
same snapshot, so in registered households the young people born 1998–2003, of school age in
some year 2014–2019, are still in school (senior, vocational or college; 雨露计划) or exempt.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")
SNAPSHOT_YEAR = 2020
SCHOOL_AGE_BIRTH_YEARS = range(2004, 2015)  # 6–15 at some time in 2020
STILL_IN_SCHOOL_BIRTH_YEARS = range(1998, 2004)  # 6–15 in some year 2014–2019, 16–22 now


def _ri(rng: random.Random, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` inclusive (``randint`` without its overhead)."""
    return low + int(rng.random() * (high - low + 1))


def _one(rng: random.Random, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


@dataclass
class Person:
    relation: str
    sex: str
    age: int  # at the end of 2020
    health: str = "healthy"
    disability: str = "none"
    school_status: str = "not_in_school"
    exemption: str = "none"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def birth_year(self) -> int:
        return SNAPSHOT_YEAR - self.age


@dataclass(frozen=True)
class Profile:
    """What the household is, as far as its members are concerned."""

    registered: bool
    size: int
    main_cause: str = ""
    other_causes: tuple[str, ...] = ()
    attribute: str = ""
    child_out_of_school: bool = False
    uninsured_member: bool = False
    ethnic_bias: str = ""  # "mongol" in a Mongol township

    def has(self, cause: str) -> bool:
        return cause == self.main_cause or cause in self.other_causes


def _head_age(rng: random.Random, p: Profile) -> int:
    if p.has("lack_labor") or p.attribute == "destitute":
        return _ri(rng, 64, 88)
    if p.main_cause == "schooling" or p.child_out_of_school:
        return _ri(rng, 36, 52)
    if p.registered:
        roll = rng.random()
        if roll < 0.6:
            return _ri(rng, 60, 86)
        return _ri(rng, 45, 59) if roll < 0.96 else _ri(rng, 30, 44)
    return max(24, min(88, round(rng.gauss(53, 13))))


def compose(rng: random.Random, p: Profile) -> list[Person]:
    """Relations, sexes and ages of ``p.size`` people, the head first."""
    head_age = _head_age(rng, p)
    size = p.size
    no_labor = p.has("lack_labor")
    if size == 1:
        return [Person("head", _lone_head_sex(rng, head_age), head_age)]
    needs_child = p.main_cause == "schooling" or p.child_out_of_school
    roll = rng.random()
    if needs_child:
        couple = size >= 3
    elif no_labor:
        couple = size >= 3 or roll < 0.8
    else:
        couple = size >= 3 or roll < (0.75 if head_age >= 55 else 0.5)
    # a couple is headed by the husband as a rule; a head without a spouse is widowed, divorced or
    # single, and among the old more often a widow (women outlive men)
    head_sex = ("male" if rng.random() < 0.85 else "female") if couple else _lone_head_sex(rng, head_age)
    people = [Person("head", head_sex, head_age)]
    if couple:
        spouse_age = max(20, head_age + round(rng.gauss(-2, 3)))
        if no_labor:
            spouse_age = max(60, spouse_age)
        people.append(Person("spouse", "female" if head_sex == "male" else "male", spouse_age))
    slots = size - len(people)
    if slots <= 0:
        return people
    if not needs_child and (no_labor or (head_age >= 62 and rng.random() < 0.5)):
        # Left-behind grandchildren, or an adult child who cannot work.
        for _ in range(slots):
            if rng.random() < (0.38 if p.registered else 0.7):
                people.append(Person("grandchild", _sex(rng), _ri(rng, 3, 15)))
            else:
                people.append(Person("child", _sex(rng), max(18, head_age - _ri(rng, 24, 34)),
                                     health="disabled", disability=_one(rng, "12")))
        return _name_children(people)
    if not needs_child and head_age >= 50 and slots >= 2 and rng.random() < 0.6:
        son_age = max(20, head_age - _ri(rng, 22, 30))
        people.append(Person("son", "male", son_age))
        people.append(Person("daughter_in_law", "female", max(19, son_age + round(rng.gauss(-2, 2)))))
        people += [Person("grandchild", _sex(rng), max(0, son_age - _ri(rng, 22, 32)))
                   for _ in range(slots - 2)]
        return people
    if head_age < 50 and size >= 4 and rng.random() < 0.3:
        people.append(Person("parent", _sex(rng), min(96, head_age + _ri(rng, 24, 33))))
        slots -= 1
    first = _ri(rng, 8, 15) if p.child_out_of_school else max(0, head_age - _ri(rng, 22, 36))
    people += [Person("child", _sex(rng), max(0, first - 3 * k - _ri(rng, 0, 2)) if k else first)
               for k in range(slots)]
    return _name_children(people)


def _lone_head_sex(rng: random.Random, age: int) -> str:
    """The sex of a head living without a spouse: calibrated so that the district's sex ratio is
    about Jilin's (about 100 men per 100 women, 2020 census) rather than the 113 a male head by
    default gave."""
    female = rng.random() < (0.68 if age >= 60 else 0.45)
    return "female" if female else "male"


def _sex(rng: random.Random) -> str:
    return "male" if rng.random() < 0.51 else "female"


def _name_children(people: list[Person]) -> list[Person]:
    for person in people:
        if person.relation == "child":
            person.relation = "son" if person.sex == "male" else "daughter"
    return people


def _assign_health(rng: random.Random, people: list[Person], p: Profile) -> None:
    poor = p.registered
    for person in people:
        if person.health != "healthy":
            continue  # set by the composition
        roll = rng.random()
        if person.age >= 60:
            chronic, serious, disabled = (0.28, 0.04, 0.05) if poor else (0.16, 0.01, 0.02)
        elif person.age >= 18:
            chronic, serious, disabled = (0.07, 0.015, 0.025) if poor else (0.03, 0.004, 0.01)
        else:
            chronic, serious, disabled = (0.01, 0.003, 0.01) if poor else (0.005, 0.001, 0.003)
        if roll < disabled:
            person.health, person.disability = "disabled", _one(rng, "12334")
        elif roll < disabled + serious:
            person.health = "serious"
        elif roll < disabled + serious + chronic:
            person.health = "chronic"
    _ensure_causes(rng, people, p)


def _ensure_causes(rng: random.Random, people: list[Person], p: Profile) -> None:
    """A household poor through illness has an ill member, through disability a disabled one."""
    healthy_adults = [x for x in people if x.age >= 18 and x.health == "healthy"] or people[:1]
    if p.has("illness") and not any(x.health in ("chronic", "serious") for x in people):
        who = _one(rng, healthy_adults)
        who.health, who.disability = ("serious" if rng.random() < 0.35 else "chronic"), "none"
    if p.has("disability") and not any(x.health == "disabled" for x in people):
        spare = [x for x in healthy_adults if x.health == "healthy"] or [
            x for x in people if x.health == "healthy"] or people[-1:]
        who = _one(rng, spare)
        who.health, who.disability = "disabled", _one(rng, "1233344")


def _assign_schooling(rng: random.Random, people: list[Person], p: Profile) -> None:
    dropout = None
    if p.child_out_of_school:
        # The planned failure: a healthy school-age child out of school, with no exemption.
        dropout = next(x for x in people if x.relation != "head" and 8 <= x.age <= 15)
        dropout.health, dropout.disability = "healthy", "none"
    for person in people:
        age, born = person.age, person.birth_year
        if person is dropout:
            continue
        if born in SCHOOL_AGE_BIRTH_YEARS:
            if person.health == "disabled" and person.disability in ("1", "2"):
                person.exemption = "home_teaching" if rng.random() < 0.7 else "health"
            elif age <= 6:
                person.school_status = "primary" if rng.random() < 0.6 else "preschool"
            elif age <= 11:
                person.school_status = "primary"
            elif age <= 14:
                person.school_status = "junior"
            else:
                person.school_status = _one(rng, ("junior", "senior", "senior", "senior", "vocational"))
        elif 3 <= age <= 5:
            person.school_status = "preschool" if rng.random() < 0.7 else "not_in_school"
        elif p.registered and born in STILL_IN_SCHOOL_BIRTH_YEARS:
            # Of school age in some year 2014–2019: an assessment of that year reads today's status.
            if person.health == "disabled" and person.disability in ("1", "2"):
                person.exemption = "health"
            elif age <= 18:
                person.school_status = "vocational" if rng.random() < 0.4 else "senior"
            else:
                person.school_status = "higher_vocational" if rng.random() < 0.4 else "college"
        elif 17 <= age <= 18:
            if rng.random() >= (0.35 if p.registered else 0.25):
                person.school_status = _one(rng, ("senior", "senior", "vocational"))
        elif 19 <= age <= 22 and person.health != "disabled" and rng.random() < (0.3 if p.registered else 0.45):
            person.school_status = _one(rng, ("college", "college", "higher_vocational"))
    candidates = [x for x in people if x.relation not in ("head", "spouse") and x is not dropout]
    if p.main_cause == "schooling" and candidates and not any(
            x.school_status in ("senior", "vocational", "college", "higher_vocational") for x in people):
        child = min(candidates, key=lambda x: abs(x.age - 18))
        child.age = max(child.age, 17)
        child.health, child.disability, child.exemption = "healthy", "none", "none"
        child.school_status = "college" if child.age >= 19 else "senior"


def family(rng: random.Random, p: Profile) -> list[Person]:
    """The people of one household: composition, then health, then schooling."""
    people = compose(rng, p)
    # the district is the article's at the end of 2019: everyone in it was born by then, so the
    # population on 31 December 2019 is the planned one and the incidence is the article's 0.103%
    for person in people:
        person.age = max(1, person.age)
    _assign_health(rng, people, p)
    _assign_schooling(rng, people, p)
    _ensure_causes(rng, people, p)  # schooling may have made a child healthy again
    return people
