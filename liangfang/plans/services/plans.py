"""Writing plans: an area plan proposes a new version for every household that fails the standard;
cadres accept, change or reject each measure; accepting a plan makes it the plan of record.

Every write is logged in the registry's change log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from ...assessments.services import database_dialect
from ...audit.changelog import jsonable, record_change
from ...disclosure import birth_year_of
from ...domain.money import money
from ...domain.problems import Problem, RegistryError, ValidationFailed
from ...domain.text import Text
from ...engine.assess import compile_for_year
from ...engine.compiled import PLACEHOLDER
from ...engine.explain import format_money
from ...engine.session import dbapi_session
from ...ids import mask_resident_id
from ...policy import load_pack
from ...registry.models import ChangeRecord, Household, Member, Region
from ...registry.selectors import significant_prefix
from ..catalogue import CatalogueError, CompiledCatalogue, catalogue_for, compile_catalogue
from ..models import MEASURE_STATUS, Plan, PlanMeasure, PlanRun
from ..needs import assess, read_needs, release
from ..prescribe import DraftPlan, Prescription, Proposal, fen, prescribe, yuan
from ..schema import Measure
from ..tables import Line, as_json, cost_tables
from ..wording import STORED_FOR_ALL, render

Progress = Callable[[str, int, int], None]
AREA_LEVELS = ("village", "township", "county")


@dataclass
class AreaPlan:
    region: Region
    prescription: Prescription
    catalogue: CompiledCatalogue
    village_names: dict[int, str]
    run: PlanRun | None  # None for a dry run

    def lines(self) -> list[Line]:
        return [Line(p.household_id, self.prescription.plans[p.household_id].village_id, p.measure,
                     p.category, p.fund_source, p.stage, yuan(p.cost)) for p in self.prescription.proposals()]


def _log(by: str, action: str, entity: str, entity_id: int | None, household_number: str = "",
         changes: Mapping[str, Any] | None = None) -> ChangeRecord:
    return ChangeRecord(actor=by[:80], action=action, entity=entity, entity_id=entity_id,
                        household_number=household_number,
                        changes={k: jsonable(v) for k, v in (changes or {}).items()})


def compiled_for(pack: str, year: int) -> tuple[Any, CompiledCatalogue]:
    """The pack and its catalogue compiled for ``year``; ValidationFailed says what is wrong."""
    compiled = compile_for_year(pack, year)
    try:
        return compiled, compile_catalogue(compiled.pack, year)
    except CatalogueError as err:
        raise ValidationFailed([Problem("catalogue", pack, p.text()) for p in err.problems]) from None


def villages_of(region: Region) -> dict[int, str]:
    if region.level == "village":
        return {region.pk: region.name}
    return dict(Region.objects.filter(level="village", code__startswith=significant_prefix(region))
                .values_list("id", "name"))


def _check(region: Region, budget: Decimal | None, capacities: Mapping[str, int], catalogue: CompiledCatalogue
           ) -> None:
    problems = []
    if region.level not in AREA_LEVELS:
        problems.append(Problem("region", region.code, Text("计划范围须为行政村、乡镇或县",
                                                            "plan a village, township or "
                                                            "county")))
    money("budget", budget, problems)
    known = catalogue.catalogue.capacities
    for name, limit in capacities.items():
        if name not in known:
            problems.append(Problem("capacity", name, Text(f"未知的容量 {name}（可用：{', '.join(known)}）",
                                                           "unknown "
                                                           f"capacity {name}")))
        elif limit < 0:
            problems.append(Problem("capacity", f"{name}={limit}", Text("容量不能为负",
                                                                        "a capacity cannot be negative")))
    if problems:
        raise ValidationFailed(problems)


def plan_area(*, region: Region, year: int, budget: Decimal | None, by: str, pack: str = "cn-national",
              capacities: Mapping[str, int] | None = None, save: bool = True, compare_greedy: bool = False,
              time_limit: float = 60.0, progress: Progress | None = None) -> AreaPlan:
    """Propose plans for every household of ``region`` that fails the standard in ``year``.

    The assessment runs in the database itself; the optimiser brings the most households to the
    standard within ``budget`` (yuan; None = unlimited) and the capacity limits (the catalogue's,
    with ``capacities`` overriding by name), at least cost. Saved as a new plan version per household.
    """
    compiled, catalogue = compiled_for(pack, year)
    capacities = dict(capacities or {})
    _check(region, budget, capacities, catalogue)
    villages = villages_of(region)
    with transaction.atomic():
        session = dbapi_session(connection, database_dialect())
        outcome = assess(session, compiled, progress)
        needs = read_needs(session, compiled, catalogue, outcome, villages)
        release(session)
        prescription = prescribe(catalogue, needs, budget=None if budget is None else fen(budget),
                                 capacities=capacities, compare_greedy=compare_greedy, time_limit=time_limit)
        area = AreaPlan(region, prescription, catalogue, villages, None)
        if save:
            area.run = _save(area, budget, capacities, by)
    return area


def _summary(area: AreaPlan) -> dict[str, Any]:
    p = area.prescription
    reasons: dict[str, int] = {}
    for plan in p.plans.values():
        for r in plan.reasons:
            reasons[r.code] = reasons.get(r.code, 0) + 1
    out: dict[str, Any] = {
        "tables": as_json(cost_tables(area.lines(), area.catalogue.catalogue, area.village_names)),
        "infeasible": len(p.infeasible()), "reasons": reasons,
        "variables": p.selection.variables, "mip_gap": p.selection.mip_gap,
        "close_cost": str(yuan(p.selection.cost)),
    }
    if p.baseline is not None:
        out["greedy"] = {"lifted": p.baseline.lifted, "cost": str(yuan(p.baseline.cost))}
    return out


def _names(draft_plans: Mapping[int, DraftPlan]) -> dict[int, str]:
    ids = {p.member_id for plan in draft_plans.values() for p in plan.proposals if p.member_id is not None}
    return dict(Member.objects.filter(pk__in=ids).values_list("id", "name")) if ids else {}


def _quoted(spec: Measure, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values a measure's explanation quotes (cost and gain aside: they are the measure's own)."""
    names = {m.group(1) for text in (spec.explain.zh, spec.explain.en) for m in PLACEHOLDER.finditer(text)}
    quoted = {name: jsonable(values.get(name)) for name in sorted(names - {"cost", "gain", "name"})}
    if "age" in names:  # the birth year words the age for roles shown birth years only (never the ID)
        quoted["birth_year"] = birth_year_of(str(values.get("resident_id", "")))
    if "name" in names:  # the member's name, or the masked ID render would show: never the ID itself
        quoted["name"] = values.get("name") or mask_resident_id(str(values.get("resident_id", "")))
    return quoted


