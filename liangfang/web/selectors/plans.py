"""Plans on the web pages (一户一策): a household's diagnosis, its plans with each measure, deliveries
and visits; an area's plan runs with their cost tables, households and overdue work. Each page reads
in a fixed number of queries whatever the number of plans, measures or households."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...accounts.roles import Role
from ...assessments.selectors import Explanation
from ...disclosure import (
    HEALTH_FUND_SOURCES,
    HEALTH_MEASURE_CATEGORY,
    HEALTH_RISK_TOPICS,
    is_health_measure,
    suppressed,
    withholds_measure,
)
from ...engine.explain import Line as ExplainLine
from ...plans.catalogue import catalogue_for
from ...plans.models import Delivery, Plan, PlanMeasure, PlanRun, Visit
from ...plans.schema import Catalogue
from ...plans.selectors import Overdue, Rollup, overdue, risk_factors, rollup, run_tables
from ...plans.services.delivery import DELIVERABLE
from ...plans.services.plans import measure_state, plan_state
from ...plans.tables import Row
from ...policy import load_pack
from ...prepared import Prepared
from ...registry.models import Household, IncomeRecord, Member, Region
from ...registry.selectors import households_in, significant_prefix
from ..masking import HIDDEN
from ..text import is_zh

DEFAULT_PACK = "cn-national"
YEARS_SHOWN = 3  # plan years on the household page
VISITS_SHOWN = 20
HOUSEHOLDS_SHOWN = 300  # households listed on an area page
OVERDUE_SHOWN = 50
RUNS_SHOWN = 30
WEB_AREA_LEVELS = ("village", "township", "county")  # a district takes ~10 s of CPU, well inside the server timeout

PLAN_STATUS = {"proposed": gettext_lazy("awaiting acceptance"), "accepted": gettext_lazy("plan of record"),
               "superseded": gettext_lazy("superseded")}
MEASURE_STATUS = {"proposed": gettext_lazy("proposed"), "accepted": gettext_lazy("accepted"),
                  "changed": gettext_lazy("changed"), "rejected": gettext_lazy("rejected")}
STAGES = {"close": gettext_lazy("closes a gap"), "partial": gettext_lazy("partly closes a gap"),
          "accompany": gettext_lazy("accompanying")}


def catalogue(pack: str) -> Catalogue:
    return catalogue_for(load_pack(pack)).catalogue


def _name(text: object) -> str:
    return str(getattr(text, "zh" if is_zh() else "en"))


def fund_label(cat: Catalogue, code: str) -> str:
    found = cat.fund_sources.get(code)
    return _name(found.name) if found else code


def fund_choices(pack: str) -> list[tuple[str, str]]:
    cat = catalogue(pack)
    return [(code, _name(f.name)) for code, f in cat.fund_sources.items()]


def measure_name(cat: Catalogue, code: str) -> str:
    spec = cat.measures.get(code)
    return _name(spec.name) if spec else code


def measure_title(cat: Catalogue, code: str, role: Role) -> str:
    """The measure's name, or only its line (健康扶贫) for a health measure when the role sees no
    health facts: the name of a measure for a person says what illness they have."""
    spec = cat.measures.get(code)
    if spec is not None and spec.category == "health" and not role.health:
        category = cat.categories.get(spec.category)
        return _name(category.name) if category else HIDDEN
    return measure_name(cat, code)


@lru_cache(maxsize=16)
def health_measure_codes(pack: str) -> frozenset[str]:
    """The catalogue's measures that are health facts whole (``disclosure.is_health_measure``)."""
    return frozenset(code for code, spec in catalogue(pack).measures.items()
                     if is_health_measure(spec.category, spec.fund_source, eligible=spec.eligible))


def health_measure_q(pack: str) -> Q:
    """The plan measures of ``pack`` that are health facts, as a query condition."""
    return (Q(category=HEALTH_MEASURE_CATEGORY) | Q(fund_source__in=HEALTH_FUND_SOURCES)
            | Q(measure__in=health_measure_codes(pack)))


def measure_withheld(role: Role, pack: str, code: str, category: str, fund_source: str = "") -> bool:
    """Whether ``role`` is shown nothing of this measure (``disclosure.withholds_measure``)."""
    return withholds_measure(role, category, fund_source) or (not role.health and code in health_measure_codes(pack))


