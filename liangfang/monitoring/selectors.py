"""Monitoring figures for an area and a month (reads only): objects by category and risk type,
new and eliminated in the month, overdue leads, the share of objects with a development measure,
and the monitored share of the rural population by year (the dashboard's line from 2021); a lead's
reasons as a reader may read them."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from .. import disclosure
from ..domain.text import Text
from ..engine.monitor.results import withheld_reason
from ..plans.models import PlanMeasure
from ..policy.monitoring import MonitoringPack
from ..procedures.models import Step
from ..registry.models import Member, Region
from .models import Lead, MonitoringObject
from .packs import current_monitoring_pack
from .screening import villages_under


def lead_reasons(reader: disclosure.Reader, pack: MonitoringPack, lead: Lead) -> list[Text] | None:
    """The reasons stored on ``lead`` as ``reader`` may read them: none without health facts
    (``disclosure.monitoring_risks_shown``), and a rule counting members by their age in the month
    by its name only for a reader shown birth years (``engine.monitor.results.withheld_reason``).
    The monitoring page, the household page and the monthly workbook all read them here."""
    if not disclosure.monitoring_risks_shown(reader):
        return None
    shown = [withheld_reason(reader, pack, r) for r in lead.reasons if isinstance(r, dict)]
    return [Text(r.get("zh", ""), r.get("en", "")) for r in shown]


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class MonthFigures:
    region: Region | None
    year: int
    month: int
    objects: int = 0
    people: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_risk_type: dict[str, int] = field(default_factory=dict)
    new: int = 0
    eliminated: int = 0
    open_leads: int = 0
    overdue_home_checks: int = 0
    overdue_identifications: int = 0
    with_development_measure: int = 0

    @property
    def development_share(self) -> float | None:
        return None if not self.objects else round(self.with_development_measure * 100 / self.objects, 1)


def _in_area(region: Region | None, prefix: str = "household__") -> Q:
    villages = villages_under(region)
    return Q() if villages is None else Q(**{f"{prefix}village_id__in": villages})


def open_at(day: dt.date) -> Q:
    return Q(entered_on__lte=day) & (Q(eliminated_on__isnull=True) | Q(eliminated_on__gt=day))


def month_figures(region: Region | None, year: int, month: int, today: dt.date | None = None) -> MonthFigures:
    first, last = month_bounds(year, month)
    as_of = min(today or last, last)
    area = _in_area(region)
    out = MonthFigures(region, year, month)
    objects = list(MonitoringObject.objects.filter(area & open_at(last))
                   .values("household_id", "category", "risk_types"))
    out.objects = len(objects)
    pack = current_monitoring_pack()
    categories = Counter(o["category"] for o in objects)
    out.by_category = {c: categories.get(c, 0) for c in pack.categories}
    risks = Counter(r for o in objects for r in o["risk_types"])
    out.by_risk_type = {r: risks.get(r, 0) for r in pack.risk_types}
    households = [o["household_id"] for o in objects]
    out.people = Member.objects.filter(household_id__in=households, is_active=True).count()
    out.new = MonitoringObject.objects.filter(area, entered_on__range=(first, last)).count()
    out.eliminated = MonitoringObject.objects.filter(area, eliminated_on__range=(first, last)).count()
    leads = Lead.objects.filter(area, found_on__lte=as_of).filter(
        Q(status__in=("open", "case")) | Q(closed_on__gt=as_of))
    out.open_leads = leads.count()
    home_check = Step.objects.filter(case_id=OuterRef("case_id"), step="home_check", action="done",
                                     on__lte=OuterRef("home_check_due"))
    out.overdue_home_checks = (leads.filter(home_check_due__lt=as_of)
                               .exclude(checked_on__lte=F("home_check_due")).exclude(Exists(home_check)).count())
    out.overdue_identifications = leads.filter(identification_due__lt=as_of).count()
    development = pack.measure_kinds.development
    out.with_development_measure = (PlanMeasure.objects.filter(
        plan__household_id__in=households, plan__status="accepted", category__in=development,
        status__in=("accepted", "changed")).values("plan__household_id").distinct().count())
    return out


def monitored_share_by_year(region: Region | None, years: range) -> dict[int, tuple[int, float | None]]:
    """People in monitoring objects open at each year's end, and their share (percent) of the
    area's rural population: the dashboard's line after 2020."""
    area = _in_area(region)
    population = Member.objects.filter(_in_area(region), is_active=True).count()
    out: dict[int, tuple[int, float | None]] = {}
    for year in years:
        end = dt.date(year, 12, 31)
        households = MonitoringObject.objects.filter(area & open_at(end)).values("household_id")
        people = Member.objects.filter(household_id__in=households, is_active=True).count()
        out[year] = (people, round(people * 100 / population, 3) if population else None)
    return out


# -- for other apps' pages: which households are monitoring objects now ----------------------------

ANY_CATEGORY = "any"


def open_objects() -> QuerySet[MonitoringObject]:
    """Monitoring objects whose risk is not (yet) eliminated: at most one per household (a constraint
    says so)."""
    return MonitoringObject.objects.filter(eliminated_on__isnull=True)


def monitored_household_ids(category: str = ANY_CATEGORY) -> QuerySet[MonitoringObject, Any]:
    """The ids of the households that are monitoring objects now (of ``category``, or of any), as a
    subquery for another app's list: ``Household.objects.filter(pk__in=monitored_household_ids())``."""
    objects = open_objects()
    if category != ANY_CATEGORY:
        objects = objects.filter(category=category)
    return objects.values("household_id")


def categories_by_number(numbers: list[str]) -> dict[str, str]:
    """Household number → the category code of its open monitoring object, for one page of a list."""
    if not numbers:
        return {}
    return dict(open_objects().filter(household__number__in=numbers).values_list("household__number", "category"))


def category_choices(lang: str) -> list[tuple[str, str]]:
    """The monitoring pack's object categories (脱贫不稳定户, 边缘易致贫户, 突发严重困难户) as
    (code, name) in ``lang``."""
    return [(code, category.name.zh if lang == "zh" else category.name.en)
            for code, category in current_monitoring_pack().categories.items()]
