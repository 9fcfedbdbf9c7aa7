"""Plan pages (一户一策): decide on a household's measures and accept its plan, record deliveries
and visits, and propose and read an area's plans. Every write goes to a plans service; decisions
carry the state the page showed, so one made meanwhile by someone else is refused (HTTP 409) with
what changed, and the user's input is kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ...disclosure import SMALL_CELL, suppressed
from ...domain.problems import Problem, ValidationFailed
from ...plans.models import Plan, PlanMeasure, PlanRun
from ...plans.services.delivery import delivery_record, visit_record
from ...plans.services.plans import (
    DecisionConflict,
    measure_change,
    measure_decide,
    measure_state,
    plan_accept,
    plan_area,
    plan_revise,
)
from ...registry.models import CadrePairing, Household, Region
from .. import params
from ..links import households_url
from ..permissions import Viewer, household_for, region_for, viewer_required
from ..plan_forms import AreaPlanForm, ChangeForm, DecisionForm, DeliveryForm, PlanAcceptForm, VisitForm
from ..selectors.assessments import latest_run
from ..selectors.detail import region_path
from ..selectors.plans import (
    DEFAULT_PACK,
    OVERDUE_SHOWN,
    WEB_AREA_LEVELS,
    area_report,
    catalogue,
    follow_up,
    fund_choices,
    measure_line,
    measure_title,
    measure_withheld,
    run_covers,
    run_totals_withheld,
    run_visible,
    runs_for,
    village_codes,
)
from ..text import shown


def _show(form: Any, problems: list[Problem]) -> None:
    for p in problems:
        form.add_error(p.field if p.field in form.fields else None, shown(p.message))


def _measure_of(viewer: Viewer, household: Household, measure_id: int) -> PlanMeasure:
    """A measure of the household that the viewer is shown (a health measure is not, to a role
    without health facts: its page answers as if it did not exist); 404 otherwise."""
    measure = (PlanMeasure.objects.select_related("plan", "member")
               .filter(pk=measure_id, plan__household=household).first())
    if measure is None or measure_withheld(viewer.role, measure.plan.pack, measure.measure, measure.category,
                                           measure.fund_source):
        raise Http404
    measure.plan.household = household
    return measure


def _back(household: Household) -> str:
    return reverse("web:household", args=[household.number]) + "#plans"


def _measure_page(request: HttpRequest, viewer: Viewer, household: Household, measure: PlanMeasure, *,
                  decision: DecisionForm | None = None, change: ChangeForm | None = None,
                  conflict: str = "", status: int = 200) -> HttpResponse:
    """The measure with its forms; after a refusal the forms keep the user's input, carrying the
    current state so that sending them again is a deliberate decision on what is there now. A form
    sent back for a typo keeps the state the user saw: no conflict was shown, so a change made
    meanwhile must still be refused when the corrected form comes back."""
    plan = measure.plan
    measure.refresh_from_db()
    plan.refresh_from_db(fields=["status", "accepted_at", "accepted_by"])
    measure.plan = plan
    state = measure_state(measure, measure.plan.status)
    funds = fund_choices(measure.plan.pack)
    if decision is None:
        decision = DecisionForm(initial={"decision": "rejected", "state": state})
    if change is None:
        change = ChangeForm(initial={"state": state, "cost": measure.cost, "due_date": measure.due_date,
                                     "fund_source": measure.fund_source}, funds=funds)
    for form in (decision, change):
        if form.is_bound and (conflict or not form.data.get("state")):
            form.data = {**form.data.dict(), "state": state}  # type: ignore[attr-defined]
    delivery = measure.deliveries.first()
    line = measure_line(measure, catalogue(measure.plan.pack), viewer.role, delivery)
    return render(request, "web/measure.html", {
        "viewer": viewer, "h": household, "line": line, "m": measure, "plan": measure.plan,
        "decision": decision, "change": change, "conflict": conflict, "state": state,
        "open": measure.plan.status == "proposed",
        "typed_fund": dict(funds).get(change.data.get("fund_source", ""), "") if change.is_bound else "",
    }, status=status)


@viewer_required()
def measure_view(request: HttpRequest, viewer: Viewer, number: str, measure_id: int) -> HttpResponse:
    household = household_for(viewer, number)
    return _measure_page(request, viewer, household, _measure_of(viewer, household, measure_id))


@require_POST
@viewer_required(edit=True)
def measure_decide_view(request: HttpRequest, viewer: Viewer, number: str, measure_id: int) -> HttpResponse:
    household = household_for(viewer, number)
    measure = _measure_of(viewer, household, measure_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _measure_page(request, viewer, household, measure, decision=form, status=400)
    decision = form.cleaned_data["decision"]
    try:
        measure_decide(measure=measure, decision=decision, by=viewer.username, note=form.cleaned_data["note"],
                       expected_state=form.cleaned_data["state"])
    except DecisionConflict as err:
        return _measure_page(request, viewer, household, measure, decision=form, conflict=shown(err.message),
                             status=409)
    except ValidationFailed as err:
        _show(form, err.problems)
        return _measure_page(request, viewer, household, measure, decision=form, status=400)
    name = measure_line(measure, catalogue(measure.plan.pack), viewer.role, None).name
    messages.success(request, (_("Measure accepted: %(m)s.") if decision == "accepted"
                               else _("Measure rejected: %(m)s.")) % {"m": name})
    return redirect(_back(household))


@require_POST
@viewer_required(edit=True)
def measure_change_view(request: HttpRequest, viewer: Viewer, number: str, measure_id: int) -> HttpResponse:
    household = household_for(viewer, number)
    measure = _measure_of(viewer, household, measure_id)
    form = ChangeForm(request.POST, funds=fund_choices(measure.plan.pack))
    if not form.is_valid():
        return _measure_page(request, viewer, household, measure, change=form, status=400)
    data = form.cleaned_data
    try:
        measure_change(measure=measure, by=viewer.username, note=data["note"], cost=data["cost"],
                       due_date=data["due_date"], fund_source=data["fund_source"] or None,
                       expected_state=data["state"])
    except DecisionConflict as err:
        return _measure_page(request, viewer, household, measure, change=form, conflict=shown(err.message), status=409)
    except ValidationFailed as err:
        _show(form, err.problems)
        return _measure_page(request, viewer, household, measure, change=form, status=400)
    messages.success(request, _("Measure changed."))
    return redirect(_back(household))


def _plan_of(viewer: Viewer, number: str, plan_id: int) -> tuple[Household, Plan]:
    """A plan of a household the viewer may see; 404 otherwise."""
    household = household_for(viewer, number)
    plan = Plan.objects.filter(pk=plan_id, household=household).first()
    if plan is None:
        raise Http404
    plan.household = household
    return household, plan


@require_POST
@viewer_required(edit=True)
def plan_accept_view(request: HttpRequest, viewer: Viewer, number: str, plan_id: int) -> HttpResponse:
    household, plan = _plan_of(viewer, number, plan_id)
    form = PlanAcceptForm(request.POST)
    refusal = ""
    if not form.is_valid():
        refusal = _("The form was incomplete; reload the household page and try again.")
    else:
        try:
            plan_accept(plan=plan, by=viewer.username, expected_state=form.cleaned_data["state"])
        except (DecisionConflict, ValidationFailed) as err:
            refusal = shown(err.message)
        else:
            messages.success(request, _("Plan for %(y)s (version %(v)s) accepted as the plan of record.")
                             % {"y": plan.year, "v": plan.version})
            return redirect(_back(household))
    return render(request, "web/message.html", {
        "viewer": viewer, "title": _("Plan not accepted"), "message": refusal,
        "back": _back(household), "back_label": _("Back to the household's plans")},
        status=409 if form.is_valid() else 400)


@require_POST
@viewer_required(edit=True)
def plan_revise_view(request: HttpRequest, viewer: Viewer, number: str, plan_id: int) -> HttpResponse:
    """A new proposed version of the plan of record, to change its measures and accept it again."""
    household, plan = _plan_of(viewer, number, plan_id)
    form = PlanAcceptForm(request.POST)
    refusal = _("The form was incomplete; reload the household page and try again.")
    if form.is_valid():
        try:
            revised = plan_revise(plan=plan, by=viewer.username, expected_state=form.cleaned_data["state"])
        except (DecisionConflict, ValidationFailed) as err:
            refusal = shown(err.message)
        else:
            messages.success(request, _("Version %(v)s proposed from the plan of record: change its measures, "
                                        "then accept it.") % {"v": revised.version})
            return redirect(_back(household))
    return render(request, "web/message.html", {
        "viewer": viewer, "title": _("Plan not revised"), "message": refusal,
        "back": _back(household), "back_label": _("Back to the household's plans")},
        status=409 if form.is_valid() else 400)


def _edit_page(request: HttpRequest, viewer: Viewer, household: Household, form: Any, title: str,
               intro: str = "") -> HttpResponse:
    return render(request, "web/edit_form.html", {
        "viewer": viewer, "h": household, "form": form, "title": title, "intro": intro, "conflict": None,
    }, status=400 if form.errors else 200)


@viewer_required(edit=True)
def delivery_view(request: HttpRequest, viewer: Viewer, number: str, measure_id: int) -> HttpResponse:
    household = household_for(viewer, number)
    measure = _measure_of(viewer, household, measure_id)
    funds = fund_choices(measure.plan.pack)
    line = measure_line(measure, catalogue(measure.plan.pack), viewer.role, None)
    title = _("Record delivery: %(m)s") % {"m": line.name}
    if request.method != "POST":
        form = DeliveryForm(initial={"date": dt.date.today(), "amount": measure.cost,
                                     "fund_source": measure.fund_source},
                     funds=funds)
        return _edit_page(request, viewer, household, form, title, line.reason)
    form = DeliveryForm(request.POST, funds=funds)
    if form.is_valid():
        data = form.cleaned_data
        try:
            delivery_record(measure=measure, date=data["date"], proof_note=data["proof_note"], by=viewer.username,
                            amount=data["amount"], fund_source=data["fund_source"] or None)
        except ValidationFailed as err:
            _show(form, err.problems)
        else:
            messages.success(request, _("Delivery recorded: %(m)s.") % {"m": line.name})
            return redirect(_back(household))
    return _edit_page(request, viewer, household, form, title, line.reason)


@viewer_required(edit=True)
def visit_add_view(request: HttpRequest, viewer: Viewer, number: str) -> HttpResponse:
    household = household_for(viewer, number)
    pairing = (CadrePairing.objects.filter(household=household, end_date=None).select_related("cadre")
               .order_by("-start_date").first())
    cadre = pairing.cadre if pairing else None
    title = _("Record a visit to household %(n)s") % {"n": household.number}
    if request.method != "POST":
        form = VisitForm(initial={"date": dt.date.today(), "visitor": cadre.name if cadre else ""})
        return _edit_page(request, viewer, household, form, title)
    form = VisitForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        visitor = data["visitor"].strip()
        try:
            visit_record(household=household, date=data["date"], findings=data["findings"], by=viewer.username,
                         cadre=cadre if cadre and visitor in ("", cadre.name) else None, visitor=visitor)
        except ValidationFailed as err:
            _show(form, err.problems)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect(_back(household))
    return _edit_page(request, viewer, household, form, title)


# -- area plans -----------------------------------------------------------------------------------------
def _chosen_run(request: HttpRequest, region: Region, runs: list[PlanRun]) -> PlanRun | None:
    """The run named by ``?run=`` (it must cover the region, else 404), or the newest covering one."""
    wanted = params.integer(request.GET, "run")
    if wanted is not None:
        run = next((r for r in runs if r.pk == wanted), None)
        if run is None:
            run = PlanRun.objects.select_related("region").filter(pk=wanted).first()
        if run is None or not run_visible(run, region):
            raise Http404
        return run
    return next((r for r in runs if run_covers(r, region)), None)


def _area_page(request: HttpRequest, viewer: Viewer, region: Region, form: AreaPlanForm | None = None,
               status: int = 200) -> HttpResponse:
    runs = runs_for(region)
    run = _chosen_run(request, region, runs)
    codes = village_codes(region)
    hrefs = {key: households_url(region=code) for key, code in codes.items()}
    report = area_report(run, region, hrefs, viewer.role) if run is not None else None
    today = dt.date.today()
    assessed = latest_run()
    year = run.year if run else (assessed.year if assessed else today.year)
    pack = run.pack if run else DEFAULT_PACK
    follow = follow_up(region, year, pack, today)
    cat = catalogue(pack)
    can_plan = viewer.can_edit and region.level in WEB_AREA_LEVELS
    # a household's overdue health measure is a health fact of that household
    overdue_measures = [m for m in follow.overdue.measures if not measure_withheld(viewer.role, pack, m.measure, "")]
    if form is None and can_plan:
        form = AreaPlanForm(initial={"year": AreaPlanForm.initial_year(assessed.year if assessed else None)})
    return render(request, "web/area_plans.html", {
        # A run of an area above the viewer's shows only this area's share: its totals stay hidden.
        "runs": [(r, viewer.covers(r.region)) for r in runs],
        "run_totals_withheld": run_totals_withheld(runs, viewer.role),
        "whole_run_visible": run is not None and viewer.covers(run.region),
        "viewer": viewer, "region": region, "run": run, "report": report, "form": form,
        "can_plan": can_plan, "follow": follow, "year": year, "today": today,
        "visits_due": follow.overdue.visits[:OVERDUE_SHOWN],
        "measures_due": [(m, measure_title(cat, m.measure, viewer.role)) for m in overdue_measures[:OVERDUE_SHOWN]],
        "measures_overdue": len(overdue_measures),
        "overdue_shown": OVERDUE_SHOWN,
        "small_cell": SMALL_CELL,
        "medical_withheld": suppressed(viewer.role, follow.rollup.medical_households),
        "path": [r for r in region_path(region, viewer.region) if r.pk != region.pk],
        "household_base": reverse("web:household", args=["0"])[:-2],
    }, status=status)


@viewer_required()
def area_plans_view(request: HttpRequest, viewer: Viewer, code: str) -> HttpResponse:
    return _area_page(request, viewer, region_for(viewer, code))


@require_POST
@viewer_required(edit=True)
def area_plan_propose_view(request: HttpRequest, viewer: Viewer, code: str) -> HttpResponse:
    region = region_for(viewer, code)
    form = AreaPlanForm(request.POST)
    if region.level not in WEB_AREA_LEVELS:
        form.is_valid()
        form.add_error(None, _("Plans are proposed for a county, a township or a village: open one of them."))
        return _area_page(request, viewer, region, form, status=400)
    if not form.is_valid():
        return _area_page(request, viewer, region, form, status=400)
    try:
        area = plan_area(region=region, year=form.cleaned_data["year"], budget=form.cleaned_data["budget"],
                         by=viewer.username)
    except ValidationFailed as err:
        _show(form, err.problems)
        return _area_page(request, viewer, region, form, status=400)
    assert area.run is not None
    messages.success(request, _("Plans proposed for %(n)s households; %(k)s can be brought to the standard.")
                     % {"n": f"{area.run.households_in_need:,}", "k": f"{area.run.households_lifted:,}"})
    return redirect(reverse("web:area_plans", args=[region.code]) + f"?run={area.run.pk}")