def names_withheld_measure(text: str, pack: str, role: Role) -> bool:
    """Whether a stored text (a plan's reason: "未安排：健康扶贫：…") names a measure ``role`` is not shown."""
    if role.health:
        return False
    cat = catalogue(pack)
    return any(name and name in text for code in health_measure_codes(pack)
               for name in (cat.measures[code].name.zh, cat.measures[code].name.en))


SOLVER = {"optimal": gettext_lazy("optimal (proven)"), "time_limit": gettext_lazy("best found within the time limit")}


@dataclass(frozen=True)
class MeasureLine:
    """One measure as the page shows it (in the active language, masked for the viewer's role)."""

    measure: PlanMeasure
    name: str
    person: str
    reason: str
    fund: str
    stage: str
    status_label: str
    state: str  # the token a decision sends back (see plans.services.plans.measure_state)
    delivery: Delivery | None
    note: str = ""  # why it was rejected or changed: hidden with the reason of a health measure
    proof: str = ""  # the delivery's proof note, likewise

    @property
    def can_deliver(self) -> bool:
        return self.measure.plan.status == "accepted" and self.measure.status in DELIVERABLE and self.delivery is None


def measure_line(m: PlanMeasure, cat: Catalogue, role: Role, delivery: Delivery | None) -> MeasureLine:
    name = measure_title(cat, m.measure, role)
    reason = m.reason_zh if is_zh() else m.reason_en
    note, proof = m.note, delivery.proof_note if delivery else ""
    if m.category == "health" and not role.health:  # what people typed on it names the illness too
        reason, note, proof = HIDDEN, HIDDEN if note else "", HIDDEN if proof else ""
    fund = fund_label(cat, m.fund_source)
    if not role.health and is_health_measure(m.category, m.fund_source):  # 大病兜底资金 names the illness
        fund = HIDDEN
    return MeasureLine(measure=m, name=name, person=m.member.name if m.member else "", reason=reason,
                       fund=fund, stage=str(STAGES.get(m.stage, m.stage)),
                       status_label=str(MEASURE_STATUS.get(m.status, m.status)),
                       state=measure_state(m, m.plan.status), delivery=delivery, note=note, proof=proof)


@dataclass
class PlanView:
    plan: Plan
    lines: list[MeasureLine]
    versions: int  # versions of the plan's year
    status_label: str = ""
    state: str = ""
    total: Decimal = Decimal(0)
    reasons: list[str] = field(default_factory=list)
    has_newer: bool = False  # a newer proposed version of the same year exists

    @property
    def is_open(self) -> bool:
        return self.plan.status == "proposed"

    @property
    def can_revise(self) -> bool:
        return self.plan.status == "accepted" and not self.has_newer


@dataclass(frozen=True)
class DiagnosisView:
    year: int | None
    failing: list[ExplainLine]
    risks: list[str]


@dataclass(frozen=True)
class VisitLine:
    date: dt.date
    visitor: str
    findings: str  # HIDDEN for a role that is not shown health facts: what was found often names an illness
    recorded_by: str


def visit_lines(visits: Sequence[Visit], role: Role) -> list[VisitLine]:
    return [VisitLine(v.date, v.visitor, v.findings if role.health else HIDDEN, v.recorded_by) for v in visits]


@dataclass
class HouseholdPlans:
    diagnosis: DiagnosisView
    plans: list[PlanView]
    visits: list[VisitLine]
    years: int  # plan years the household has (only the latest YEARS_SHOWN are shown)


def _shown(plans: Sequence[Plan]) -> list[Plan]:
    """Per year (newest first): the plan of record and the newest proposed version if newer."""
    out: list[Plan] = []
    years = sorted({p.year for p in plans}, reverse=True)[:YEARS_SHOWN]
    for year in years:
        of_year = [p for p in plans if p.year == year]  # newest version first
        record = next((p for p in of_year if p.status == "accepted"), None)
        proposed = next((p for p in of_year if p.status == "proposed"), None)
        if proposed is not None and (record is None or proposed.version > record.version):
            out.append(proposed)
        if record is not None:
            out.append(record)
    return out


