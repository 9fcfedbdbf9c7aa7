"""What makes a delivery (落实) valid and what it writes, as functions over plain values: the one
core that recording one measure, one plan and a township's year-end batch all call.

A delivery records what was delivered. Facts it establishes (a house renovated, a member insured or
back in school) go to the registry; the income a measure is expected to bring stays a projection
(the plan's expected gain): income changes only through an income record surveyed by someone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..domain.problems import Problem
from ..domain.text import Text
from .schema import YEAR_TOKEN

DELIVERABLE = ("accepted", "changed")


@dataclass(frozen=True)
class DeliveryState:
    """What the database says about a measure when its delivery is recorded."""

    plan_status: str
    plan_year: int
    measure_code: str
    measure_status: str
    already_delivered: bool
    in_catalogue: bool
    member_left: bool = False  # the measure writes to a member who is no longer in the household


def delivery_problems(state: DeliveryState, *, date: dt.date, proof_note: str, amount: Decimal, today: dt.date,
                      item: int | None = None) -> list[Problem]:
    """Every reason the delivery cannot be recorded (none: it can).

    >>> s = DeliveryState("accepted", 2020, "d_rebuild", "accepted", False, True)
    >>> today = dt.date(2021, 1, 1)
    >>> delivery_problems(s, date=dt.date(2020, 5, 1), proof_note="验收单", amount=Decimal(1), today=today)
    []
    >>> [p.field for p in delivery_problems(s, date=dt.date(2018, 12, 31), proof_note=" ", amount=Decimal(-1),
    ...                                     today=today)]
    ['proof_note', 'amount', 'date']
    """
    problems = []
    if state.plan_status != "accepted":
        problems.append(Problem("plan", state.plan_status, Text("只能落实已确认的计划（现行计划）",
                                                                "only the accepted plan "
                                                                "of record is delivered"), item))
    if state.measure_status not in DELIVERABLE:
        problems.append(Problem("status", state.measure_status, Text("该措施未被采纳，不能登记落实",
                                                                     "the measure was not "
                                                                     "accepted"), item))
    if state.already_delivered:
        problems.append(Problem("measure", state.measure_code, Text("该措施已登记落实",
                                                                    "the measure is already delivered"),
                                item))
    if not state.in_catalogue:
        problems.append(Problem("measure", state.measure_code, Text("措施目录中已无此措施",
                                                                    "the measure is no longer in "
                                                                    "the catalogue"), item))
    if state.member_left:
        problems.append(Problem("member", state.measure_code, Text("该措施的帮扶对象已不在本户（已减员），不能登记落实",
                                                                   "the member this measure is for has left the "
                                                                   "household"), item))
    if not proof_note.strip():
        problems.append(Problem("proof_note", proof_note, Text("请填写佐证（发票、合同、验收单等）",
                                                               "give the proof "
                                                               "(invoice, contract, acceptance note)"), item))
    if amount < 0:
        problems.append(Problem("amount", amount, Text("金额不能为负", "the amount cannot be negative"), item))
    if date > today:
        problems.append(Problem("date", date, Text("落实日期不能晚于今天", "the date cannot be in the future"), item))
    elif date.year < state.plan_year - 1:
        problems.append(Problem("date", date, Text(f"落实日期早于计划年度 {state.plan_year}",
                                                   "the date is before the "
                                                   f"plan's year {state.plan_year}"), item))
    return problems


def effect_values(effect: Mapping[str, Any], year: int) -> dict[str, Any]:
    """The registry values a measure's effect writes, the year token replaced by the plan's year.

    >>> effect_values({"housing_safety_via": "renovated", "housing_renovated_year": "$year"}, 2020)
    {'housing_safety_via': 'renovated', 'housing_renovated_year': 2020}
    """
    return {k: (year if v == YEAR_TOKEN else v) for k, v in effect.items()}
