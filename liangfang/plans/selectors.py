"""Reads for plans, for the CLI and the web pages: a household's diagnosis (把脉问诊), its plans and
plan of record, an area run's cost tables, overdue work, and the article-style roll-ups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum

from ..assessments.models import AssessmentRun
from ..assessments.selectors import household_explanation
from ..disclosure import FULL, HEALTH_MEASURE_CATEGORY, Reader, birth_date_visibility, in_age_band
from ..domain.codes import label
from ..domain.problems import NotFound
from ..domain.text import render
from ..engine.explain import Line as ExplainLine
from ..engine.explain import format_money
from ..policy import load_pack
from ..registry.models import CadrePairing, Household, IncomeRecord, Member, Region
from ..registry.selectors import households_in
from .catalogue import catalogue_for
from .models import Delivery, Plan, PlanMeasure, PlanRun, Project, ProjectSpending, Visit
from .tables import Line, Row, cost_tables

FAILING = ("fail", "no_data")


@dataclass(frozen=True)
class Risk:
    topic: str  # cause | labour | health | schooling | housing | water | income | insurance
    zh: str
    en: str


@dataclass
class Diagnosis:
    household: Household
    year: int | None
    verdict: str | None  # None when the year has not been assessed
    failing: list[ExplainLine] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    note_zh: str = ""
    note_en: str = ""


def latest_run(pack: str, year: int | None = None) -> AssessmentRun | None:
    runs = AssessmentRun.objects.filter(pack=pack)
    if year is not None:
        runs = runs.filter(year=year)
    return runs.order_by("-year", "-started_at").first()


def diagnosis(household: Household, *, year: int | None = None, pack: str = "cn-national",
              lang: str = "zh") -> Diagnosis:
    """What the household lacks (failing indicators of the latest stored assessment) and its risk
    factors in plain words."""
    run = latest_run(pack, year)
    out = Diagnosis(household, run.year if run else year, None)
    if run is None:
        out.note_zh = f"尚无{'该年度' if year else ''}评估结果，请先运行 liangfang assess"
        out.note_en = "no stored assessment yet; run `liangfang assess` first"
    else:
        try:
            explanation = household_explanation(run, household, lang)
        except NotFound as err:
            out.note_zh, out.note_en = render(err.message, "zh"), render(err.message, "en")
        else:
            out.verdict = explanation.verdict
            out.failing = [line for line in explanation.lines if line.status in FAILING and line.in_verdict]
    out.risks = risk_factors(household, out.year or dt.date.today().year, pack)
    return out


def _join(parts: list[str], lang: str) -> str:
    return ("，" if lang == "zh" else ", ").join(parts)


def risk_factors(household: Household, year: int, pack: str = "cn-national", *,
                 members: Sequence[Member] | None = None, incomes: Sequence[IncomeRecord] | None = None,
                 reader: Reader = FULL) -> list[Risk]:
    """Causes, labour, health, schooling, housing, water, insurance and the income trend. A page
    that has read the current ``members`` and the ``incomes`` already passes them in. School age
    is counted as ``reader`` may see ages (``disclosure.in_age_band``)."""
    out: list[Risk] = []
    if household.main_cause:
        others_zh = [label("poverty_cause", c, "zh") for c in household.other_causes]
        others_en = [label("poverty_cause", c, "en") for c in household.other_causes]
        out.append(Risk("cause", f"主要致贫原因：{label('poverty_cause', household.main_cause, 'zh')}"
                                 + (f"；其他：{'、'.join(others_zh)}" if others_zh else ""),
                        f"main cause: {label('poverty_cause', household.main_cause, 'en')}"
                        + (f"; others: {', '.join(others_en)}" if others_en else "")))
    members = list(household.members.filter(is_active=True)) if members is None else list(members)
    ref = load_pack(pack).reference_date
    on = dt.date(year, ref.month, ref.day)

    labour: dict[str, int] = {}
    for m in members:
        labour[m.labor_ability] = labour.get(m.labor_ability, 0) + 1
    out.append(Risk("labour", "劳动技能：" + _join([f"{label('labor_ability', k, 'zh')} {n} 人" for k, n in
                                                  labour.items()], "zh"),
                    "labour: " + _join([f"{n} {label('labor_ability', k, 'en')}" for k, n in labour.items()], "en")))
    ill = [m for m in members if m.health_status != "healthy"]
    if ill:
        counts: dict[str, int] = {}
        for m in ill:
            counts[m.health_status] = counts.get(m.health_status, 0) + 1
        out.append(Risk("health", "健康：" + _join([f"{label('health_status', k, 'zh')} {n} 人" for k, n in
                                                 counts.items()], "zh"),
                        "health: " + _join([f"{n} {label('health_status', k, 'en')}" for k, n in counts.items()],
                                           "en")))
    school_age = [m for m in members if in_age_band(reader, m.birth_date, on, 6, 15)]
    out_of_school = [m for m in school_age if m.school_status == "not_in_school" and m.school_exemption == "none"]
    if school_age:
        if birth_date_visibility(reader) == "full":
            who_zh, who_en = "义务教育阶段", "of compulsory-school age"
        else:  # by birth year: the reader's count must not split a boundary year's birthdays
            who_zh, who_en = f"{year} 年满 6–15 岁", f"turning 6–15 in {year}"
        out.append(Risk("schooling", f"{who_zh} {len(school_age)} 人，其中失学辍学 {len(out_of_school)} 人",
                        f"{len(school_age)} {who_en}, {len(out_of_school)} out of school"))
    grade = household.housing_grade
    out.append(Risk("housing",
                    f"住房：{label('housing_grade', grade, 'zh') if grade else '未鉴定'}"
                    + (f"，{label('housing_safety_via', household.housing_safety_via, 'zh')}"
                       if household.housing_safety_via else ""),
                    f"housing: {label('housing_grade', grade, 'en') if grade else 'not appraised'}"
                    + (f", {label('housing_safety_via', household.housing_safety_via, 'en')}"
                       if household.housing_safety_via else "")))
    if household.water_piped:
        out.append(Risk("water", "饮水：自来水入户", "water: piped to the house"))
    else:
        minutes = household.water_fetch_minutes
        out.append(Risk("water", f"饮水：未入户，往返取水 {minutes if minutes is not None else '—'} 分钟",
                        f"water: not piped, {minutes if minutes is not None else '—'} minutes to fetch"))
    uninsured = sum(1 for m in members if not m.medical_insurance)
    if uninsured:
        out.append(Risk("insurance", f"未参加基本医疗保险 {uninsured} 人",
                        f"{uninsured} without basic medical insurance"))
    recent = (list(IncomeRecord.objects.filter(household=household, year__lte=year).order_by("-year")[:3])
              if incomes is None else sorted((r for r in incomes if r.year <= year), key=lambda r: -r.year)[:3])
    trend = [(r.year, r.per_capita_net_income) for r in recent][::-1]
    if trend:
        series = " → ".join(f"{y} {format_money(v)}" for y, v in trend)
        if len(trend) > 1:
            change = trend[-1][1] - trend[0][1]
            word_zh, word_en = ("上升", "rising") if change > 0 else (("下降", "falling") if change < 0 else
                                                                     ("持平", "flat"))
        else:
            word_zh, word_en = "仅一年", "one year only"
        out.append(Risk("income", f"人均纯收入 {series} 元（{word_zh}）",
                        f"per-capita net income {series} yuan ({word_en})"))
    return out


def plans_of(household: Household) -> QuerySet[Plan]:
    return household.plans.order_by("-year", "-version").prefetch_related("measures")


def plan_of_record(household: Household, year: int) -> Plan | None:
    return household.plans.filter(year=year, status="accepted").first()


def run_tables(run: PlanRun, region: Region | None = None, *,
               as_health: frozenset[str] = frozenset()) -> dict[str, list[Row]]:
    """The cost tables of a stored run, from its plans' measures (rejected ones left out); with
    ``region``, only its households' measures (a village's share of a county run). Measures in
    ``as_health`` count under the health line and a health fund in every table (for a reader who
    sees them only together: 送教上门's cost left under education would come back as the education
    row minus its measures shown)."""
    chosen = PlanMeasure.objects.filter(plan__run=run)
    if region is not None and region.pk != run.region_id:
        chosen = chosen.filter(plan__household__in=households_in(region))
    measures = (chosen.exclude(status="rejected")
                .values_list("plan__household_id", "plan__household__village_id", "measure", "category",
                             "fund_source", "stage", "cost"))
    lines = [Line(*row) for row in measures]
    if as_health:
        lines = [replace(line, category=HEALTH_MEASURE_CATEGORY, fund_source=HEALTH_MEASURE_CATEGORY)
                 if line.measure in as_health else line for line in lines]
    names = dict(Region.objects.filter(pk__in={line.village_id for line in lines}).values_list("id", "name"))
    return cost_tables(lines, catalogue_for(load_pack(run.pack)).catalogue, names)


@dataclass(frozen=True)
class VisitDue:
    household_number: str
    village: str
    cadre: str
    last_visit: dt.date | None
    days: int | None  # since the last visit


@dataclass(frozen=True)
class MeasureDue:
    household_number: str
    measure: str
    name_zh: str
    member: str
    due_date: dt.date
    days_late: int


@dataclass
class Overdue:
    as_of: dt.date
    interval_days: int
    visits: list[VisitDue] = field(default_factory=list)
    measures: list[MeasureDue] = field(default_factory=list)


def overdue(region: Region | None, *, as_of: dt.date, pack: str = "cn-national",
            interval_days: int | None = None) -> Overdue:
    """Registered households not visited within the interval, and accepted measures past their date."""
    catalogue = catalogue_for(load_pack(pack)).catalogue
    interval = interval_days or catalogue.visits.interval_days
    out = Overdue(as_of, interval)
    households = households_in(region).filter(is_registered=True)
    last = dict(Visit.objects.filter(household__in=households, date__lte=as_of).values("household_id")
                .annotate(last=Max("date")).values_list("household_id", "last"))
    cadres = dict(CadrePairing.objects.filter(household__in=households, end_date__isnull=True)
                  .values_list("household_id", "cadre__name"))
    limit = as_of - dt.timedelta(days=interval)
    for hid, number, village in households.order_by("number").values_list("id", "number", "village__name"):
        seen = last.get(hid)
        if seen is None or seen < limit:
            out.visits.append(VisitDue(number, village, cadres.get(hid, ""), seen,
                                       None if seen is None else (as_of - seen).days))
    late = (PlanMeasure.objects.filter(plan__household__in=households, plan__status="accepted",
                                       status__in=("accepted", "changed"), due_date__lt=as_of,
                                       deliveries__isnull=True)
            .select_related("plan__household", "member").order_by("due_date", "plan__household__number"))
    for m in late:
        spec = catalogue.measures.get(m.measure)
        out.measures.append(MeasureDue(m.plan.household.number, m.measure, spec.name.zh if spec else m.measure,
                                       m.member.name if m.member else "", m.due_date, (as_of - m.due_date).days))
    return out


@dataclass(frozen=True)
class Rollup:
    """The article's kind of figures for an area and a span of years."""

    industry_projects: int
    industry_budget: Decimal
    industry_spent: Decimal
    infrastructure_projects: int
    infrastructure_budget: Decimal
    houses_renovated: int
    houses_renovated_registered: int
    students_supported: int
    medical_fund: Decimal
    measures_delivered: int
    delivered_amount: Decimal
    medical_households: int = 0  # households the medical fund went to (small counts are withheld from some roles)


