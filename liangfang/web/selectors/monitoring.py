"""A household's monitoring history for its page: leads (channel, why, outcome), object periods
(category, risk types, dates in and out, the earliest elimination), the two monitoring
procedures' cases with their steps' dates, and the help of each object's plan with its delivery.
What a role without health facts may not read (``disclosure.monitoring_risks_shown``) is left out
here, not in the template."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from ... import disclosure
from ...accounts.roles import Role
from ...domain.text import Text
from ...monitoring.codes import CHANNELS, LEAD_STATUSES
from ...monitoring.models import Lead, MonitoringObject
from ...monitoring.packs import current_monitoring_pack
from ...monitoring.services.objects import earliest_elimination
from ...plans.models import Delivery, PlanMeasure
from ...procedures.definitions import procedure
from ...procedures.models import STEP_ACTIONS, Case
from ...registry.models import Household
from .plans import catalogue, measure_title, measure_withheld

ACTIONS = dict(STEP_ACTIONS)  # "张贴公示 posted"
Help = list[tuple[str, str, dt.date | None]]  # measure, kind, delivered on


@dataclass
class LeadLine:
    pk: int
    consent: bool  # a signed consent is on file (a self-application's scan)
    found_on: dt.date
    channel: str
    source: str
    status: str
    category: str
    risks: list[str] | None  # None: withheld from the role
    reasons: list[str] | None
    dismissed: str | None
    closed_on: dt.date | None


@dataclass
class ObjectLine:
    category: str
    risks: list[str] | None
    entered_on: dt.date
    eliminated_on: dt.date | None
    earliest_elimination: dt.date | None
    entry_case: str
    elimination_case: str
    help: Help = field(default_factory=list)


@dataclass
class CaseLine:
    pk: int
    kind: str
    state: str
    opened_on: dt.date
    decided_on: dt.date | None
    steps: list[tuple[str, dt.date]]  # step name (and action), date


@dataclass
class MonitoringHistory:
    leads: list[LeadLine]
    objects: list[ObjectLine]
    cases: list[CaseLine]
    risks_shown: bool
    min_months: int = 0  # months as an object before the risk may be eliminated (the pack's)

    def __bool__(self) -> bool:
        return bool(self.leads or self.objects or self.cases)


def _zh(text: object, language: str) -> str:
    return str(getattr(text, "zh" if language == "zh" else "en"))


def objects_help(objects: list[MonitoringObject], role: Role, language: str) -> dict[int, Help]:
    """Each object's help: the measures of its households' monitoring plans (made at its admission,
    due before the household's next object entered) with their kind and delivery date. Three queries
    whatever the number of objects."""
    pack = current_monitoring_pack()
    development = set(pack.measure_kinds.development)
    measures = [m for m in PlanMeasure.objects.filter(plan__household_id__in={o.household_id for o in objects})
                .select_related("plan").order_by("due_date", "id")
                if any(isinstance(r, dict) and r.get("code") == "monitoring" for r in m.plan.reasons)]
    delivered = dict(Delivery.objects.filter(measure__in=measures).values_list("measure_id", "date")) \
        if measures else {}
    by_household: dict[int, list[PlanMeasure]] = {}
    for m in measures:
        by_household.setdefault(m.plan.household_id, []).append(m)
    starts: dict[int, list[dt.date]] = {}
    for household_id, entered_on in MonitoringObject.objects.filter(
            household_id__in={o.household_id for o in objects}).values_list("household_id", "entered_on") \
            if measures else ():
        starts.setdefault(household_id, []).append(entered_on)
    out: dict[int, Help] = {}
    for obj in objects:
        later = [d for d in starts.get(obj.household_id, []) if d > obj.entered_on]
        until = min(later) if later else None
        lines = []
        for m in by_household.get(obj.household_id, []):
            if m.due_date < obj.entered_on or (until is not None and m.due_date >= until):
                continue
            if measure_withheld(role, m.plan.pack, m.measure, m.category, m.fund_source):
                continue  # a health measure is left out whole, as on the plan (disclosure.withholds_measure)
            kind = ("开发式帮扶", "development") if m.category in development else ("兜底保障", "safety net")
            lines.append((measure_title(catalogue(m.plan.pack), m.measure, role), kind[0 if language == "zh" else 1],
                          delivered.get(m.pk)))
        out[obj.pk] = lines
    return out


def household_monitoring(household: Household, role: Role, language: str) -> MonitoringHistory:
    """The history, read in a fixed number of queries: one for a household never monitored."""
    shown = disclosure.monitoring_risks_shown(role)
    ever = Household.objects.filter(pk=household.pk).filter(
        Exists(Lead.objects.filter(household=OuterRef("pk"))) | Exists(
            MonitoringObject.objects.filter(household=OuterRef("pk")))).exists()
    if not ever:
        return MonitoringHistory([], [], [], shown)
    pack = current_monitoring_pack()
    zh = language == "zh"

    def category(code: str) -> str:
        spec = pack.categories.get(code)
        return _zh(spec.name, language) if spec else code

    def risks(codes: list[str]) -> list[str] | None:
        if not shown:
            return None
        return [_zh(pack.risk_types[c].name, language) if c in pack.risk_types else c for c in codes]

    leads = [LeadLine(
        pk=lead.pk, consent=bool(lead.consent_sha256),
        found_on=lead.found_on, channel=CHANNELS[lead.channel][0 if zh else 1], source=lead.source_name,
        status=LEAD_STATUSES[lead.status][0 if zh else 1], category=category(lead.category),
        risks=risks(lead.risk_types),
        reasons=[Text(r.get("zh", ""), r.get("en", "")).render(language) for r in lead.reasons] if shown else None,
        dismissed=(lead.dismissed_reason if shown else disclosure.HIDDEN) if lead.dismissed_reason else "",
        closed_on=lead.closed_on) for lead in Lead.objects.filter(household=household).order_by("found_on", "id")]
    objects = list(MonitoringObject.objects.filter(household=household).order_by("entered_on", "id"))
    helped = objects_help(objects, role, language)
    lines = [ObjectLine(
        category=category(obj.category), risks=risks(obj.risk_types), entered_on=obj.entered_on,
        eliminated_on=obj.eliminated_on,
        earliest_elimination=earliest_elimination(obj) if obj.eliminated_on is None else None,
        entry_case=obj.entry_case_ref, elimination_case=obj.elimination_case_ref, help=helped[obj.pk])
        for obj in objects]
    kinds = (pack.procedure_kinds.identification, pack.procedure_kinds.elimination)
    cases = []
    for case in (Case.objects.filter(kind__in=kinds, subjects__household=household).distinct()
                 .prefetch_related("steps").order_by("opened_on", "id")):
        proc = procedure(case.kind, case.pack)
        steps = []
        for s in sorted(case.steps.all(), key=lambda s: s.seq):
            if s.action == "open":
                continue
            name = _zh(proc.steps[s.step].name, language) if s.step in proc.steps else s.step
            if s.action not in ("done", "approved", "announced"):  # posted, objection, sent back …
                zh_label, _, en_label = ACTIONS.get(s.action, s.action).partition(" ")
                name += f"（{zh_label}）" if zh else f" ({en_label or zh_label})"
            steps.append((name, s.on))
        cases.append(CaseLine(case.pk, _zh(proc.name, language), case.state, case.opened_on, case.decided_on, steps))
    return MonitoringHistory(leads, lines, cases, shown, pack.whole("min_months_as_object"))
