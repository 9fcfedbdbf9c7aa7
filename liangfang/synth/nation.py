"""The region tree of the national-scale synthetic registry: 31 provinces → cities → counties →
townships → villages, sized by the number of households.

For the default 30 million households: 2,000 counties (one per 15,000 households, at most
2,000), 8–16 townships per county and about 500,000 villages (one per 60 households), of which
a quarter are poor villages (the country had about 128,000 poor villages), more of them in the
west. Provinces carry their real codes and names and are weighted by rural population; the
other names and codes are invented in the statistical-code pattern (county + 3-digit township
+ 3-digit village). Poor villages exit 2016–2020.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..layout import REGIONS, VILLAGE_FACILITIES
from .arrow import codes, digit_strings, ints, scaled_decimals

# (code, name, rural weight, poverty intensity, western)
PROVINCES: tuple[tuple[int, str, float, float, bool], ...] = (
    (11, "北京市", 0.6, 0.2, False), (12, "天津市", 0.6, 0.2, False), (13, "河北省", 8, 1.0, False),
    (14, "山西省", 4, 1.2, False), (15, "内蒙古自治区", 3, 1.3, True), (21, "辽宁省", 3, 0.6, False),
    (22, "吉林省", 2.5, 0.8, False), (23, "黑龙江省", 3, 0.9, False), (31, "上海市", 0.4, 0.1, False),
    (32, "江苏省", 6, 0.3, False), (33, "浙江省", 4, 0.2, False), (34, "安徽省", 6, 1.0, False),
    (35, "福建省", 3, 0.4, False), (36, "江西省", 4.5, 1.0, False), (37, "山东省", 8, 0.5, False),
    (41, "河南省", 9.5, 1.0, False), (42, "湖北省", 5, 1.0, False), (43, "湖南省", 6.5, 1.1, False),
    (44, "广东省", 6.5, 0.3, False), (45, "广西壮族自治区", 5, 1.5, True), (46, "海南省", 1, 0.8, False),
    (50, "重庆市", 2, 1.0, True), (51, "四川省", 8, 1.3, True), (52, "贵州省", 4.5, 2.0, True),
    (53, "云南省", 5, 1.9, True), (54, "西藏自治区", 0.5, 2.5, True), (61, "陕西省", 3.5, 1.5, True),
    (62, "甘肃省", 3, 2.2, True), (63, "青海省", 0.6, 1.8, True), (64, "宁夏回族自治区", 0.6, 1.6, True),
    (65, "新疆维吾尔自治区", 2, 1.8, True),
)
HOUSEHOLDS_PER_COUNTY = 15_000
MAX_COUNTIES = 2_000
HOUSEHOLDS_PER_VILLAGE = 60
POOR_VILLAGE_SHARE = 0.256
VILLAGE_EXIT_SHARES = {2016: 0.10, 2017: 0.18, 2018: 0.25, 2019: 0.27, 2020: 0.20}
FACILITY_YEARS = (2019, 2020)
_STEMS = ("安", "平", "宁", "阳", "山", "河", "江", "城", "丰", "兴", "泉", "源", "林", "水", "华", "昌", "德",
          "福", "寿", "康", "永", "长", "新", "东", "西", "南", "北", "中", "青", "白", "金", "石", "清", "溪",
          "云", "岭", "川", "原", "台", "湖", "桥", "屯", "庄", "堡", "营", "口", "坪", "坝", "沟", "塘")


@dataclass(frozen=True)
class Nation:
    """The villages (with their households' count) and every region as Arrow columns."""

    regions: pa.Table
    facilities: pa.Table
    village_id: np.ndarray  # region id of each village
    village_code: np.ndarray  # 12-digit code as int64
    village_county: np.ndarray  # index of the village's county
    county_code6: np.ndarray  # six-digit division code of each county (for resident IDs)
    village_poor: np.ndarray
    village_exit: np.ndarray  # exit year of a poor village, 0 otherwise
    village_intensity: np.ndarray  # the province's poverty intensity
    village_western: np.ndarray
    households: np.ndarray  # households per village


def _split(rng: np.random.Generator, total: int, weights: np.ndarray, minimum: int = 0) -> np.ndarray:
    """``total`` split by ``weights`` into whole numbers (each at least ``minimum``)."""
    base = np.full(len(weights), minimum, dtype=np.int64)
    rest = total - base.sum()
    if rest < 0:
        raise ValueError(f"cannot give {len(weights)} parts at least {minimum} of {total}")
    return base + rng.multinomial(rest, weights / weights.sum())


def _names(rng: np.random.Generator, count: int, suffixes: tuple[str, ...], weights: tuple[float, ...]) -> list[str]:
    first = rng.integers(0, len(_STEMS), count)
    second = rng.integers(0, len(_STEMS), count)
    suffix = rng.choice(len(suffixes), count, p=np.array(weights) / sum(weights))
    return [_STEMS[a] + _STEMS[b] + suffixes[c] for a, b, c in zip(first.tolist(), second.tolist(), suffix.tolist(),
                                                                    strict=True)]


def build_nation(rng: np.random.Generator, households: int) -> Nation:
    n_prov = len(PROVINCES)
    counties_total = min(MAX_COUNTIES, max(1, round(households / HOUSEHOLDS_PER_COUNTY)))
    weight = np.array([p[2] for p in PROVINCES])
    counties_of = _split(rng, counties_total, weight) if counties_total >= n_prov else np.bincount(
        rng.choice(n_prov, counties_total, p=weight / weight.sum()), minlength=n_prov)
    cities_of = np.maximum(1, -(-counties_of // 8))
    province_used = counties_of > 0
    # Cities: one row per city, with its province; counties: each with its city (round robin).
    city_province = np.repeat(np.arange(n_prov), np.where(province_used, cities_of, 0))
    city_number = np.concatenate([np.arange(1, c + 1) for c, used in zip(cities_of, province_used, strict=True)
                                  if used]) if province_used.any() else np.zeros(0, dtype=np.int64)
    county_province = np.repeat(np.arange(n_prov), counties_of)
    within = np.concatenate([np.arange(c) for c in counties_of])
    city_first = np.concatenate([[0], np.cumsum(np.where(province_used, cities_of, 0))[:-1]])
    county_city = city_first[county_province] + within % cities_of[county_province]
    county_number = within // cities_of[county_province] + 1
    # Townships and villages.
    townships_of = rng.integers(8, 17, counties_total)
    township_county = np.repeat(np.arange(counties_total), townships_of)
    township_number = np.concatenate([np.arange(1, t + 1) for t in townships_of])
    n_town = len(township_county)
    villages_total = max(n_town, round(households / HOUSEHOLDS_PER_VILLAGE))
    villages_of = np.minimum(_split(rng, villages_total, rng.gamma(4.0, 1.0, n_town), minimum=1), 799)
    village_township = np.repeat(np.arange(n_town), villages_of)
    village_number = np.concatenate([np.arange(1, v + 1) for v in villages_of])
    n_vil = len(village_township)
    village_county = township_county[village_township]
    village_province = county_province[village_county]
    intensity = np.array([p[3] for p in PROVINCES])[village_province]
    western = np.array([p[4] for p in PROVINCES])[village_province]
    poor_p = np.minimum(0.9, POOR_VILLAGE_SHARE * intensity / np.average(intensity))
    poor = rng.random(n_vil) < poor_p
    exit_years = np.array(list(VILLAGE_EXIT_SHARES))
    exit_year = np.where(poor, exit_years[rng.choice(len(exit_years), n_vil, p=list(VILLAGE_EXIT_SHARES.values()))], 0)
    per_village = _split(rng, households, rng.lognormal(0.0, 0.5, n_vil))

    # Codes: province pp, city pp cc, county pp cc dd, township + ttt (101…), village + vvv (201…).
    province_code = np.array([p[0] for p in PROVINCES], dtype=np.int64)
    city_code4 = province_code[city_province] * 100 + city_number
    county_code6 = city_code4[county_city] * 100 + county_number
    township_code9 = county_code6[township_county] * 1000 + 100 + township_number
    village_code = township_code9[village_township] * 1000 + 200 + village_number

    # Region ids in order: provinces, cities, counties, townships, villages.
    used_provinces = np.flatnonzero(province_used)
    n_city = len(city_province)
    prov_id = np.zeros(n_prov, dtype=np.int64)
    prov_id[used_provinces] = np.arange(1, len(used_provinces) + 1)
    city_id = len(used_provinces) + 1 + np.arange(n_city)
    county_id = city_id[-1] + 1 + np.arange(counties_total) if n_city else np.zeros(0, dtype=np.int64)
    township_id = county_id[-1] + 1 + np.arange(n_town)
    village_id = township_id[-1] + 1 + np.arange(n_vil)
    prov_western = np.array([p[4] for p in PROVINCES])
    levels = ("province", "city", "county", "township", "village")
    level = np.repeat(np.arange(5), [len(used_provinces), n_city, counties_total, n_town, n_vil])
    code = np.concatenate([province_code[used_provinces] * 10**10, city_code4 * 10**8, county_code6 * 10**6,
                           township_code9 * 1000, village_code])
    parent = np.concatenate([np.zeros(len(used_provinces), dtype=np.int64), prov_id[city_province],
                             city_id[county_city], county_id[township_county], township_id[village_township]])
    is_western = np.concatenate([prov_western[used_provinces], prov_western[city_province],
                                 prov_western[county_province], prov_western[county_province[township_county]],
                                 western])
    names = ([PROVINCES[i][1] for i in used_provinces] + _names(rng, n_city, ("市", "州"), (0.85, 0.15))
             + _names(rng, counties_total, ("县", "区", "市"), (0.75, 0.2, 0.05))
             + _names(rng, n_town, ("镇", "乡"), (0.6, 0.4)) + _names(rng, n_vil, ("村",), (1.0,)))
    poor_flag = np.concatenate([np.zeros(len(code) - n_vil, dtype=bool), poor])
    exit_all = np.concatenate([np.zeros(len(code) - n_vil, dtype=np.int64), exit_year])
    regions = pa.Table.from_arrays([
        ints(np.arange(1, len(code) + 1), pa.int64()), digit_strings(code, 12), pa.array(names, type=pa.string()),
        codes(level, levels), ints(parent, pa.int64(), parent > 0), pa.array(poor_flag),
        ints(exit_all, pa.int16(), exit_all > 0), pa.array(is_western),
    ], schema=REGIONS.schema)
    return Nation(regions=regions, facilities=_facilities(rng, village_id, poor, exit_year),
                  village_id=village_id, village_code=village_code, village_county=village_county,
                  county_code6=county_code6, village_poor=poor, village_exit=exit_year,
                  village_intensity=intensity, village_western=western, households=per_village)


def _facilities(rng: np.random.Generator, village_id: np.ndarray, poor: np.ndarray, exit_year: np.ndarray) -> pa.Table:
    """Village facilities in 2019 and 2020: a poor village has what its exit needs from its exit
    year on; other villages have them with the 普查公报 shares (hardened road 99.6%, piped water
    65.5%, ...)."""
    columns: list[pa.Array] = []
    n = len(village_id)
    shares = {"hardened_road": 0.996, "hamlet_roads_hardened": 0.85, "power_grid": 0.993, "broadband": 0.996,
              "broadcast_tv": 0.999, "piped_water": 0.655, "clinic": 0.96, "clinic_doctor": 0.95,
              "culture_room": 0.95, "service_center": 0.99, "garbage_collection": 0.899, "cooperative": 0.7,
              "work_team": 0.3}
    needed = {"hardened_road", "power_grid", "clinic", "clinic_doctor", "piped_water", "broadband", "work_team"}
    rows = []
    for year in FACILITY_YEARS:
        exited = poor & (exit_year <= year)
        cols: dict[str, np.ndarray] = {}
        for name, share in shares.items():
            have = rng.random(n) < share
            if name in needed:
                have |= poor & (exited | (rng.random(n) < 0.5))
                if name != "work_team":
                    have |= exited
            cols[name] = have
        income = np.where(poor & ~exited, rng.integers(0, 30_000, n), rng.integers(20_000, 500_000, n)) * 100
        rows.append((np.full(n, year), cols, income))
    for name, _ in VILLAGE_FACILITIES.columns:
        if name == "village_id":
            columns.append(ints(np.tile(village_id, len(FACILITY_YEARS)), pa.int64()))
        elif name == "year":
            columns.append(ints(np.concatenate([r[0] for r in rows]), pa.int16()))
        elif name == "collective_income":
            columns.append(scaled_decimals(np.concatenate([r[2] for r in rows]), pa.decimal128(12, 2)))
        else:
            columns.append(pa.array(np.concatenate([r[1][name] for r in rows])))
    return pa.Table.from_arrays(columns, schema=VILLAGE_FACILITIES.schema)
