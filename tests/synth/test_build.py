"""Writing the synthetic district into the database through the services."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest
from typer.testing import CliRunner

import liangfang.cli.synth_cmds  # noqa: F401  (registers the command)
from liangfang.cli.app import app
from liangfang.ids import parse_resident_id
from liangfang.registry.models import (
    Cadre,
    CadrePairing,
    ChangeRecord,
    Department,
    DepartmentPairing,
    Household,
    IncomeRecord,
    Member,
    Region,
    VillageFacilities,
)
from liangfang.registry.selectors import headline_figures
from liangfang.synth.district import generate_district
from liangfang.synth.partners import MAX_LOAD
from liangfang.synth.taobei import DistrictNotEmpty, build_district, pack_lines
from tests.factories import household_data, make_regions, member_data

pytestmark = pytest.mark.django_db


def _household_rows() -> dict[str, dict[str, Any]]:
    skip = {"id", "village", "version", "created_at", "updated_at"}
    fields = [f.attname for f in Household._meta.concrete_fields if f.name not in skip]
    return {row["number"]: row for row in Household.objects.values(*fields, "village__code")}


def test_the_database_holds_exactly_the_generated_district() -> None:
    steps: list[int] = []
    report = build_district(seed=2020, scale=0.05, by="合成", progress=steps.append)
    assert sum(steps) == 2 * report.households  # generating, then writing
    assert (report.exited_households, report.exited_people, report.poor_villages) == (350, 637, 53)
    assert (report.incidence_at_registration, report.incidence_end_2019) == (Decimal("6.001"), Decimal("0.102"))
    figures = headline_figures()
    assert (figures.households, figures.people) == (report.households, report.people)
    assert (figures.exited_households, figures.exited_people) == (350, 637)
    assert (figures.remaining_households, figures.remaining_people) == (report.remaining_households, 11)
    assert (figures.poor_villages, figures.poor_villages_exited) == (53, 53)

    # Same seed, same content: the database equals a fresh generation, field by field.
    data = generate_district(seed=2020, scale=0.05, lines=pack_lines())
    stored = _household_rows()
    members: dict[str, Mapping[str, object]] = {m["resident_id"]: m for m in Member.objects.values()}
    incomes = {(i["household__number"], i["year"]): i for i in IncomeRecord.objects.values(
        "household__number", *[f.attname for f in IncomeRecord._meta.concrete_fields])}
    assert len(stored) == len(data.households) and len(members) == report.people
    for item in data.households:
        row = stored[item.household["number"]]
        assert row["village__code"] == item.village_code
        for key, value in item.household.items():
            assert row[key] == (value if value is not None or key in ("exit_year", "first_identified_on",
                                                                       "housing_renovated_year", "relocation_year")
                                else ""), (item.household["number"], key)
        for m in item.members:
            got = members[m["resident_id"]]
            assert all(got[k] == (v if v is not None else "") for k, v in m.items()), m["resident_id"]
        for income in item.incomes:
            got = incomes[(item.household["number"], income["year"])]
            assert got["household_size"] == len(item.members)
            assert all(got[k] == v for k, v in income.items())

    # Regions, facilities, the change log, partners and pairings.
    assert Region.objects.filter(level="village").count() == 129
    assert Region.objects.filter(level="village", is_poor_village=True).exclude(exit_year=None).count() == 53
    assert VillageFacilities.objects.count() == 129 * 7
    created = ChangeRecord.objects.filter(action="create", entity="household", actor="合成")
    assert created.count() == report.households
    assert Department.objects.count() == 104 and DepartmentPairing.objects.count() == 129 + 53
    registered = set(Household.objects.filter(is_registered=True).values_list("pk", flat=True))
    open_pairs = CadrePairing.objects.filter(end_date=None)
    assert sorted(open_pairs.values_list("household_id", flat=True)) == sorted(registered)
    assert max(Counter(open_pairs.values_list("cadre_id", flat=True)).values()) <= MAX_LOAD
    for cadre in Cadre.objects.all()[:20]:
        assert parse_resident_id(cadre.resident_id) and cadre.phone.isdigit() and len(cadre.phone) == 11


def test_it_refuses_a_registry_that_already_holds_households() -> None:
    regions = make_regions()
    from liangfang.registry.services.bulk import HouseholdInput, write_many

    village = next(code for code, r in regions.items() if r.level == "village")
    write_many([HouseholdInput(village, household_data(), [member_data()])], by="test")
    before = (Region.objects.count(), ChangeRecord.objects.count(), Member.objects.count())
    with pytest.raises(DistrictNotEmpty, match="已有 1 户"):
        build_district(seed=1, scale=0.005)
    assert (Region.objects.count(), ChangeRecord.objects.count(), Member.objects.count()) == before


def test_the_command_writes_a_small_district_then_refuses_to_write_twice() -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["synth", "--scale", "0.005", "--seed", "9"])
    assert first.exit_code == 0, first.output
    assert "129 / 53" in first.output and "35 / 64" in first.output
    households = Household.objects.count()
    second = runner.invoke(app, ["synth", "--scale", "0.005"])
    assert second.exit_code == 1
    assert f"already holds {households} households" in " ".join(second.output.split())
    assert Household.objects.count() == households


def test_the_command_refuses_half_a_national_request() -> None:
    result = CliRunner().invoke(app, ["synth", "--households", "100"])
    assert result.exit_code == 1 and "--out" in result.output