def explanation(spec: Measure, quoted: Mapping[str, Any], cost: Decimal, gain: Decimal,
                parameters: Mapping[str, tuple[Decimal, str]], year: int) -> tuple[str, str]:
    """A measure's explanation (zh, en) from the facts it quotes and its current cost and gain (yuan).
    The text is stored and read by every role, so ages are worded as ``STORED_FOR_ALL`` may see them."""
    values = {**quoted, "cost": fen(cost), "gain": fen(gain)}
    return (render(spec.explain.zh, values, parameters, "zh", year=year, reader=STORED_FOR_ALL)[:300],
            render(spec.explain.en, values, parameters, "en", year=year, reader=STORED_FOR_ALL)[:300])


def _measure(plan: Plan, p: Proposal, area: AreaPlan, names: Mapping[int, str]) -> PlanMeasure:
    spec = area.catalogue.measures[p.measure].spec
    values = dict(p.values)
    if p.member_id is not None:
        values["name"] = names.get(p.member_id, "")
    quoted = _quoted(spec, values)
    zh, en = explanation(spec, quoted, yuan(p.cost), yuan(p.gain), area.catalogue.parameters, plan.year)
    return PlanMeasure(plan=plan, measure=p.measure, member_id=p.member_id, stage=p.stage, category=p.category,
                       cost=yuan(p.cost), expected_gain=yuan(p.gain), fund_source=p.fund_source,
                       capacity=spec.capacity or "", fixes=list(p.fixes), due_date=p.due,
                       reason_zh=zh, reason_en=en, explain_values=quoted)


