"""Household composition: what the plan asks of a family holds for every draw."""

from __future__ import annotations

import random

import pytest

from liangfang.synth.family import Profile, family


@pytest.mark.parametrize("main", ["illness", "schooling", "lack_labor", "disability"])
def test_a_family_planned_with_a_child_out_of_school_has_one(main: str) -> None:
    for seed in range(300):
        people = family(random.Random(seed), Profile(registered=True, size=2 + seed % 3, main_cause=main,
                                                     child_out_of_school=True))
        out = [p for p in people if 8 <= p.age <= 15 and p.school_status == "not_in_school" and p.exemption == "none"]
        assert len(out) == 1, (seed, people)
        assert people[0].relation == "head" and sum(p.relation == "head" for p in people) == 1


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_the_causes_show_in_the_members(size: int) -> None:
    for seed in range(300):
        rng = random.Random(seed)
        ill = family(rng, Profile(registered=True, size=size, main_cause="illness"))
        assert any(p.health in ("chronic", "serious") for p in ill)
        disabled = family(rng, Profile(registered=True, size=size, main_cause="disability"))
        assert any(p.health == "disabled" and p.disability != "none" for p in disabled)
        old = family(rng, Profile(registered=True, size=size, main_cause="lack_labor"))
        # no one of working age in good health: children, the old, or the disabled
        assert all(p.age < 16 or p.age >= 60 or p.health != "healthy" for p in old)
        if size >= 2:
            student = family(rng, Profile(registered=True, size=size, main_cause="schooling"))
            assert any(p.school_status in ("senior", "vocational", "college", "higher_vocational") for p in student)


def test_registered_young_people_of_past_school_age_are_still_in_school_or_exempt() -> None:
    for seed in range(500):
        for p in family(random.Random(seed), Profile(registered=True, size=4, main_cause="lack_funds")):
            if 1998 <= p.birth_year <= 2014 and p.age >= 6:
                assert p.school_status != "not_in_school" or p.exemption != "none", (seed, p)
