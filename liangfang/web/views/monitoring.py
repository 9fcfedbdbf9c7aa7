"""The monitoring page of a region (防止返贫监测): the month's figures (objects by category and risk
type, new, eliminated, overdue, share with a development measure), the monitored share by year
from 2021, the area's open leads, which a cadre turns into an identification case or dismisses
with a reason, the month's screening run for a village or township, and the objects with their
help and the date the months condition is met. A household's own application is recorded from
its page (or found from here). Every write goes to a monitoring service."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ... import disclosure
from ...domain.problems import ValidationFailed
from ...domain.text import Text
from ...monitoring.codes import CHANNELS
from ...monitoring.deadlines import stored_deadlines
from ...monitoring.models import Lead, MonitoringObject
from ...monitoring.packs import current_monitoring_pack
from ...monitoring.screening import run_monitoring_month, villages_under
from ...monitoring.selectors import lead_reasons, monitored_share_by_year, month_figures
from ...monitoring.services.leads import application_record, lead_dismiss, leads_to_case, overdue, screening_leads
from ...monitoring.services.objects import earliest_elimination
from ...policy.monitoring import UnknownYearError
from ...procedures.actors import Actor
from ...procedures.services.attachments import Upload, max_bytes, path_of
from ...procedures.workdays import OutsideCalendar
from ..id_search import id_search_refused
from ..monitoring_forms import FIELD_OF_PROBLEM, ApplicationForm
from ..permissions import Viewer, household_for, region_for, viewer_required
from ..selectors.households import HouseholdList, ListFilters
from ..selectors.monitoring import objects_help
from ..text import is_zh, lang, shown

SCREENED_LEVELS = ("village", "township")  # a screening run from the page: a few villages at most
PICKER_ROWS = 20


def _month(text: str | None, today: dt.date) -> tuple[int, int]:
    try:
        year, month = (int(p) for p in (text or "").split("-"))
        dt.date(year, month, 1)
        return year, month
    except ValueError:
        return today.year, today.month


@viewer_required()
def monitoring_view(request: HttpRequest, viewer: Viewer, code: str) -> HttpResponse:
    region = region_for(viewer, code)
    today = dt.date.today()
    year, month = _month(request.GET.get("month"), today)
    pack = current_monitoring_pack()
    figures = month_figures(region, year, month, today)
    zh = is_zh()

    def name(text: object) -> str:
        return str(getattr(text, "zh" if zh else "en"))

    villages = villages_under(region) or []
    leads = list(Lead.objects.filter(household__village_id__in=villages, status__in=("open", "case"))
                 .select_related("household", "household__village").order_by("home_check_due")[:200])
    objects = list(MonitoringObject.objects.filter(household__village_id__in=villages, eliminated_on__isnull=True)
                   .select_related("household").order_by("entered_on")[:200])
    first, last = pack.years
    language = "zh" if zh else "en"
    helped = objects_help(objects, viewer.role, language)
    return render(request, "web/monitoring.html", {
        "viewer": viewer, "region": region, "year": year, "month": month, "figures": figures,
        "categories": [(name(pack.categories[c].name), n) for c, n in figures.by_category.items()],
        "risks": [(name(pack.risk_types[r].name), n) for r, n in figures.by_risk_type.items() if n],
        "risks_withheld": disclosure.risk_counts_withheld(viewer.role, figures.by_risk_type),
        "small_cell": disclosure.SMALL_CELL,
        "line": pack.monitoring_line_entry(year) if first <= year <= last and year in pack.monitoring_lines.years
        else None,
        "shares": monitored_share_by_year(region, range(first, min(last, today.year) + 1)),
        "leads": [(lead, CHANNELS[lead.channel][0 if zh else 1], overdue(lead, today),
                   [r.render(lang()) for r in reasons] if (reasons := lead_reasons(viewer.role, pack, lead)) is not None
                   else [disclosure.HIDDEN], stored_deadlines(pack, lead)) for lead in leads],
        "objects": [(o, name(pack.categories[o.category].name) if o.category in pack.categories else o.category,
                     helped[o.pk], earliest_elimination(o)) for o in objects],
        "can_act": viewer.can_edit and viewer.role.code == "village_cadre",
        "can_screen": viewer.can_edit and region.level in SCREENED_LEVELS,
        "can_apply": viewer.can_edit,
        "t": lambda zh, en: Text(zh, en).render(lang()),
    })


def _actor(viewer: Viewer) -> Actor:
    return Actor(viewer.username, viewer.role.code, viewer.region)


@require_POST
@viewer_required(edit=True)
def lead_action_view(request: HttpRequest, viewer: Viewer, code: str, lead_id: int) -> HttpResponse:
    region = region_for(viewer, code)
    lead = Lead.objects.select_related("household__village").filter(pk=lead_id).first()
    back = reverse("web:monitoring", args=[region.code])
    if lead is None or not viewer.covers(lead.household.village):
        return redirect(back)
    try:
        if request.POST.get("action") == "dismiss":
            lead_dismiss(lead=lead, reason=request.POST.get("reason", ""), on=dt.date.today(), by=viewer.username)
            messages.success(request, Text(f"已排除线索 {lead.household.number}",
                                           f"lead {lead.household.number} dismissed").render(lang()))
        else:
            case = leads_to_case(leads=[lead], on=dt.date.today(), actor=_actor(viewer))
            messages.success(request, Text(f"已立案识别程序 #{case.pk}",
                                           f"identification case #{case.pk} opened").render(lang()))
    except ValidationFailed as exc:
        for problem in exc.problems:
            messages.error(request, shown(problem.message))
    except ValueError as exc:  # e.g. a deadline past the holiday calendar
        messages.error(request, str(exc))
    return redirect(back)


@require_POST
@viewer_required(edit=True)
def screen_view(request: HttpRequest, viewer: Viewer, code: str) -> HttpResponse:
    """The month's screening (干部排查) for a village or township: every household of its villages
    screened by the engine (their rows only), the households raised recorded as leads with why."""
    region = region_for(viewer, code)
    today = dt.date.today()
    year, month = _month(request.POST.get("month"), today)
    back = reverse("web:monitoring", args=[region.code]) + f"?month={year}-{month:02d}"
    if region.level not in SCREENED_LEVELS:
        messages.error(request, _("Run the screening from a village's or a township's monitoring page."))
        return redirect(back)
    try:
        run = run_monitoring_month(year, month, region=region)
        outcome = screening_leads(run, found_on=today, by=viewer.username, lang="zh" if is_zh() else "en")
    except (UnknownYearError, OutsideCalendar) as exc:
        messages.error(request, shown(str(exc)))
        return redirect(back)
    messages.success(request, _("Screening %(month)s for %(region)s: %(raised)s households raised, %(created)s "
                                "recorded as leads, %(skipped)s already followed up.") % {
        "month": f"{year}-{month:02d}", "region": region.name, "raised": len(run.leads()),
        "created": len(outcome.created), "skipped": len(outcome.skipped)})
    for skipped in outcome.skipped[:PICKER_ROWS]:
        messages.info(request, f"{skipped.household_number}: {shown(skipped.why)}")
    return redirect(back)


@viewer_required(edit=True)
def application_pick_view(request: HttpRequest, viewer: Viewer, code: str) -> HttpResponse:
    """Find the household whose application is to be recorded, by number, name or resident ID
    (the household list's search, inside the region)."""
    region = region_for(viewer, code)
    q = request.GET.get("q", "").strip()[:60]
    rows, matched = [], 0
    if q:
        if id_search_refused(viewer, q):
            return render(request, "web/message.html", {
                "viewer": viewer, "title": _("Too many searches by resident ID"),
                "message": _("Search by name or household number, or try again later.")}, status=429)
        found = HouseholdList(viewer, ListFilters(q=q), region)
        matched = found.count()
        rows = found[0:PICKER_ROWS]
    return render(request, "web/monitoring_pick.html", {"viewer": viewer, "region": region, "q": q, "rows": rows,
                                                          "matched": matched, "limit": PICKER_ROWS})


def _consent(request: HttpRequest) -> Upload | None:
    sent = request.FILES.get("consent_file")
    if sent is None:
        return None
    # bounded: a larger file is then refused by its size (the attachments' check)
    return Upload("consent", sent.name or "consent", sent.read(max_bytes() + 1))


@viewer_required(edit=True)
def application_view(request: HttpRequest, viewer: Viewer, number: str) -> HttpResponse:
    """农户自主申报: the household's own application with its signed consent becomes an open lead."""
    household = household_for(viewer, number)
    language = "zh" if is_zh() else "en"
    if request.method != "POST":
        form = ApplicationForm(initial=ApplicationForm.initial_values(), language=language)
    else:
        form = ApplicationForm(request.POST, request.FILES, language=language)
        if form.is_valid():
            d = form.cleaned_data
            try:
                lead = application_record(household=household, found_on=d["found_on"], consent_on=d["consent_on"],
                                          risk_types=d["risk_types"], statement=d["statement"],
                                          consent=_consent(request), by=viewer.username)
            except ValidationFailed as err:
                for problem in err.problems:
                    form.add_error(FIELD_OF_PROBLEM.get(problem.field), shown(problem.message))
            else:
                messages.success(request, _("Application recorded: the home check is due by %(home)s, the "
                                            "identification by %(done)s.") % {
                    "home": lead.home_check_due.isoformat(), "done": lead.identification_due.isoformat()})
                return redirect(reverse("web:household", args=[household.number]) + "#monitoring")
    pack = current_monitoring_pack()
    intro = _("The application becomes an open lead: the home check is due within %(home)s working days, the "
              "identification within %(done)s.") % {"home": pack.deadlines["home_check"].working_days,
                                                    "done": pack.deadlines["identification"].working_days}
    return render(request, "web/edit_form.html", {
        "viewer": viewer, "h": household, "form": form, "conflict": None, "intro": intro,
        "title": _("Record a monitoring application: household %(n)s") % {"n": household.number},
    }, status=400 if form.errors else 200)


@viewer_required()
def consent_view(request: HttpRequest, viewer: Viewer, number: str, lead_id: int) -> FileResponse:
    """The signed consent of an application, for those who see the household (404 otherwise)."""
    household = household_for(viewer, number)
    if not disclosure.opens_scans(viewer.role):
        raise PermissionDenied
    lead = Lead.objects.filter(pk=lead_id, household=household).exclude(consent_sha256="").first()
    if lead is None:
        raise Http404
    path = path_of(lead.consent_sha256)
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), content_type=lead.consent_type, filename=lead.consent_name)
