"""Delivering many accepted plans at once (a township's or county's year-end 验收): every measure's
effect applied in memory, then written through the registry's validated batch service
(``bulk.write_many``: all or nothing, change log included), and the deliveries recorded.

The effect of a measure is the one ``delivery_record`` writes for a single measure; this path
only saves the round trips (a whole district in seconds instead of minutes).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from ...policy import load_pack
from ...registry.fields import HOUSEHOLD_FIELDS, INCOME_FIELDS, MEMBER_FIELDS, clean_value
from ...registry.models import ChangeRecord, Household, IncomeRecord, Member
from ...registry.services.bulk import HouseholdInput, write_many
from ...registry.services.changelog import jsonable
from ...registry.services.errors import Problem, ValidationFailed
from ..catalogue import catalogue_for
from ..models import Delivery, Plan, PlanMeasure
from ..schema import YEAR_TOKEN, Catalogue, Measure
from .delivery import DELIVERABLE

INCOME_ITEMS = tuple(f.name for f in INCOME_FIELDS if f.name != "year")
_HOUSEHOLD = {f.name: f for f in HOUSEHOLD_FIELDS if f.name != "village_code"}
_MEMBER = {f.name: f for f in MEMBER_FIELDS}


def _cleaned(effect: Mapping[str, Any], fields: Mapping[str, Any], year: int) -> dict[str, Any]:
    return {k: year if v == YEAR_TOKEN else clean_value(fields[k], v) for k, v in effect.items()}


class _Household:
    """One household's registry values, changed in memory by its measures' effects."""

    def __init__(self, household: Household, members: list[Member], incomes: dict[int, IncomeRecord]) -> None:
        self.record = household
        self.values = {name: getattr(household, name) for name in _HOUSEHOLD}
        self.members = {m.pk: {name: getattr(m, name) for name in _MEMBER} for m in members}
        self.incomes = incomes
        self.changed_incomes: dict[int, dict[str, Any]] = {}

    def apply(self, spec: Measure, measure: PlanMeasure, year: int) -> dict[str, Any]:
        applied: dict[str, Any] = {}
        if spec.effect.household:
            values = _cleaned(spec.effect.household, _HOUSEHOLD, year)
            self.values.update(values)
            applied["household"] = {k: str(v) for k, v in values.items()}
        if spec.effect.member and measure.member_id in self.members:
            values = _cleaned(spec.effect.member, _MEMBER, year)
            self.members[measure.member_id].update(values)
            applied["member"] = {k: str(v) for k, v in values.items()}
        if spec.effect.income is not None and measure.expected_gain > 0:
            income = self.changed_incomes.get(year)
            if income is None:
                record = self.incomes.get(year)
                if record is None:
                    raise ValidationFailed([Problem("income_year", year, f"农户 {self.record.number} 无 {year} 年收入"
                                                    f"记录，无法计入增收 / no income record to add the gain to")])
                income = {"year": year, "household_size": record.household_size,
                          **{name: getattr(record, name) for name in INCOME_ITEMS}}
                self.changed_incomes[year] = income
            before = income[spec.effect.income]
            income[spec.effect.income] = before + measure.expected_gain
            applied["income"] = {"year": year, "item": spec.effect.income, "from": str(before),
                                 "to": str(income[spec.effect.income])}
        return applied

    def batch_item(self) -> HouseholdInput:
        return HouseholdInput(village_code=self.record.village.code, household=dict(self.values),
                              members=list(self.members.values()), incomes=list(self.changed_incomes.values()))


@transaction.atomic
def plans_deliver_many(*, plans: Sequence[Plan], date: dt.date, proof_note: str, by: str,
                       progress: Callable[[int], None] | None = None) -> int:
    """Deliver every accepted, undelivered measure of ``plans`` at its planned cost; returns how
    many. Refuses (writing nothing) if a plan is not accepted or the proof is missing."""
    ids = [p.pk for p in plans]
    problems = [Problem("plan", status, f"计划 {pk} 未确认 / plan {pk} is not the accepted plan of record")
                for pk, status in Plan.objects.filter(pk__in=ids).values_list("id", "status") if status != "accepted"]
    if not proof_note.strip():
        problems.append(Problem("proof_note", proof_note, "请填写佐证（验收单号等）/ give the proof"))
    if date > dt.date.today():
        problems.append(Problem("date", date, "落实日期不能晚于今天 / the date cannot be in the future"))
    if problems:
        raise ValidationFailed(problems)
    measures = list(PlanMeasure.objects.filter(plan_id__in=ids, status__in=DELIVERABLE, deliveries__isnull=True)
                    .select_related("plan").order_by("plan__household_id", "id"))
    by_household: dict[int, list[PlanMeasure]] = defaultdict(list)
    for m in measures:
        by_household[m.plan.household_id].append(m)
    households = {h.pk: h for h in Household.objects.filter(pk__in=list(by_household)).select_related("village")}
    members: dict[int, list[Member]] = defaultdict(list)
    for member in Member.objects.filter(household_id__in=list(by_household), is_active=True).order_by("id"):
        members[member.household_id].append(member)
    incomes: dict[int, dict[int, IncomeRecord]] = defaultdict(dict)
    for record in IncomeRecord.objects.filter(household_id__in=list(by_household),
                                              year__in={m.plan.year for m in measures}):
        incomes[record.household_id][record.year] = record
    catalogues: dict[str, Catalogue] = {}
    items, deliveries, records = [], [], []
    for household_id, todo in by_household.items():
        state = _Household(households[household_id], members[household_id], incomes[household_id])
        for m in todo:
            if m.plan.pack not in catalogues:
                catalogues[m.plan.pack] = catalogue_for(load_pack(m.plan.pack)).catalogue
            spec = catalogues[m.plan.pack].measures.get(m.measure)
            if spec is None:
                raise ValidationFailed([Problem("measure", m.measure, "措施目录中已无此措施 / the measure is no longer "
                                                                      "in the catalogue")])
            applied = state.apply(spec, m, m.plan.year)
            deliveries.append(Delivery(measure=m, household_id=household_id, member_id=m.member_id, date=date,
                                       amount=m.cost, fund_source=m.fund_source, proof_note=proof_note.strip()[:200],
                                       income_year=m.plan.year,
                                       income_gain=m.expected_gain if spec.effect.income else Decimal(0),
                                       applied=applied, recorded_by=by[:80]))
            records.append(ChangeRecord(actor=by[:80], action="deliver_measure", entity="delivery", entity_id=None,
                                        household_number=state.record.number,
                                        changes={k: jsonable(v) for k, v in {
                                            "measure": m.measure, "date": date, "amount": m.cost,
                                            "fund_source": m.fund_source, "applied": applied}.items()}))
        items.append(state.batch_item())
    if items:
        write_many(items, by=by, note="措施落实 / measures delivered", progress=progress)
    Delivery.objects.bulk_create(deliveries, batch_size=2000)
    ChangeRecord.objects.bulk_create(records, batch_size=2000)
    return len(deliveries)
