"""The synthetic district's monitoring years (2021 to the last full month): months with shocks
(``synth.months``), and each quarter the engine's screening and elimination run on the database,
with their outcomes written through the monitoring services — leads, home checks that confirm or
dismiss them, objects with a plan, measures delivered, eliminations, relapses.

The cases' steps are not replayed: objects enter and leave through the same services the
procedures' effects call (``object_admit``, ``object_plan``, ``objects_eliminate``), as historic
records would be brought in. The 2014–2020 registry is not touched.

Scope (stated, to keep the demo quick): months are recorded for registered households, for
general households below ``NEAR_LINE`` a person in 2020, and for a ``SAMPLE`` of the others
(whom shocks strike as well); the rest have no months, so income rules cannot flag them. With
``villages`` (the demo's sample) only those villages' households are written and screened.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F

from ..layout_monitoring import add_months
from ..plans.services.delivery import delivery_record
from ..procedures.workdays import add_working_days
from ..registry.models import Household, IncomeRecord, Member
from ..synth.months import SHOCK_CODES, Base, Gains, MonthlyDistrict, bases_from
from .models import Lead, MonitoringObject
from .packs import current_monitoring_pack
from .screening import run_monitoring_month
from .services.help import object_plan
from .services.leads import lead_dismiss, screening_leads
from .services.months import MONTH_COLUMNS, months_write_many
from .services.objects import object_admit, objects_eliminate

NEAR_LINE = Decimal(7000)
SAMPLE = 0.08
CONFIRMED_AT_HOME = 0.8  # share of screening leads the home check confirms
ELIMINATED_WHEN_MET = 0.85  # share of eligible objects whose elimination is decided that quarter
FIRST_MONTH = 202001
STEP_MONTHS = 6  # cadres' screening twice a year (March, September) in the synthetic years
MONEY = ("wage_income", "business_income", "property_income", "transfer_assistance", "transfer_other",
         "business_expense", "medical_cost", "schooling_cost")


@dataclass
class HistoryReport:
    households: int = 0
    months: int = 0
    screenings: int = 0
    leads: int = 0
    dismissed: int = 0
    admitted: int = 0
    eliminated: int = 0
    relapsed: int = 0
    by_year: dict[int, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0


def last_full_month(today: dt.date) -> int:
    return add_months(today.year * 100 + today.month, -1)


def _bases(seed: int, villages: Collection[int] | None = None) -> list[Base]:
    rng = random.Random(seed)
    incomes: dict[int, dict[str, float]] = {}
    net = (F("wage_income") + F("business_income") + F("property_income") + F("transfer_family_planning")
           + F("transfer_minimum_living") + F("transfer_destitute_support") + F("transfer_pension")
           + F("transfer_eco_compensation") + F("transfer_other") - F("business_expense"))
    registered = set(Household.objects.filter(is_registered=True).values_list("id", flat=True))
    records = IncomeRecord.objects.filter(year=2020)
    if villages is not None:
        records = records.filter(household__village_id__in=list(villages))
    rows = records.annotate(net=net).values()
    for r in rows:
        hid = r["household_id"]
        near = r["net"] / r["household_size"] < NEAR_LINE
        if hid in registered or near or rng.random() < SAMPLE:
            skip = ("id", "household_id", "year", "household_size", "net")
            incomes[hid] = {k: float(v) for k, v in r.items() if k not in skip}  # type: ignore[arg-type]
    villages = dict(Household.objects.filter(id__in=incomes).values_list("id", "village_id"))
    in_school = dict(Member.objects.filter(household_id__in=incomes, is_active=True,
                                           school_status__in=("senior", "vocational", "higher_vocational", "college"))
                     .values("household_id").annotate(n=Count("id")).values_list("household_id", "n"))
    return bases_from(incomes, villages, in_school)


def _write(district: MonthlyDistrict, first: int, last: int, gains: Gains, by: str) -> int:
    if first > last:
        return 0
    rows = district.rows(first, last, gains)
    columns = dict(zip(MONTH_COLUMNS, zip(*rows, strict=True), strict=True))
    columns["shock"] = tuple(SHOCK_CODES[i] for i in columns["shock"])
    return months_write_many(columns=columns, by=by, note=f"合成 {first}–{last} / synthetic")


def build_monitoring_history(*, seed: int = 2020, by: str = "synth", today: dt.date | None = None,
                             progress: Callable[[str], None] | None = None,
                             villages: Collection[int] | None = None) -> HistoryReport:
    """Write the monitoring years into a district built by ``synth.taobei.build_district`` (only
    into ``villages`` when given)."""
    started = time.monotonic()
    say = progress or (lambda text: None)
    report = HistoryReport()
    if MonitoringObject.objects.exists() or Lead.objects.exists():
        return report  # already written
    pack = current_monitoring_pack()
    last = last_full_month(today or dt.date.today())
    bases = _bases(seed, villages)
    report.households = len(bases)
    screened = None if villages is None else [b.household_id for b in bases]
    district = MonthlyDistrict(seed + 17, bases, FIRST_MONTH, last)
    rng = random.Random(seed + 23)
    gains = Gains()
    written = FIRST_MONTH - 1
    development = set(pack.measure_kinds.development)
    eliminated_before: set[int] = set()
    month = 202103
    while month <= last:
        year = month // 100
        if year > pack.years[1]:
            break
        with transaction.atomic():
            report.months += _write(district, add_months(written, 1) if written >= FIRST_MONTH else FIRST_MONTH,
                                    add_months(month, -1), gains, by)
            written = add_months(month, -1)
            run = run_monitoring_month(year, month % 100, pack=pack, leads_and_objects=True,
                                       household_ids=screened)
            report.screenings += 1
            found = add_working_days(dt.date(year, month % 100, 1), 2)
            outcome = screening_leads(run, found_on=found, by=by)
            counts = report.by_year.setdefault(year, {"leads": 0, "admitted": 0, "eliminated": 0, "relapsed": 0})
            counts["leads"] += len(outcome.created)
            report.leads += len(outcome.created)
            decided = add_working_days(found, 15)
            for lead in outcome.created:
                if rng.random() >= CONFIRMED_AT_HOME:
                    lead_dismiss(lead=lead, reason="入户核查：实际收支情况好于数据，暂不纳入",
                                 on=add_working_days(found, 3), by=by)
                    report.dismissed += 1
                    continue
                obj = object_admit(household=lead.household, on=decided, category=lead.category,
                                   risk_types=lead.risk_types, case_ref=f"合成识别 {decided}", by=by, lead=lead)
                report.admitted += 1
                counts["admitted"] += 1
                if lead.household_id in eliminated_before:
                    report.relapsed += 1
                    counts["relapsed"] += 1
                plan = object_plan(obj=obj, year=decided.year, due=decided + dt.timedelta(days=60), by=by)
                delivered = decided + dt.timedelta(days=20 + rng.randrange(40))
                if delivered > (today or dt.date.today()):
                    continue
                for measure in plan.measures.all():
                    delivery_record(measure=measure, date=delivered, proof_note=f"合成验收单 {obj.pk}", by=by)
                    start = add_months(delivered.year * 100 + delivered.month, 1)
                    target = gains.income if measure.category in development else gains.assistance
                    target.setdefault(obj.household_id, []).append((start, float(measure.expected_gain)))
            eligible = [o for o in MonitoringObject.objects.filter(eliminated_on__isnull=True)
                        .select_related("household")
                        if run.results.get(o.household_id) is not None
                        and run.results[o.household_id].elimination == "pass" and rng.random() < ELIMINATED_WHEN_MET]
            if eligible:
                on = dt.date(year, month % 100, 20)
                objects_eliminate(objects=eligible, on=on, case_ref=f"合成风险消除 {on}", by=by, run=run)
                report.eliminated += len(eligible)
                counts["eliminated"] += len(eligible)
                eliminated_before.update(o.household_id for o in eligible)
        say(f"{year}-{month % 100:02d}")
        month = add_months(month, STEP_MONTHS)
    with transaction.atomic():
        report.months += _write(district, add_months(written, 1), last, gains, by)
    report.seconds = round(time.monotonic() - started, 1)
    return report
