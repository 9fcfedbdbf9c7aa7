"""The monitoring page of a region (防止返贫监测): the month's figures (objects by category and risk
type, new, eliminated, overdue, share with a development measure), the monitored share by year
from 2021, and the area's open leads, which a cadre turns into an identification case or dismisses
with a reason. Every write goes to a monitoring service."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ...domain.problems import ValidationFailed
from ...domain.text import Text
from ...monitoring.codes import CHANNELS
from ...monitoring.deadlines import stored_deadlines
from ...monitoring.models import Lead, MonitoringObject
from ...monitoring.packs import current_monitoring_pack
from ...monitoring.screening import villages_under
from ...monitoring.selectors import monitored_share_by_year, month_figures
from ...monitoring.services.leads import lead_dismiss, leads_to_case, overdue
from ...monitoring.services.objects import earliest_elimination
from ...procedures.actors import Actor
from ..permissions import Viewer, region_for, viewer_required
from ..text import is_zh, lang, shown


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
    return render(request, "web/monitoring.html", {
        "viewer": viewer, "region": region, "year": year, "month": month, "figures": figures,
        "categories": [(name(pack.categories[c].name), n) for c, n in figures.by_category.items()],
        "risks": [(name(pack.risk_types[r].name), n) for r, n in figures.by_risk_type.items() if n],
        "line": pack.monitoring_line_entry(year) if first <= year <= last and year in pack.monitoring_lines.years
        else None,
        "shares": monitored_share_by_year(region, range(first, min(last, today.year) + 1)),
        "leads": [(lead, CHANNELS[lead.channel][0 if zh else 1], overdue(lead, today),
                   [Text(r.get("zh", ""), r.get("en", "")).render(lang()) for r in lead.reasons],
                   stored_deadlines(pack, lead)) for lead in leads],
        "objects": [(o, earliest_elimination(o)) for o in objects],
        "can_act": viewer.can_edit and viewer.role.code == "village_cadre",
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