def _save(area: AreaPlan, budget: Decimal | None, capacities: Mapping[str, int], by: str) -> PlanRun:
    p = area.prescription
    run = PlanRun.objects.create(
        year=p.year, region=area.region, pack=p.pack, pack_version=p.pack_version,
        catalogue_version=p.catalogue_version, budget=budget, capacities=dict(capacities),
        solver_status=p.selection.status, method=p.selection.method, households_in_need=len(p.plans),
        households_lifted=p.lifted, total_cost=yuan(p.cost), summary=_summary(area), created_by=by)
    ids = list(p.plans)
    latest = dict(Plan.objects.filter(household_id__in=ids, year=p.year).values("household_id")
                  .annotate(v=Max("version")).values_list("household_id", "v"))
    Plan.objects.filter(household_id__in=ids, year=p.year, status="proposed").update(status="superseded")
    numbers = dict(Household.objects.filter(pk__in=ids).values_list("id", "number"))
    plans = [Plan(household_id=hid, year=p.year, version=latest.get(hid, 0) + 1, run=run, pack=p.pack,
                  lifts=d.lifts, feasible=d.feasible, income_gap=None if d.income_gap is None else yuan(d.income_gap),
                  gaps={"household": d.gaps, "members": {str(k): v for k, v in d.member_gaps.items()}},
                  reasons=[{"code": r.code, "zh": r.zh, "en": r.en} for r in d.reasons], created_by=by)
             for hid, d in p.plans.items()]
    Plan.objects.bulk_create(plans, batch_size=2000)
    if not all(plan.pk for plan in plans):  # backends that do not return keys
        keys = dict(Plan.objects.filter(run=run).values_list("household_id", "id"))
        for plan in plans:
            plan.pk = keys[plan.household_id]
    names = _names(p.plans)
    measures = [_measure(plan, proposal, area, names) for plan in plans
                for proposal in p.plans[plan.household_id].proposals]
    PlanMeasure.objects.bulk_create(measures, batch_size=2000)
    records = [_log(by, "propose_plan", "plan", plan.pk, numbers.get(plan.household_id, ""),
                    {"year": plan.year, "version": plan.version, "run": run.pk, "lifts": plan.lifts,
                     "measures": len(p.plans[plan.household_id].proposals)}) for plan in plans]
    records.append(_log(by, "plan_area", "plan_run", run.pk, changes={
        "region": area.region.code, "year": p.year, "budget": budget, "lifted": p.lifted, "cost": yuan(p.cost)}))
    ChangeRecord.objects.bulk_create(records, batch_size=2000)
    return run


# -- decisions on a proposed plan -----------------------------------------------------------------------
class DecisionConflict(RegistryError):
    """The plan or measure changed after the page that shows it was read; nothing was written."""


MEASURE_STATUS_EN = {"proposed": "proposed", "accepted": "accepted", "changed": "changed", "rejected": "rejected"}


def _stamp(at: dt.datetime | None) -> str:
    return "-" if at is None else f"{at.timestamp():.6f}"


def measure_state(measure: PlanMeasure, plan_status: str) -> str:
    """What a page shows of a measure's decision, as a token: a decision sent with an older token
    is refused (every decision sets ``decided_at``, so the token changes with each one)."""
    return f"{plan_status}:{measure.status}:{_stamp(measure.decided_at)}"


def plan_state(plan: Plan, decided: Iterable[dt.datetime | None]) -> str:
    """The same for a whole plan: its status and version and the latest decision on its measures."""
    times = [at for at in decided if at is not None]
    return f"{plan.status}:v{plan.version}:{_stamp(max(times) if times else None)}"


def _when(at: dt.datetime | None) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else "—"


