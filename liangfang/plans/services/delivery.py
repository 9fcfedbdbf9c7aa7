"""Recording measures delivered (落实) and visits (走访).

A delivery writes what the catalogue says the measure changes into the registry *through the
registry's own services* (version-checked, validated, logged): a house renovated in the plan's
year, a member insured or back in school, the yearly income gain added to the income record.
Re-assessing the year then shows whether the household now meets the standard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from ...policy import load_pack
from ...registry.fields import INCOME_FIELDS
from ...registry.models import Cadre, Household, IncomeRecord, Member
from ...registry.services.changelog import record_change
from ...registry.services.errors import Problem, ValidationFailed
from ...registry.services.households import household_update, income_set, member_update
from ...registry.services.money import money
from ..catalogue import catalogue_for
from ..models import Delivery, PlanMeasure, Visit
from ..schema import YEAR_TOKEN, Measure

INCOME_ITEMS = tuple(f.name for f in INCOME_FIELDS if f.name != "year")
DELIVERABLE = ("accepted", "changed")


def _version(household: Household) -> int:
    return int(Household.objects.values_list("version", flat=True).get(pk=household.pk))


def _values(effect: Mapping[str, Any], year: int) -> dict[str, Any]:
    return {k: (year if v == YEAR_TOKEN else v) for k, v in effect.items()}


def _income(household: Household, year: int, base_year: int, item: str, gain: Decimal, by: str) -> dict[str, Any]:
    """Add ``gain`` to ``item`` of the household's income for ``year`` (from the plan year's record
    when that year has none yet)."""
    record = (IncomeRecord.objects.filter(household=household, year=year).first()
              or IncomeRecord.objects.filter(household=household, year=base_year).first())
    if record is None:
        raise ValidationFailed([Problem("income_year", year, f"农户 {household.number} 无 {year} 年和 {base_year} 年"
                                        f"收入记录，无法计入增收 / no income record to add the gain to")])
    amounts = {name: getattr(record, name) for name in INCOME_ITEMS}
    before = amounts[item]
    amounts[item] = before + gain
    income_set(household=household, year=year, data=amounts, expected_version=_version(household), by=by)
    return {"year": year, "item": item, "from": str(before), "to": str(amounts[item])}


def _apply(spec: Measure, measure: PlanMeasure, income_year: int, gain: Decimal, by: str) -> dict[str, Any]:
    household = Household.objects.get(pk=measure.plan.household_id)
    year = measure.plan.year
    applied: dict[str, Any] = {}
    if spec.effect.household:
        values = _values(spec.effect.household, year)
        household.version = _version(household)
        household_update(household=household, data=values, expected_version=household.version, by=by)
        applied["household"] = {k: str(v) for k, v in values.items()}
    if spec.effect.member and measure.member_id is not None:
        member = Member.objects.select_related("household").get(pk=measure.member_id)
        values = _values(spec.effect.member, year)
        member_update(member=member, data=values, expected_version=_version(household), by=by)
        applied["member"] = {k: str(v) for k, v in values.items()}
    if spec.effect.income is not None and gain > 0:
        applied["income"] = _income(household, income_year, year, spec.effect.income, gain, by)
    return applied


@transaction.atomic
def delivery_record(*, measure: PlanMeasure, date: dt.date, proof_note: str, by: str, amount: Decimal | None = None,
                    fund_source: str | None = None, income_gain: Decimal | None = None,
                    income_year: int | None = None) -> Delivery:
    """Record that ``measure`` was delivered and write its effect into the registry.

    ``amount`` (yuan spent) and ``fund_source`` default to the plan's; ``income_gain`` (yuan a year,
    default the expected gain) is added to the income of ``income_year`` (default the plan's year).
    """
    # The measure's row is locked first: two people recording the same delivery at once are served
    # one after the other, and the second is told it is already delivered (no database error).
    list(PlanMeasure.objects.select_for_update().filter(pk=measure.pk).values_list("pk", flat=True))
    measure.refresh_from_db(fields=["status"])
    plan = measure.plan
    plan.refresh_from_db(fields=["status"])
    spec = catalogue_for(load_pack(plan.pack)).catalogue.measures.get(measure.measure)
    amount = measure.cost if amount is None else amount
    fund_source = fund_source or measure.fund_source
    gain = measure.expected_gain if income_gain is None else income_gain
    problems = []
    if plan.status != "accepted":
        problems.append(Problem("plan", plan.status, "只能落实已确认的计划（现行计划）/ only the accepted plan of "
                                                     "record is delivered"))
    if measure.status not in DELIVERABLE:
        problems.append(Problem("status", measure.status, "该措施未被采纳，不能登记落实 / the measure was not "
                                                          "accepted"))
    if Delivery.objects.filter(measure=measure).exists():
        problems.append(Problem("measure", measure.measure, "该措施已登记落实 / the measure is already delivered"))
    if spec is None:
        problems.append(Problem("measure", measure.measure, "措施目录中已无此措施 / the measure is no longer in the "
                                                            "catalogue"))
    if not proof_note.strip():
        problems.append(Problem("proof_note", proof_note, "请填写佐证（发票、合同、验收单等）/ give the proof "
                                                          "(invoice, contract, acceptance note)"))
    checked_amount, checked_gain = money("amount", amount, problems), money("income_gain", gain, problems)
    if date > dt.date.today():
        problems.append(Problem("date", date, "落实日期不能晚于今天 / the date cannot be in the future"))
    elif date.year < plan.year - 1:
        problems.append(Problem("date", date, f"落实日期早于计划年度 {plan.year} / the date is before the plan's "
                                              f"year {plan.year}"))
    if problems:
        raise ValidationFailed(problems)
    assert spec is not None and checked_amount is not None and checked_gain is not None
    amount, gain = checked_amount, checked_gain
    applied = _apply(spec, measure, income_year or plan.year, gain, by)
    delivery = Delivery.objects.create(
        measure=measure, household_id=plan.household_id, member_id=measure.member_id, date=date, amount=amount,
        fund_source=fund_source, proof_note=proof_note.strip()[:200], income_year=income_year or plan.year,
        income_gain=gain if spec.effect.income else Decimal(0), applied=applied, recorded_by=by[:80])
    record_change(by=by, action="deliver_measure", entity="delivery", entity_id=delivery.pk,
                  household_number=plan.household.number,
                  changes={"measure": measure.measure, "date": date, "amount": amount, "fund_source": fund_source,
                           "applied": applied})
    return delivery


@transaction.atomic
def plan_deliver(*, plan: Any, date: dt.date, proof_note: str, by: str) -> list[Delivery]:
    """Deliver every accepted measure of ``plan`` not delivered yet, each at its planned cost."""
    pending = plan.measures.filter(status__in=DELIVERABLE, deliveries__isnull=True).order_by("id")
    return [delivery_record(measure=m, date=date, proof_note=proof_note, by=by) for m in pending]


@transaction.atomic
def visit_record(*, household: Household, date: dt.date, findings: str, by: str, cadre: Cadre | None = None,
                 visitor: str = "") -> Visit:
    """Record a visit: by a responsible cadre (or a named visitor), with what was found."""
    problems = []
    who = (visitor or (cadre.name if cadre else "")).strip()
    if not who:
        problems.append(Problem("visitor", visitor, "请填写走访人 / name who visited"))
    if not findings.strip():
        problems.append(Problem("findings", findings, "请填写走访情况 / write what was found"))
    if date > dt.date.today():
        problems.append(Problem("date", date, "走访日期不能晚于今天 / the visit date cannot be in the future"))
    if problems:
        raise ValidationFailed(problems)
    visit = Visit.objects.create(household=household, cadre=cadre, visitor=who[:40], date=date,
                                 findings=findings.strip(), recorded_by=by[:80])
    record_change(by=by, action="visit", entity="visit", entity_id=visit.pk, household_number=household.number,
                  changes={"date": date, "visitor": who})
    return visit