def diagnosis_view(household: Household, assessment: Explanation | None, members: Sequence[Member],
                   incomes: Sequence[IncomeRecord], role: Role, year: int | None) -> DiagnosisView:
    """What the household lacks (the failing lines of its latest assessment) and its risk factors."""
    pack = assessment.run.pack if assessment else DEFAULT_PACK
    on = assessment.run.year if assessment else (year or dt.date.today().year)
    lang = "zh" if is_zh() else "en"
    risks = []
    for r in risk_factors(household, on, pack, members=members, incomes=incomes, reader=role):
        if r.topic in HEALTH_RISK_TOPICS and not role.health:
            risks.append(f"{_('Health') if r.topic == 'health' else _('Main cause')}: {HIDDEN}")
        else:
            risks.append(r.zh if lang == "zh" else r.en)
    failing = [line for line in assessment.lines if line.status in ("fail", "no_data") and line.in_verdict] \
        if assessment else []
    return DiagnosisView(on, failing, risks)


_PLANS = Prepared(lambda household_id: Plan.objects.filter(household_id=household_id).order_by("-year", "-version")
                  .only("id", "household_id", "year", "version", "status", "pack", "lifts", "feasible", "reasons",
                        "accepted_at", "accepted_by", "created_at", "created_by"))
_VISITS = Prepared(lambda household_id: Visit.objects.filter(household_id=household_id)
                   .order_by("-date", "-id")[:VISITS_SHOWN])


def household_plans(household: Household, role: Role, assessment: Explanation | None,
                    members: Sequence[Member], incomes: Sequence[IncomeRecord]) -> HouseholdPlans:
    """Four queries: the plans, the shown plans' measures, their deliveries, the visits."""
    plans = _PLANS.all(household_id=household.pk)
    shown = _shown(plans)
    by_plan: dict[int, list[PlanMeasure]] = {p.pk: [] for p in shown}
    delivered: dict[int, Delivery] = {}
    if shown:
        for m in PlanMeasure.objects.filter(plan_id__in=by_plan).select_related("member").order_by("plan_id", "id"):
            by_plan[m.plan_id].append(m)
        delivered = {d.measure_id: d for d in Delivery.objects.filter(measure__plan_id__in=by_plan)}
    views = []
    for plan in shown:
        plan.household = household
        cat = catalogue(plan.pack)
        measures = by_plan[plan.pk]
        for m in measures:
            m.plan = plan
        # a health measure is left out whole for a role without health facts, from the total too
        visible = [m for m in measures if not measure_withheld(role, plan.pack, m.measure, m.category, m.fund_source)]
        lines = [measure_line(m, cat, role, delivered.get(m.pk)) for m in visible]
        reasons = [str(r.get("zh" if is_zh() else "en", "")) for r in plan.reasons]
        views.append(PlanView(
            plan=plan, lines=lines, versions=sum(1 for p in plans if p.year == plan.year),
            status_label=str(PLAN_STATUS.get(plan.status, plan.status)),
            state=plan_state(plan, (m.decided_at for m in measures)),
            total=sum((m.cost for m in visible if m.status != "rejected"), Decimal(0)),
            reasons=[r for r in reasons if not names_withheld_measure(r, plan.pack, role)],
            has_newer=any(p.year == plan.year and p.status == "proposed" and p.version > plan.version for p in plans)))
    year = plans[0].year if plans else None
    return HouseholdPlans(
        diagnosis=diagnosis_view(household, assessment, members, incomes, role, year), plans=views,
        visits=visit_lines(_VISITS.all(household_id=household.pk), role),
        years=len({p.year for p in plans}))


# -- area pages ------------------------------------------------------------------------------------------
def _ancestor_codes(region: Region) -> list[str]:
    widths = {"county": 6, "township": 9, "village": 12}
    if region.level not in widths:
        return [region.code]
    return [region.code[:n].ljust(12, "0") for n in widths.values() if n <= widths[region.level]]


def runs_for(region: Region) -> list[PlanRun]:
    """Plan runs that cover ``region`` (its own and those of the regions above it) and runs of the
    regions inside it, newest first; one query."""
    prefix = significant_prefix(region)
    return list(PlanRun.objects.filter(Q(region__code__in=_ancestor_codes(region))
                                       | Q(region__code__startswith=prefix))
                .select_related("region").defer("summary", "capacities").order_by("-created_at", "-id")[:RUNS_SHOWN])


