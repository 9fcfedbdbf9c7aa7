"""The national measures by county (DuckDB over Parquet) against the library's own functions, county by
county, on a small generated national registry: FGT(0, 1, 2) and Gini from pandas over the same files,
the Alkire–Foster index from the household frame's statuses."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from liangfang.engine.duck import connect
from liangfang.engine.session import duckdb_session, parquet_views
from liangfang.engine.statements import StatementPlanner
from liangfang.measures import alkire_foster, fgt, gini
from liangfang.measures.frames import household_frame
from liangfang.measures.national import alkire_foster_by_county, fgt_gini_by_county
from liangfang.policy import load_pack
from liangfang.synth.national import write_national

LINE = 4000.0
MONEY = ["wage_income", "business_income", "property_income", "transfer_family_planning", "transfer_minimum_living",
         "transfer_destitute_support", "transfer_pension", "transfer_eco_compensation", "transfer_other"]


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("national")
    write_national(out, households=6_000, seed=11, lines={2019: Decimal(3218), 2020: Decimal(LINE)}, chunk=2_500)
    return out


@pytest.fixture(scope="module")
def edited(national: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same registry with gaps the generator does not make: members who left (inactive), households
    without a 2020 income record or with a record of household size 0 or missing amounts, households
    removed (ids no longer dense) whose members and incomes stay behind."""
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path_factory.mktemp("edited")
    for name in ("regions", "village_facilities", "member_health", "household_status"):
        shutil.copy(national / f"{name}.parquet", out / f"{name}.parquet")
    households = pq.read_table(national / "households.parquet")
    gone = households["id"].to_numpy()[::97]
    households = households.filter(pa.compute.invert(pa.compute.is_in(households["id"], pa.array(gone))))
    pq.write_table(households, out / "households.parquet")
    members = pq.read_table(national / "members.parquet")
    active = members["is_active"].to_numpy(zero_copy_only=False).copy()
    active[::3] = False
    members = members.set_column(members.schema.get_field_index("is_active"), "is_active", pa.array(active))
    pq.write_table(members, out / "members.parquet")
    incomes = pq.read_table(national / "incomes.parquet").to_pandas()
    incomes = incomes.drop(incomes.index[(incomes.year == 2020) & (incomes.household_id % 11 == 0)])
    size = incomes.household_size.to_numpy().copy()
    size[(incomes.year == 2020).to_numpy() & (incomes.household_id % 13 == 0).to_numpy()] = 0
    incomes["household_size"] = size
    incomes.loc[incomes.household_id % 7 == 0, "wage_income"] = None
    pq.write_table(pa.Table.from_pandas(incomes, schema=pq.read_schema(national / "incomes.parquet"),
                                        preserve_index=False), out / "incomes.parquet")
    return out


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return connect(threads=2)


def county_of_village(data: Path) -> dict[int, str]:
    regions = pd.read_parquet(data / "regions.parquet", columns=["id", "code", "level", "parent_id"])
    code = dict(zip(regions.id, regions.code, strict=True))
    parent = dict(zip(regions.id, regions.parent_id, strict=True))
    villages = regions[regions.level == "village"].id
    return {int(v): code[parent[parent[v]]] for v in villages}


@pytest.mark.parametrize(("which", "threads"), [("generated", 2), ("edited", 2), ("edited", 1)])
def test_fgt_and_gini_by_county_are_the_library_measures_per_county(national: Path, edited: Path, which: str,
                                                                    threads: int) -> None:
    national = national if which == "generated" else edited
    con = connect(threads=threads)  # the per-county sums share DuckDB's threads
    members = pd.read_parquet(national / "members.parquet", columns=["household_id", "is_active"])
    people = members[members.is_active].groupby("household_id").size().rename("w")
    incomes = pd.read_parquet(national / "incomes.parquet")
    incomes = incomes[incomes.year == 2020]
    net = incomes[MONEY].astype(float).fillna(0).sum(axis=1) - incomes.business_expense.astype(float).fillna(0)
    incomes = incomes.assign(y=net / incomes.household_size.replace(0, np.nan)).set_index("household_id")
    households = pd.read_parquet(national / "households.parquet", columns=["id", "village_id"]).set_index("id")
    frame = households.join(people, how="inner").join(incomes.y, how="inner").dropna(subset=["y"])
    frame["county"] = frame.village_id.map(county_of_village(national))

    result = fgt_gini_by_county(con, national, 2020, LINE).set_index("county")

    assert sorted(result.index) == sorted(frame.county.unique())
    assert result.people.sum() == frame.w.sum()
    for county, part in frame.groupby("county"):
        y, w = part.y.to_numpy(), part.w.to_numpy(dtype=float)
        row = result.loc[county]
        assert row.people == w.sum()
        for alpha in (0, 1, 2):
            assert row[f"fgt{alpha}"] == pytest.approx(fgt(y, LINE, alpha, w), rel=1e-12, abs=1e-15)
        assert row.gini == pytest.approx(gini(y, w), rel=1e-12)
    assert (result.fgt0 > 0).any() and (result.gini > 0).all()


@pytest.mark.parametrize(("k", "by_table"), [(1 / 6, True), (1 / 3, True), (1.0, True), (1 / 3, False)])
def test_alkire_foster_by_county_is_the_library_index_per_county(national: Path, con: duckdb.DuckDBPyConnection,
                                                                 k: float, by_table: bool,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    if not by_table:  # as for a pack whose indicator reads two tables: the one joined statement
        monkeypatch.setattr(StatementPlanner, "household_statuses_by_table", lambda self, names: None)
    pack = load_pack("cn-national")
    village_county = county_of_village(national)
    session = duckdb_session(con)
    parquet_views(session, national)
    frame = household_frame(session, pack, 2020)
    counties = np.array([village_county[int(v)] for v in frame.village_id])

    result = alkire_foster_by_county(con, national, pack, 2020, k).set_index("county")

    assert sorted(result.index) == sorted(set(counties.tolist()))
    for county in result.index:
        rows = counties == county
        expected = alkire_foster(frame.deprived[rows].astype(float), np.ones(len(frame.dimensions)), k,
                                 sizes=frame.people[rows])
        row = result.loc[county]
        assert row.people == frame.people[rows].sum()
        assert row["H"] == pytest.approx(expected.H, rel=1e-12, abs=1e-15)
        assert row["M0"] == pytest.approx(expected.M0, rel=1e-12, abs=1e-15)
        assert row["A"] == pytest.approx(expected.A, rel=1e-12, abs=1e-15)