def _plan_moved(plan: Plan) -> DecisionConflict:
    if plan.status == "accepted":
        when = _when(plan.accepted_at)
        return DecisionConflict(Text(f"该计划已于 {when} 由 {plan.accepted_by} 确认为现行计划，本次未写入",
                                     f"the plan was accepted as the plan of record by {plan.accepted_by} at "
                                     f"{_when(plan.accepted_at)}; nothing was written"))
    return DecisionConflict(Text("该计划已被新版本取代，本次未写入，请在新版本上确认",
                                 "a newer version has replaced this "
                                 "plan; nothing was written, decide on the new version"))


def _check_measure(measure: PlanMeasure, expected: str) -> None:
    current = PlanMeasure.objects.select_for_update().select_related("plan").get(pk=measure.pk)
    if measure_state(current, current.plan.status) == expected:
        return
    if current.plan.status != "proposed":
        raise _plan_moved(current.plan)
    zh = dict(MEASURE_STATUS)[current.status]
    raise DecisionConflict(Text(
        f"该措施已于 {_when(current.decided_at)} 由 {current.decided_by} 改为「{zh}」，本次未写入",
        f"the measure was set to \"{MEASURE_STATUS_EN[current.status]}\" by {current.decided_by} "
        f"at {_when(current.decided_at)}; nothing was written"))


def _proposed(plan: Plan) -> None:
    plan.status = Plan.objects.values_list("status", flat=True).get(pk=plan.pk)  # not a stale copy
    if plan.status != "proposed":
        raise ValidationFailed([Problem("status", plan.status, Text(
            "只能调整待确认的计划；已确认的计划请先生成新版本",
            "only a proposed plan can be changed; revise an accepted plan first"))])


@transaction.atomic
def measure_decide(*, measure: PlanMeasure, decision: str, by: str, note: str = "",
                   expected_state: str | None = None) -> PlanMeasure:
    """Accept or reject one proposed measure; a rejection needs a note saying why. With
    ``expected_state`` (``measure_state`` as the user saw it) a decision made meanwhile is not
    overwritten: DecisionConflict."""
    if expected_state is not None:
        _check_measure(measure, expected_state)
    _proposed(measure.plan)
    if decision not in ("accepted", "rejected"):
        raise ValidationFailed([Problem("decision", decision, Text("应为 accepted 或 rejected",
                                                                   "accepted or rejected"))])
    if decision == "rejected" and not note.strip():
        raise ValidationFailed([Problem("note", note, Text("不采纳须说明原因", "say why the measure is rejected"))])
    before = measure.status
    measure.status, measure.note = decision, note.strip()[:200]
    measure.decided_at, measure.decided_by = timezone.now(), by[:80]
    measure.save(update_fields=["status", "note", "decided_at", "decided_by"])
    record_change(by=by, action=f"measure_{decision}", entity="plan_measure", entity_id=measure.pk,
                  household_number=measure.plan.household.number,
                  changes={"measure": measure.measure, "status": [before, decision], "note": measure.note})
    return measure


@transaction.atomic
def measure_change(*, measure: PlanMeasure, by: str, note: str, cost: Decimal | None = None,
                   due_date: dt.date | None = None, fund_source: str | None = None,
                   expected_state: str | None = None) -> PlanMeasure:
    """Change a proposed measure's cost, due date or fund source; the note says why
    (``expected_state`` as for ``measure_decide``)."""
    if expected_state is not None:
        _check_measure(measure, expected_state)
    _proposed(measure.plan)
    problems = []
    if not note.strip():
        problems.append(Problem("note", note, Text("调整须说明原因", "say why the measure is changed")))
    cost = money("cost", cost, problems)
    sources = catalogue_for(load_pack(measure.plan.pack)).catalogue.fund_sources
    if fund_source is not None and fund_source not in sources:
        problems.append(Problem("fund_source", fund_source, Text(f"未知的资金来源（可用：{', '.join(sources)}）",
                                                                 "unknown fund source")))
    if due_date is not None and due_date.year < measure.plan.year:
        problems.append(Problem("due_date", due_date, Text(f"完成期限不能早于计划年度 {measure.plan.year}",
                                                           "the due date "
                                                           "cannot be before the plan's year")))
    if problems:
        raise ValidationFailed(problems)
    changes: dict[str, Any] = {}
    for name, value in (("cost", cost), ("due_date", due_date), ("fund_source", fund_source)):
        if value is not None and getattr(measure, name) != value:
            changes[name] = [jsonable(getattr(measure, name)), jsonable(value)]
            setattr(measure, name, value)
    measure.status, measure.note = "changed", note.strip()[:200]
    measure.decided_at, measure.decided_by = timezone.now(), by[:80]
    if "cost" in changes:
        _explain_again(measure)
    measure.save()
    record_change(by=by, action="measure_changed", entity="plan_measure", entity_id=measure.pk,
                  household_number=measure.plan.household.number,
                  changes={"measure": measure.measure, **changes, "note": measure.note})
    return measure