def rollup(region: Region | None, first_year: int, last_year: int, pack: str = "cn-national") -> Rollup:
    """Projects, renovated houses (all, and of registered households), students supported and the
    medical fund spent, over ``first_year``–``last_year``."""
    catalogue = catalogue_for(load_pack(pack)).catalogue
    years = Q(year__gte=first_year, year__lte=last_year)
    projects = Project.objects.filter(years)
    if region is not None:
        in_region = households_in(region)
        village_ids = in_region.values_list("village_id", flat=True).distinct()
        projects = projects.filter(Q(region=region) | Q(villages__in=village_ids)).distinct()
    else:
        in_region = Household.objects.all()
    figures = {kind: projects.filter(kind=kind).aggregate(n=Count("id", distinct=True), budget=Sum("budget"))
               for kind in ("industry", "infrastructure")}
    spent = (ProjectSpending.objects.filter(project__in=projects.filter(kind="industry"))
             .aggregate(s=Sum("amount"))["s"] or Decimal(0))
    renovated = in_region.filter(housing_renovated_year__gte=first_year, housing_renovated_year__lte=last_year)
    deliveries = Delivery.objects.filter(household__in=in_region, date__year__gte=first_year,
                                         date__year__lte=last_year)
    education = [k for k, m in catalogue.measures.items() if m.category == "education"]
    health = [k for k, m in catalogue.measures.items() if m.category == "health"]
    return Rollup(
        industry_projects=figures["industry"]["n"] or 0,
        industry_budget=figures["industry"]["budget"] or Decimal(0),
        industry_spent=spent,
        infrastructure_projects=figures["infrastructure"]["n"] or 0,
        infrastructure_budget=figures["infrastructure"]["budget"] or Decimal(0),
        houses_renovated=renovated.count(),
        houses_renovated_registered=renovated.filter(is_registered=True).count(),
        students_supported=deliveries.filter(measure__measure__in=education, member__isnull=False)
        .values("member_id").distinct().count(),
        medical_fund=deliveries.filter(measure__measure__in=health).aggregate(s=Sum("amount"))["s"] or Decimal(0),
        medical_households=deliveries.filter(measure__measure__in=health).values("household_id").distinct().count(),
        measures_delivered=deliveries.count(),
        delivered_amount=deliveries.aggregate(s=Sum("amount"))["s"] or Decimal(0),
    )
