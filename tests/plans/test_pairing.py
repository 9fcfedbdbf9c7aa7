"""Pairing (全覆盖包保): the maximum per cadre holds, partner departments are preferred exactly,
existing pairings are kept, and every gap is reported."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest

from liangfang.pairing.assign import assign
from liangfang.pairing.run import pairing_run
from liangfang.pairing.services import cadre_pairings_write_many
from liangfang.registry.models import CadrePairing, ChangeRecord, Region
from liangfang.registry.services.cadres import (
    cadres_write_many,
    department_pairings_write_many,
    departments_write_many,
)
from liangfang.registry.services.households import household_create
from liangfang.registry.services.regions import village_facilities_write_many
from tests.factories import COUNTY, OTHER_VILLAGE, VILLAGE, household_data, make_regions, member_data


def test_it_finds_the_pairing_that_prefers_partner_departments_for_everyone() -> None:
    # village 10 is paired with departments 1 and 2, village 20 only with 1; one place each.
    # Taking department 1 for village 10 first would leave village 20 with a stranger.
    result = assign([(100, 10), (200, 20)], cadres={7: 1, 8: 2}, load={7: 4, 8: 4},
                    village_departments={10: {1, 2}, 20: {1}}, maximum=5)
    assert result.assigned == {100: 8, 200: 7}
    assert result.preferred == 2


@pytest.mark.parametrize("seed", range(20))
def test_no_cadre_goes_over_the_maximum_and_nobody_is_left_while_places_remain(seed: int) -> None:
    rng = random.Random(seed)
    cadres = {c: rng.choice([None, 1, 2, 3]) for c in range(1, rng.randint(2, 8))}
    load = {c: rng.randint(0, 4) for c in cadres}
    households = [(h, rng.choice([10, 20, 30])) for h in range(100, 100 + rng.randint(0, 30))]
    links = {v: set(rng.sample([1, 2, 3], rng.randint(0, 2))) for v in (10, 20, 30)}
    result = assign(households, cadres=cadres, load=load, village_departments=links, maximum=4)
    after = Counter(load)
    after.update(result.assigned.values())
    assert all(after[c] <= max(4, load[c]) for c in cadres)
    spare = sum(max(0, 4 - load[c]) for c in cadres)
    assert len(result.assigned) == min(len(households), spare)
    assert set(result.assigned) | set(result.unassigned) == {h for h, _ in households}


@pytest.fixture
def area(db: None) -> Region:
    regions = make_regions()
    departments_write_many([{"name": "区教育局", "unit_level": "county"}, {"name": "区水利局", "unit_level": "county"}],
                           by="test")
    department_pairings_write_many([{"department": "区教育局", "village_code": OTHER_VILLAGE,
                                     "start_date": dt.date(2016, 1, 1)}], by="test")
    cadres_write_many([
        {"resident_id": member_data()["resident_id"], "name": name, "department": unit, "unit_level": "county"}
        for name, unit in (("王教育", "区教育局"), ("李水利", "区水利局"))], by="test")
    village_facilities_write_many([{"village_code": OTHER_VILLAGE, "year": 2016, "work_team": True}], by="test")
    for code in (VILLAGE, VILLAGE, VILLAGE, OTHER_VILLAGE, OTHER_VILLAGE, OTHER_VILLAGE):
        household_create(village=regions[code], data=household_data(), members=[member_data()], by="test")
    return Region.objects.get(code=COUNTY)


@pytest.mark.django_db
def test_the_area_run_keeps_pairings_prefers_partners_and_reports_every_gap(area: Region) -> None:
    from liangfang.registry.models import Cadre, Household

    wang = Cadre.objects.get(name="王教育")
    households = list(Household.objects.order_by("id"))
    # 王教育 already carries three households: one over the maximum of two
    cadre_pairings_write_many([{"cadre": wang.resident_id, "household_number": h.number,
                                "start_date": dt.date(2016, 3, 1)} for h in households[:3]], by="test")
    report = pairing_run(region=area, start_date=dt.date(2016, 6, 1), by="区扶贫办", maximum=2, dry_run=True)
    assert (report.households, report.kept) == (6, 3)
    assert [(p.cadre, p.preferred) for p in report.new] == [("李水利", False), ("李水利", False)]
    assert len(report.unpaired) == 1
    assert [o.cadre for o in report.overloaded] == ["王教育"]
    assert report.villages_without_department == [(VILLAGE, "新建村")]
    assert report.villages_without_work_team == [(VILLAGE, "新建村")]
    assert CadrePairing.objects.count() == 3  # a dry run writes nothing
    written = pairing_run(region=area, start_date=dt.date(2016, 6, 1), by="区扶贫办", maximum=2)
    assert written.written and CadrePairing.objects.filter(end_date__isnull=True).count() == 5
    assert ChangeRecord.objects.filter(action="pair_cadre", actor="区扶贫办").count() == 2
    again = pairing_run(region=area, start_date=dt.date(2016, 7, 1), by="x", maximum=2, dry_run=True)
    assert (again.kept, len(again.new), len(again.unpaired)) == (5, 0, 1)


@pytest.mark.django_db
def test_a_partner_department_cadre_is_chosen_for_its_village(area: Region) -> None:
    report = pairing_run(region=Region.objects.get(code=OTHER_VILLAGE), start_date=dt.date(2016, 6, 1), by="x",
                         maximum=2, dry_run=True)
    assert [(p.cadre, p.preferred) for p in report.new] == [("王教育", True), ("王教育", True), ("李水利", False)]
    assert report.villages_without_department == [] and report.villages_without_work_team == []
