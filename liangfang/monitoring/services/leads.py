"""Leads (线索): recording them from any of the three channels, through one core, and closing them.

``lead_record`` is the one core: an application (with its signed consent, a scan stored like a
procedure's attachments), a cadre's screening list and a department's warning (an uploaded
workbook now, an API later: the same fields, a different ``source_name``/``source_ref``) all pass
through it. Deadlines come from the pack.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from ...audit.changelog import record_change
from ...domain.problems import Problem, ValidationFailed
from ...domain.text import Text
from ...policy.monitoring import MonitoringPack
from ...procedures.actors import Actor
from ...procedures.models import Case
from ...procedures.services.attachments import Upload, check, store
from ...registry.models import Household
from ..codes import CHANNELS
from ..deadlines import lead_deadlines
from ..models import Lead, LeadBatch, MonitoringObject
from ..packs import current_monitoring_pack
from ..screening import MonthRun


@dataclass(frozen=True)
class LeadInput:
    household: Household
    channel: str
    source_name: str
    found_on: dt.date
    category: str
    risk_types: tuple[str, ...]
    reasons: tuple[dict[str, str], ...] = ()
    source_ref: str = ""
    consent_on: dt.date | None = None
    month: int | None = None
    consent: Upload | None = None  # the signed consent (a self-application's is required)


@dataclass
class Skipped:
    household_number: str
    why: str


@dataclass
class LeadOutcome:
    created: list[Lead] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _problems(item: LeadInput, pack: MonitoringPack, index: int | None, today: dt.date) -> list[Problem]:
    out = []
    first = dt.date(pack.years[0], 1, 1)  # monitoring began with the pack's first year
    for name, day in (("found_on", item.found_on), ("consent_on", item.consent_on)):
        if day is not None and not first <= day <= today:
            out.append(Problem(name, day, Text(f"日期 {day} 须在 {first} 至今天之间",
                                               f"the date {day} must fall between {first} and today"), index))
    if not item.reasons or any(not str(r.get("zh", "")).strip() for r in item.reasons):
        out.append(Problem("reasons", "", Text("须写明依据（为什么是线索）", "say why this is a lead"), index))
    if item.channel not in CHANNELS:
        out.append(Problem("channel", item.channel, Text(f"来源渠道须为：{'、'.join(CHANNELS)}",
                                                           f"channel must be: {', '.join(CHANNELS)}"), index))
    if item.channel == "self_application" and item.consent_on is None:
        out.append(Problem("consent_on", None, Text("农户自主申报须有签署的授权承诺书日期",
                                                    "a self-application needs the date of the signed consent to look "
                                                    "up the household's data"), index))
    if item.channel == "self_application" and item.consent is None:
        out.append(Problem("consent_file", None, Text("农户自主申报须附签署的授权承诺书（扫描件或照片）",
                                                      "a self-application needs the signed consent (a scan or "
                                                      "photo)"), index))
    if item.consent is not None:
        # the attachment's own checks (type read in full, size), said of this field
        out += [Problem("consent_file", p.value, p.message, index) for p in check(item.consent)[1]]
    if item.category not in pack.categories:
        out.append(Problem("category", item.category, Text(f"类别须为：{'、'.join(pack.categories)}",
                                                             f"category must be: {', '.join(pack.categories)}"),
                           index))
    unknown = [r for r in item.risk_types if r not in pack.risk_types]
    if unknown or not item.risk_types:
        out.append(Problem("risk_types", ", ".join(unknown) or "—",
                           Text(f"风险类型须为：{'、'.join(pack.risk_types)}",
                                f"risk types must be among: {', '.join(pack.risk_types)}"), index))
    if not item.source_name.strip():
        out.append(Problem("source_name", item.source_name, Text("须写明来源", "name the source"), index))
    return out


def _why_not(household: Household) -> str | None:
    if MonitoringObject.objects.filter(household=household, eliminated_on__isnull=True).exists():
        return Text("已是监测对象", "already a monitoring object")
    if Lead.objects.filter(household=household, status__in=("open", "case")).exists():
        return Text("已有待办线索", "has an open lead")
    return None


@transaction.atomic
def lead_record(*, items: Sequence[LeadInput], by: str, batch: LeadBatch | None = None,
                pack: MonitoringPack | None = None, skip_known: bool = False) -> LeadOutcome:
    """Record leads, all or nothing. A household already an object or with an open lead is an
    error, or skipped (with why) when ``skip_known`` (a screening list run again)."""
    pack = pack or current_monitoring_pack()
    today = dt.date.today()
    problems = [p for i, item in enumerate(items) for p in _problems(item, pack, i, today)]
    out = LeadOutcome()
    keep: list[LeadInput] = []
    for i, item in enumerate(items):
        why = _why_not(item.household)
        if why is None:
            keep.append(item)
        elif skip_known:
            out.skipped.append(Skipped(item.household.number, why))
        else:
            problems.append(Problem("household", item.household.number, why, i))
    if problems:
        raise ValidationFailed(problems)
    for item in keep:
        due = lead_deadlines(pack, item.found_on)
        doc = store([item.consent])[0] if item.consent is not None else None
        try:
            with transaction.atomic():
                lead = Lead.objects.create(
                    household=item.household, channel=item.channel, source_name=item.source_name[:60],
                    source_ref=item.source_ref[:60], batch=batch, found_on=item.found_on, month=item.month,
                    consent_on=item.consent_on, category=item.category, risk_types=list(item.risk_types),
                    reasons=list(item.reasons), home_check_due=due.home_check, identification_due=due.identification,
                    created_by=by, consent_name=doc.name if doc else "", consent_type=doc.content_type if doc else "",
                    consent_size=doc.size if doc else None, consent_sha256=doc.sha256 if doc else "")
        except IntegrityError:
            raise ValidationFailed([Problem("household", item.household.number,
                                            Text("同一农户同时登记了两条线索",
                                                 "two leads for the same household at once"))]) \
                from None
        record_change(by=by, action="create", entity="lead", entity_id=lead.pk,
                      household_number=item.household.number,
                      changes={"channel": item.channel, "risk_types": list(item.risk_types),
                               **({"consent": {"name": doc.name, "sha256": doc.sha256}} if doc else {})})
        out.created.append(lead)
    return out


def application_record(*, household: Household, found_on: dt.date, consent_on: dt.date | None,
                       risk_types: Sequence[str], statement: str, consent: Upload | None, by: str) -> Lead:
    """农户自主申报: the household's own application, what it says, and its signed consent (the date
    and the scan). The web form and ``liangfang monitor apply`` call this."""
    pack = current_monitoring_pack()
    category = "unstable" if household.is_registered else "edge"
    statement = statement.strip()
    item = LeadInput(household, "self_application", f"农户申请 {household.number}", found_on, category,
                     tuple(risk_types), ({"rule": "application", "zh": statement, "en": statement},),
                     consent_on=consent_on, consent=consent)
    return lead_record(items=[item], by=by, pack=pack).created[0]


def screening_leads(run: MonthRun, *, found_on: dt.date, by: str, lang: str = "zh") -> LeadOutcome:
    """干部排查: a lead for every household the month's screening raised, with why."""
    explainer = run.explainer
    pack = run.compiled.pack
    leads = run.leads()
    households = Household.objects.in_bulk([r.household_id for r in leads])
    items = []
    for result in sorted(leads, key=lambda r: r.household_id):
        reasons = tuple({"rule": line.rule, "zh": line.sentence,
                         "en": explainer.sentence("screening", line.rule, line.status, result.values, "en")}
                        for line in explainer.lines(result, "screening") if line.status == "pass")
        items.append(LeadInput(households[result.household_id], "cadre_screening",
                               f"{run.compiled.year}年{run.compiled.month}月排查", found_on, result.category,
                               tuple(result.risk_types(pack)), reasons,
                               month=run.compiled.year * 100 + run.compiled.month))
    return lead_record(items=items, by=by, pack=pack, skip_known=True)