def _explain_again(measure: PlanMeasure) -> None:
    """The explanation rendered from the measure's current cost and gain, so it never quotes an
    amount the measure no longer has."""
    if measure.explain_values is None:  # proposed before the quoted facts were kept: say what changed
        zh, en = (f"；费用已调整为 {format_money(measure.cost)} 元",
                  f"; cost changed to {format_money(measure.cost)} yuan")
        measure.reason_zh = (measure.reason_zh.split("；费用已调整为")[0] + zh)[:300]
        measure.reason_en = (measure.reason_en.split("; cost changed to")[0] + en)[:300]
        return
    catalogue = compile_catalogue(load_pack(measure.plan.pack), measure.plan.year)
    spec = catalogue.measures[measure.measure].spec
    measure.reason_zh, measure.reason_en = explanation(spec, measure.explain_values, Decimal(measure.cost),
                                                       Decimal(measure.expected_gain), catalogue.parameters,
                                                       measure.plan.year)


@transaction.atomic
def plan_accept(*, plan: Plan, by: str, expected_state: str | None = None) -> Plan:
    """Make ``plan`` the household's plan of record for its year; measures not yet decided are
    accepted. With ``expected_state`` (``plan_state`` as the user saw it) a plan or measure changed
    meanwhile is refused: DecisionConflict."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if expected_state is not None:
        decided = list(plan.measures.values_list("decided_at", flat=True))
        if plan_state(plan, decided) != expected_state:
            if plan.status != "proposed":
                raise _plan_moved(plan)
            last = plan.measures.exclude(decided_at=None).order_by("-decided_at").first()
            who, when = (last.decided_by, _when(last.decided_at)) if last else ("—", "—")
            raise DecisionConflict(Text(
                                        f"打开页面后措施又有调整（最近一次：{who}，{when}），本次未确认，请核对后再确认",
                                        f"measures were decided after you opened the page (last by {who} at {when}); "
                                        "the plan was not accepted, check and accept again"))
    plans_accept(plans=[plan], by=by)
    plan.refresh_from_db()
    return plan


def accept_problems(statuses: Mapping[int, str], keys: Sequence[tuple[int, int]]) -> list[Problem]:
    """Why plans (id → status; their (household, year)) cannot be accepted together (none: they can).

    >>> [p.field for p in accept_problems({1: "proposed", 2: "accepted"}, [(7, 2020), (7, 2020)])]
    ['status', 'plans']
    """
    problems = [Problem("status", status, Text(f"计划 {pk} 不是待确认状态；已确认的计划请先生成新版本",
                                               f"plan {pk} is "
                                               "not proposed; revise an accepted plan first"))
                for pk, status in statuses.items() if status != "proposed"]
    if len(set(keys)) != len(keys):
        problems.append(Problem("plans", len(keys), Text("同一户同一年度只能确认一个计划",
                                                         "one plan per household and year")))
    return problems


@transaction.atomic
def plans_accept(*, plans: list[Plan], by: str) -> int:
    """Accept proposed plans (one, or a township's after review) in a few statements: each becomes its
    household's plan of record for the year, its undecided measures accepted, the plan it replaces
    superseded. Returns how many; plans no longer proposed are refused, and nothing is written."""
    ids = [p.pk for p in plans]
    current = dict(Plan.objects.select_for_update().filter(pk__in=ids).values_list("id", "status"))
    rows = list(Plan.objects.filter(pk__in=ids).values_list("id", "household_id", "year", "version",
                                                            "household__number"))
    problems = accept_problems(current, [(h, y) for _, h, y, _, _ in rows])
    if problems:
        raise ValidationFailed(problems)
    now = timezone.now()
    PlanMeasure.objects.filter(plan_id__in=ids, status="proposed").update(status="accepted", decided_at=now,
                                                                          decided_by=by[:80])
    replaced: dict[tuple[int, int], list[int]] = {}
    for year in {y for _, _, y, _, _ in rows}:
        households = [h for _, h, y, _, _ in rows if y == year]
        previous = Plan.objects.filter(household_id__in=households, year=year, status="accepted")
        for household, version in previous.values_list("household_id", "version"):
            replaced.setdefault((household, year), []).append(version)
        previous.update(status="superseded")
    Plan.objects.filter(pk__in=ids).update(status="accepted", accepted_at=now, accepted_by=by[:80])
    ChangeRecord.objects.bulk_create([
        _log(by, "accept_plan", "plan", pk, number,
             {"year": year, "version": version, "replaces": replaced.get((household, year), [])})
        for pk, household, year, version, number in rows], batch_size=2000)
    return len(rows)


@transaction.atomic
def plan_revise(*, plan: Plan, by: str, expected_state: str | None = None) -> Plan:
    """A new proposed version of an accepted plan, with its measures (not the rejected ones) to change.
    With ``expected_state`` (``plan_state`` as the user saw it), a plan changed meanwhile, or one
    that already has a newer proposed version, is refused: DecisionConflict."""
    if expected_state is not None:
        current = Plan.objects.select_for_update().get(pk=plan.pk)
        if current.status != "accepted":
            raise _plan_moved(current)
        if plan_state(current, current.measures.values_list("decided_at", flat=True)) != expected_state:
            raise DecisionConflict(Text("该计划已有变动，本次未写入",
                                        "the plan changed meanwhile; nothing was written"))
        newer = Plan.objects.filter(household_id=plan.household_id, year=plan.year, version__gt=plan.version,
                                    status="proposed").first()
        if newer is not None:
            raise DecisionConflict(Text(f"已有待确认的新版本（第 {newer.version} 版，{newer.created_by}），本次未写入",
                                        f"a newer version ({newer.version}, by {newer.created_by}) awaits acceptance; "
                                        "nothing was written"))
    if plan.status != "accepted":
        raise ValidationFailed([Problem("status", plan.status, Text("只能对已确认的计划生成新版本",
                                                                    "only the plan of record "
                                                                    "is revised"))])
    version = (Plan.objects.filter(household=plan.household, year=plan.year).aggregate(v=Max("version"))["v"] or 0) + 1
    copy = Plan.objects.create(household=plan.household, year=plan.year, version=version, run=plan.run,
                               pack=plan.pack, lifts=plan.lifts, feasible=plan.feasible, gaps=plan.gaps,
                               income_gap=plan.income_gap, reasons=plan.reasons, created_by=by)
    PlanMeasure.objects.bulk_create([
        PlanMeasure(plan=copy, measure=m.measure, member_id=m.member_id, stage=m.stage, category=m.category,
                    cost=m.cost, expected_gain=m.expected_gain, fund_source=m.fund_source, capacity=m.capacity,
                    fixes=m.fixes, due_date=m.due_date, reason_zh=m.reason_zh, reason_en=m.reason_en,
                    explain_values=m.explain_values)
        for m in plan.measures.exclude(status="rejected")])
    record_change(by=by, action="revise_plan", entity="plan", entity_id=copy.pk,
                  household_number=plan.household.number,
                  changes={"year": plan.year, "version": [plan.version, version]})
    return copy