def run_covers(run: PlanRun, region: Region) -> bool:
    """True when the run's area contains ``region`` (so its plans for the region can be shown)."""
    return run.region.code in _ancestor_codes(region) or run.region_id == region.pk


def run_visible(run: PlanRun, region: Region) -> bool:
    """True when the run covers ``region`` or lies inside it: a page of ``region`` may show it."""
    return run_covers(run, region) or run.region.code.startswith(significant_prefix(region))


@dataclass(frozen=True)
class TableRow:
    row: Row
    label: str
    share: Decimal | None  # None: withheld (it gives the total back)
    href: str = ""
    withheld: bool = False  # a health figure of too few households for the role (disclosure.SMALL_CELL)
    # withheld although not a health figure: with the others it would give one back by subtraction
    complementary: bool = False


@dataclass(frozen=True)
class HouseholdLine:
    plan: Plan
    head: str
    measures: int | None  # None: withheld (complementary suppression, see area_report)
    cost: Decimal | None


@dataclass
class AreaReport:
    run: PlanRun
    solver: str
    scope: Region  # the region whose share of the run is shown (the run's own when it lies inside)
    households: int  # plans of the run in the region
    lifted: int
    total: Decimal | None  # None: withheld, as a small health cell's complement
    tables: dict[str, list[TableRow]]
    lines: list[HouseholdLine]


def _rows(rows: list[Row], total: Decimal, href: dict[str, str] | None = None) -> list[TableRow]:
    return [TableRow(r, r.zh if is_zh() else r.en,
                     (r.cost * 100 / total).quantize(Decimal("0.1")) if total else Decimal(0),
                     (href or {}).get(r.key, "")) for r in rows]


def _plans_in(run: PlanRun, region: Region) -> QuerySet[Plan]:
    plans = Plan.objects.filter(run=run)
    return plans if region.pk == run.region_id else plans.filter(household__in=households_in(region))


_HEALTH_ROW = {"measure": ("健康扶贫措施（合计）", "health measures (together)"),
               "fund_source": ("健康扶贫资金（合计）", "health funds (together)")}


def _for_reader(key: str, rows: list[Row], total: Decimal, role: Role, cat: Catalogue,
                health_households: int, href: dict[str, str] | None = None) -> list[TableRow]:
    """A cost table as ``role`` sees it. Without health facts, the rows that name an illness (a
    health measure, 大病兜底资金) become one row of health together, and a health row of fewer than
    SMALL_CELL households is withheld: one household's 大病救治 9,000 is its illness."""
    if role.health or key == "village":
        return _rows(rows, total, href)

    def is_health(r: Row) -> bool:
        if key == "measure":
            spec = cat.measures.get(r.key)
            return spec is not None and is_health_measure(spec.category, spec.fund_source, eligible=spec.eligible)
        if key == "fund_source":
            return r.key == HEALTH_MEASURE_CATEGORY or is_health_measure("", r.key)
        return r.key == HEALTH_MEASURE_CATEGORY

    health = [r for r in rows if is_health(r)]
    out = _rows([r for r in rows if not is_health(r)], total, href)
    if health:
        zh, en = _HEALTH_ROW.get(key, (health[0].zh, health[0].en))
        merged = Row(HEALTH_MEASURE_CATEGORY, zh, en, sum(r.units for r in health), health_households,
                     sum((r.cost for r in health), Decimal(0)))
        row, = _rows([merged], total)
        out.append(replace(row, withheld=suppressed(role, health_households)))
    return out