@transaction.atomic
def lead_dismiss(*, lead: Lead, reason: str, on: dt.date, by: str) -> Lead:
    """Close a lead without a case: the home check found no risk (the reason is required)."""
    if lead.status not in ("open",):
        raise ValidationFailed([Problem("status", lead.status, Text("只能排除待核查的线索",
                                                                    "only an open lead can be dismissed"))])
    if not reason.strip():
        raise ValidationFailed([Problem("reason", reason, Text("须写明排除原因", "give the reason for dismissing"))])
    lead.status, lead.dismissed_reason, lead.closed_on = "dismissed", reason.strip()[:200], on
    lead.checked_on = lead.checked_on or on
    lead.save(update_fields=["status", "dismissed_reason", "closed_on", "checked_on"])
    record_change(by=by, action="update", entity="lead", entity_id=lead.pk, household_number=lead.household.number,
                  changes={"status": "dismissed"}, note=reason[:200])
    return lead


@dataclass(frozen=True)
class Recounted:
    """A lead whose stored deadlines the calendar now counts otherwise: (before, after) per date."""

    lead: Lead
    home_check: tuple[dt.date, dt.date]
    identification: tuple[dt.date, dt.date]


@transaction.atomic
def leads_deadlines_recount(*, by: str, pack: MonitoringPack | None = None,
                            dry_run: bool = False) -> list[Recounted]:
    """Count every active lead's deadlines again from the day it was found, with the calendar as
    it is now, and store those that changed (each in the lead's change record). A lead's deadlines are
    counted when it is recorded; a year's holidays published (or corrected) since then move them,
    and until this runs the stored dates stay provisional where they were counted on weekends only.
    Closed leads keep the dates they were judged by."""
    pack = pack or current_monitoring_pack()
    out: list[Recounted] = []
    for lead in Lead.objects.filter(status__in=("open", "case")).select_related("household").order_by("pk"):
        due = lead_deadlines(pack, lead.found_on)
        if (due.home_check, due.identification) == (lead.home_check_due, lead.identification_due):
            continue
        moved = Recounted(lead, (lead.home_check_due, due.home_check), (lead.identification_due, due.identification))
        out.append(moved)
        if dry_run:
            continue
        changes = {name: [str(old), str(new)] for name, (old, new) in (
            ("home_check_due", moved.home_check), ("identification_due", moved.identification)) if old != new}
        Lead.objects.filter(pk=lead.pk).update(home_check_due=due.home_check, identification_due=due.identification)
        record_change(by=by, action="update", entity="lead", entity_id=lead.pk,
                      household_number=lead.household.number, changes=changes,
                      note="按现行节假日安排重算期限 / deadlines counted again with the calendar as it is now")
    return out


