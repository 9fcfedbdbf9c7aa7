"""Village facilities per year, 2014–2020, improving over time as the article reports:
by 2020 every village has safe (mostly piped) water after the 410 water projects, 87% of villages
have hardened roads to every group (屯) and every poor village does, every village has a
standard clinic (88 were built or renovated), a culture room and a service centre (the
article's 162 culture rooms and 137 village offices are counts of rooms, more than one per
village in places; the registry records only whether a village has one), and 76 villages have
hardened roads to every door (户户通; recorded on households).

A poor village has the facilities its exit needs by its exit year; before the campaign (2014)
it had no collective income (the "一无" of poor-village identification).
"""

from __future__ import annotations

import random
from decimal import Decimal

from .geography import District, Village

YEARS = range(2014, 2021)
HAMLET_ROADS_BY_2020 = 0.87
DOOR_TO_DOOR_VILLAGES = 76


def _year_between(rng: random.Random, first: int, last: int) -> int:
    return rng.randint(first, max(first, last))


def _schedule(rng: random.Random, v: Village, non_poor_hamlet: set[str], piped: set[str]) -> dict[str,
                                                                                                  int | None]:
    """The first year each facility is present (None: not by 2020)."""
    due = v.exit_year or 2020
    if v.is_poor:
        return {
            "hardened_road": _year_between(rng, 2014, due),
            "hamlet_roads_hardened": _year_between(rng, 2016, due),
            "power_grid": 2014,
            "broadband": _year_between(rng, 2015, due),
            "broadcast_tv": 2014,
            "piped_water": _year_between(rng, 2015, due),
            "clinic": _year_between(rng, 2016, due),
            "culture_room": _year_between(rng, 2015, due),
            "service_center": _year_between(rng, 2016, due),
            "garbage_collection": rng.randint(2018, 2020),
            "cooperative": _year_between(rng, 2015, due),
            "work_team": 2015,
            "collective_income": _year_between(rng, 2015, due),
        }
    early = rng.random()
    return {
        "hardened_road": 2014 if early < 0.9 else rng.randint(2015, 2018),
        "hamlet_roads_hardened": rng.randint(2016, 2020) if v.code in non_poor_hamlet else None,
        "power_grid": 2014,
        "broadband": rng.randint(2015, 2019),
        "broadcast_tv": 2014 if rng.random() < 0.9 else rng.randint(2015, 2016),
        "piped_water": (2014 if rng.random() < 0.4 else rng.randint(2015, 2020)) if v.code in piped else None,
        "clinic": 2014 if rng.random() < 0.55 else rng.randint(2016, 2020),
        "culture_room": 2014 if rng.random() < 0.4 else rng.randint(2016, 2020),
        "service_center": 2014 if rng.random() < 0.3 else rng.randint(2016, 2020),
        "garbage_collection": rng.randint(2018, 2020),
        "cooperative": rng.randint(2014, 2020) if rng.random() < 0.6 else None,
        "work_team": 2018 if rng.random() < 0.5 else None,
        "collective_income": 2014 if rng.random() < 0.8 else rng.randint(2015, 2018),
    }


def facility_rows(district: District) -> list[dict[str, object]]:
    """Rows for ``village_facilities_write_many``: every village, every year 2014–2020. The
    facilities are part of the fixed district, the same whatever the seed."""
    rng = random.Random(2014)
    non_poor = [v for v in district.villages if not v.is_poor]
    wanted = round(HAMLET_ROADS_BY_2020 * len(district.villages)) - len(district.poor_villages)
    hamlet = {v.code for v in rng.sample(non_poor, max(0, min(len(non_poor), wanted)))}
    piped = {v.code for v in rng.sample(non_poor, round(0.8 * len(non_poor)))}
    rows: list[dict[str, object]] = []
    for v in district.villages:
        first = _schedule(rng, v, hamlet, piped)
        base_income = rng.randint(30, 80) * 1000 if v.is_poor else rng.randint(20, 200) * 1000
        for year in YEARS:
            row: dict[str, object] = {"village_code": v.code, "year": year}
            for name, since in first.items():
                if name != "collective_income":
                    row[name] = since is not None and year >= since
            row["clinic_doctor"] = row["clinic"]
            since = first["collective_income"]
            grown = base_income * 1.08 ** (year - since) if since is not None and year >= since else 0
            row["collective_income"] = Decimal(round(grown)).quantize(Decimal("0.01"))
            rows.append(row)
    return rows


def door_to_door_villages(district: District) -> frozenset[str]:
    """The 76 villages with hardened roads to every door (poor villages first)."""
    rng = random.Random(76)
    poor = [v.code for v in district.poor_villages]
    others = [v.code for v in district.villages if not v.is_poor]
    chosen = rng.sample(poor, min(len(poor), 45))
    chosen += rng.sample(others, DOOR_TO_DOOR_VILLAGES - len(chosen))
    return frozenset(chosen)