def area_report(run: PlanRun, region: Region, village_href: dict[str, str], role: Role) -> AreaReport:
    """The run's figures for the households of ``region``, as ``role`` sees them: counts, cost
    tables and the households (the first HOUSEHOLDS_SHOWN); a fixed number of queries."""
    if not run_covers(run, region):  # a run inside the region: all of it is shown
        region = run.region
    tables = run_tables(run, region, as_health=frozenset() if role.health else health_measure_codes(run.pack))
    total = sum((r.cost for r in tables["measure"]), Decimal(0))
    plans = _plans_in(run, region)
    health_households = 0 if role.health else (
        PlanMeasure.objects.filter(plan__in=plans).exclude(status="rejected")
        .filter(health_measure_q(run.pack)).values("plan__household_id").distinct().count())
    cat = catalogue(run.pack)
    counts = plans.aggregate(n=Count("id"), lifted=Count("id", filter=Q(lifts=True)))
    # a household's count and cost leave out what its page leaves out (the difference would be its health cost)
    counted = ~Q(measures__status="rejected")
    if not role.health:
        counted &= ~Q(measures__category=HEALTH_MEASURE_CATEGORY) & ~Q(measures__fund_source__in=HEALTH_FUND_SOURCES) \
            & ~Q(measures__measure__in=health_measure_codes(run.pack))
    chosen = list(plans.select_related("household__village").annotate(
        n_measures=Count("measures", filter=counted), cost=Sum("measures__cost", filter=counted))
        .order_by("household__number")[:HOUSEHOLDS_SHOWN])
    heads = dict(Member.objects.filter(household_id__in=[p.household_id for p in chosen], relation="head",
                                       is_active=True).values_list("household_id", "name"))
    shown_tables = {key: _for_reader(key, tables[key], total, role, cat, health_households,
                                     village_href if key == "village" else None)
                    for key in ("measure", "fund_source", "category", "village")}
    lines = [HouseholdLine(p, heads.get(p.household_id, ""), p.n_measures,  # type: ignore[attr-defined]
                           p.cost or Decimal(0)) for p in chosen]  # type: ignore[attr-defined]
    small = suppressed(role, health_households)
    if small:
        shown_tables, lines = _complement(shown_tables, lines)
    return AreaReport(
        run=run, solver=str(SOLVER.get(run.solver_status, run.solver_status)), scope=region,
        households=counts["n"], lifted=counts["lifted"], total=None if small else total,
        tables=shown_tables, lines=lines)


def _complement(tables: dict[str, list[TableRow]], lines: list[HouseholdLine]
                ) -> tuple[dict[str, list[TableRow]], list[HouseholdLine]]:
    """Complementary suppression around a withheld health cell. Every cost table adds up to the
    area's total, so the total minus a table's visible rows would give the withheld row back; and
    the total is itself the sum of the village table, of the households' costs and, through the
    shares, of any row divided by its share. So every figure that adds up to the total goes: the
    total, every share, the villages' costs and the households' costs and measure counts. What stays
    (the other rows' own costs) sums to an unknown total, which no combination of them recovers."""
    out: dict[str, list[TableRow]] = {}
    for key, rows in tables.items():
        if key == "village":  # the villages partition the total: each row is withheld whole
            out[key] = [replace(t, share=None, withheld=True, complementary=True) for t in rows]
        else:
            out[key] = [replace(t, share=None) for t in rows]
    return out, [replace(line, measures=None, cost=None) for line in lines]


def run_totals_withheld(runs: Sequence[PlanRun], role: Role) -> set[int]:
    """Runs whose own total cost ``role`` may not see: their area's health measures reach fewer than
    SMALL_CELL households, and the total minus the run's other rows would give them (``_complement``)."""
    if role.health or not runs:
        return set()
    health = Q()
    for pack in {r.pack for r in runs}:
        health |= Q(plan__run__pack=pack) & health_measure_q(pack)
    counts = dict(PlanMeasure.objects.filter(plan__run__in=[r.pk for r in runs]).exclude(status="rejected")
                  .filter(health)
                  .values("plan__run_id").annotate(n=Count("plan__household_id", distinct=True))
                  .values_list("plan__run_id", "n"))
    return {r.pk for r in runs if suppressed(role, counts.get(r.pk, 0))}




def village_codes(region: Region) -> dict[str, str]:
    """Village id (as the cost tables key it) → code, for links to the household list."""
    if region.level == "village":
        return {str(region.pk): region.code}
    return {str(pk): code for pk, code in Region.objects.filter(
        level="village", code__startswith=significant_prefix(region)).values_list("id", "code")}


@dataclass(frozen=True)
class FollowUp:
    overdue: Overdue
    rollup: Rollup


def follow_up(region: Region, year: int, pack: str, today: dt.date) -> FollowUp:
    return FollowUp(overdue(region, as_of=today, pack=pack), rollup(region, year, year, pack))