def overdue(lead: Lead, today: dt.date) -> dict[str, bool]:
    """Which of the lead's deadlines have passed with the step not done."""
    active = lead.status in ("open", "case")
    checked = home_checked_on(lead)
    return {"home_check": active and (checked is None or checked > lead.home_check_due)
            and today > lead.home_check_due,
            "identification": active and today > lead.identification_due}



@transaction.atomic
def leads_to_case(*, leads: Sequence[Lead], on: dt.date, actor: Actor) -> Case:
    """Turn open leads of one village into one identification case (the village's list); the case's
    first step is the home check."""
    from ...procedures.services.cases import case_open

    pack = current_monitoring_pack()
    problems = [Problem("lead", lead.pk, Text(f"线索 #{lead.pk} 不是待核查状态", f"lead #{lead.pk} is not open"), i)
                for i, lead in enumerate(leads) if lead.status != "open"]
    if problems:
        raise ValidationFailed(problems)
    case = case_open(kind=pack.procedure_kinds.identification, year=on.year, on=on, actor=actor,
                     households=[lead.household for lead in leads],
                     note="；".join(f"{lead.household.number} {lead.get_channel_display()}" for lead in leads))
    Lead.objects.filter(pk__in=[lead.pk for lead in leads]).update(status="case", case=case)
    for lead in leads:
        record_change(by=actor.username, action="update", entity="lead", entity_id=lead.pk,
                      household_number=lead.household.number, changes={"status": "case", "case": case.pk})
    return case


def home_checked_on(lead: Lead) -> dt.date | None:
    """The date of the home check: the identification case's first step, or the dismissal."""
    if lead.checked_on is not None:
        return lead.checked_on
    if lead.case_id is None:
        return None
    from ...procedures.models import Step

    step = Step.objects.filter(case_id=lead.case_id, step="home_check", action="done").order_by("on").first()
    return step.on if step else None
