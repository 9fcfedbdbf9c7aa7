"""The procedure pages: waiting lists (overdue first), opening a case, a case with its record and
the form of the step it is at, the county's announcement of a batch, PDFs of notices and household
cards, attachments, and a notice board per region. Views parse input and call the services; a case,
notice or attachment outside the viewer's region is 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ...accounts.roles import COUNTY_ADMIN
from ...disclosure import opens_scans
from ...domain.problems import RegistryError, ValidationFailed
from ...registry.models import Household, Region
from ...web.permissions import Viewer, household_for, region_for, viewer_required
from ...web.text import shown as pick
from ..actors import Actor
from ..cards import cards_pdf, village_households
from ..definitions import DEFAULT_PACK
from ..effects import effect
from ..errors import CaseConflict, NotFound
from ..models import Attachment, Case, CaseSubject, Notice, Step
from ..notice_pdf import notice_pdf, notice_provisional
from ..packs import offered_kinds
from ..selectors import case_lines, cases_in, notice_visible, posted_notices, waiting
from ..services import (
    Upload,
    announce,
    case_open,
    notice_post,
    objection_record,
    objection_resolve,
    review_decide,
    step_record,
)
from ..services.attachments import KINDS, max_bytes, path_of
from .forms import AnnounceForm, ObjectionForm, OpenForm, RecordForm, ResolveForm, ReviewForm


def actor_of(viewer: Viewer) -> Actor:
    return Actor(viewer.username, viewer.role.code, viewer.region)


def _case_for(viewer: Viewer, pk: int) -> Case:
    case = Case.objects.select_related("region").filter(pk=pk).first()
    if case is None or not viewer.covers(case.region):
        raise Http404
    return case


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@viewer_required()
def case_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    mine = request.GET.get("all") != "1"
    lines = waiting(viewer.region, viewer.role.code if mine else None)
    decided = case_lines(cases_in(viewer.region).exclude(state="open").select_related("region")
                         .order_by("-decided_on", "-pk")[:30])
    return render(request, "procedures/list.html", {"viewer": viewer, "lines": lines, "decided": decided,
                                                    "mine": mine, "today": timezone.localdate()})


def _kinds() -> list[tuple[str, str]]:
    """Every procedure a user may open, as "pack|kind": the shipped exit packs' national kinds (a
    county's pack repeats them with its own periods) and the monitoring pack's kinds."""
    return [(f"{ref}|{k}", f"{p.name.zh} {p.name.en}（{ref}）") for ref, k, p in offered_kinds()]


@viewer_required(edit=True)
def case_new(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    code = request.GET.get("village") or request.POST.get("village") or viewer.region.code
    region = region_for(viewer, code)
    form = OpenForm(request.POST or None, kinds=_kinds(),
                    initial={"kind": f"{DEFAULT_PACK}|household_exit", "on": timezone.localdate(),
                             "year": timezone.localdate().year})
    households = (list(Household.objects.filter(village=region, is_registered=True).order_by("number")[:2000])
                  if region.level == "village" else [])
    villages = list(Region.objects.filter(parent=region, level="village", is_poor_village=True)) \
        if region.level == "township" else []
    error = ""
    if request.method == "POST" and form.is_valid():
        chosen = set(request.POST.getlist("subject"))
        pack, kind = form.cleaned_data["kind"].split("|", 1)
        try:
            case = case_open(kind=kind, pack=pack, year=form.cleaned_data["year"],
                             on=form.cleaned_data["on"], actor=actor_of(viewer), note=form.cleaned_data["note"],
                             households=[h for h in households if h.number in chosen],
                             villages=[v for v in villages if v.code in chosen])
        except RegistryError as err:
            error = _problems(err)
        else:
            messages.success(request, _("Case #%(n)s opened") % {"n": case.pk})
            return redirect(reverse("procedures:case", args=[case.pk]))
    return render(request, "procedures/new.html", {
        "viewer": viewer, "form": form, "region": region, "households": households, "villages": villages,
        "error": error, "chosen": set(request.POST.getlist("subject"))}, status=400 if error else 200)


def _problems(err: RegistryError) -> str:
    if isinstance(err, ValidationFailed):
        return "；".join(pick(p.message) for p in err.problems)
    return pick(err.message)


def _case_page(request: HttpRequest, viewer: Viewer, case: Case, *, error: str = "", status: int = 200,
               forms: dict[str, Any] | None = None) -> HttpResponse:
    case.refresh_from_db()
    line = case_lines([case])[0]
    proc = line.proc
    entries = list(Step.objects.filter(case=case).order_by("seq"))
    subjects = list(CaseSubject.objects.filter(case=case).select_related("household", "village")
                    .order_by("household__number", "village__code"))
    step = proc.steps.get(line.clock.step) if line.clock.step else None
    acting = bool(step and viewer.can_edit and viewer.role.code == step.role)
    today = timezone.localdate()
    initial = {"on": today, "version": case.version}
    open_objections = line.clock.open_objections
    forms = forms or {}
    context = {
        "viewer": viewer, "case": case, "line": line, "proc": proc, "entries": entries,
        "subjects": subjects, "step": step, "acting": acting, "error": error, "kinds": KINDS,
        "attachments": {a.entry_id: a for a in Attachment.objects.filter(case=case)},
        "attachment_list": list(Attachment.objects.filter(case=case).order_by("pk")),
        "opens_scans": opens_scans(viewer.role),
        "notices": list(case.notices.order_by("posted_on", "pk")),
        "record_form": forms.get("record") or RecordForm(initial=initial),
        "review_form": forms.get("review") or ReviewForm(initial=initial),
        "objection_form": forms.get("objection") or ObjectionForm(initial=initial),
        "resolve_forms": [(o, forms.get(f"resolve{o.pk}") or ResolveForm(initial={**initial, "objection": o.pk}))
                          for o in open_objections],
        # Until the notice's end is written into the record (by the next step), an objection raised
        # within its period can still be recorded, also after the fact; the service checks the date.
        "can_object": bool(viewer.can_edit and case.state == "open" and case.step in proc.steps
                           and proc.steps[case.step].type == "notice" and line.clock.notice_posted),
        "can_resolve": bool(viewer.can_edit and case.step in proc.steps
                            and viewer.role.code == proc.steps[case.step].role),
        "effect": effect(proc.effect),
    }
    return render(request, "procedures/case.html", context, status=status)


@viewer_required()
def case_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    return _case_page(request, viewer, _case_for(viewer, pk))


def _uploads(request: HttpRequest, form: RecordForm) -> list[Upload]:
    out = []
    for kind_field, file_field in (("kind", "file"), ("kind2", "file2")):
        f = request.FILES.get(file_field)
        if f is not None:
            content = f.read(max_bytes() + 1)  # bounded: a larger file is then refused by its size
            out.append(Upload(form.cleaned_data.get(kind_field) or "other", f.name or "file", content))
    return out


@require_POST
@viewer_required(edit=True)
def case_act(request: HttpRequest, viewer: Viewer, pk: int, action: str) -> HttpResponse:
    case = _case_for(viewer, pk)
    actor = actor_of(viewer)
    forms: dict[str, Any] = {}
    try:
        if action == "record":
            form = RecordForm(request.POST, request.FILES)
            forms["record"] = form
            if not form.is_valid():
                return _case_page(request, viewer, case, error=_("Please check the fields"),
                                  status=400, forms=forms)
            d = form.cleaned_data
            step_record(case=case, expected_version=d["version"], on=d["on"], actor=actor, people=d["people"],
                        outcome=d["outcome"], attachments=_uploads(request, form))
        elif action == "post":
            on = dt.date.fromisoformat(request.POST.get("on", ""))
            notice_post(case=case, expected_version=int(request.POST.get("version", "0")), on=on, actor=actor)
        elif action == "object":
            oform = ObjectionForm(request.POST)
            forms["objection"] = oform
            if not oform.is_valid():
                return _case_page(request, viewer, case, error=_("Please check the fields"),
                                  status=400, forms=forms)
            d = oform.cleaned_data
            household = (CaseSubject.objects.filter(case=case, household__number=d["household"].strip())
                         .select_related("household").first() if d["household"].strip() else None)
            if d["household"].strip() and household is None:
                raise ValidationFailed([])
            objection_record(case=case, expected_version=d["version"], on=d["on"], actor=actor,
                             raised_by=d["raised_by"], content=d["content"],
                             household=household.household if household else None)
        elif action == "resolve":
            rform = ResolveForm(request.POST)
            if not rform.is_valid():
                forms[f"resolve{request.POST.get('objection')}"] = rform
                return _case_page(request, viewer, case, error=_("Please check the fields"),
                                  status=400, forms=forms)
            d = rform.cleaned_data
            objection = Step.objects.filter(case=case, pk=d["objection"], action="objection").first()
            if objection is None:
                raise Http404
            numbers = [n.strip() for n in d["remove"].replace("，", ",").split(",") if n.strip()]
            remove = list(Household.objects.filter(number__in=numbers, case_subjects__case=case))
            objection_resolve(case=case, expected_version=d["version"], objection=objection, on=d["on"],
                              actor=actor, outcome=d["outcome"], upheld=d["upheld"], people=d["people"],
                              remove=remove)
        elif action == "review":
            vform = ReviewForm(request.POST)
            forms["review"] = vform
            if not vform.is_valid():
                return _case_page(request, viewer, case, error=_("Please check the fields"),
                                  status=400, forms=forms)
            d = vform.cleaned_data
            review_decide(case=case, expected_version=d["version"], on=d["on"], actor=actor,
                          approve=d["decision"] == "approve", reason=d["reason"])
        else:
            raise Http404
    except CaseConflict as err:
        return _case_page(request, viewer, case, error=pick(err.message), status=409, forms=forms)
    except NotFound as err:
        raise Http404 from err
    except ValueError:
        return _case_page(request, viewer, case, error=_("Dates are year-month-day"),
                          status=400, forms=forms)
    except RegistryError as err:
        return _case_page(request, viewer, case, error=_problems(err) or _("That household is not on the list"),
                          status=400, forms=forms)
    messages.success(request, _("Saved"))
    return redirect(reverse("procedures:case", args=[case.pk]))


@viewer_required(edit=True)
def announce_view(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    if viewer.role.code != COUNTY_ADMIN:
        raise Http404
    lines = [line for line in waiting(viewer.region) if line.clock.step and
             line.proc.steps[line.clock.step].type == "announce"]
    form = AnnounceForm(request.POST or None, initial={"on": timezone.localdate()})
    error = ""
    if request.method == "POST" and form.is_valid():
        chosen = {int(v) for v in request.POST.getlist("case") if v.isdigit()}
        versions = {line.case: int(request.POST.get(f"version{line.case.pk}", "0")) for line in lines
                    if line.case.pk in chosen}
        try:
            notice = announce(cases=versions, on=form.cleaned_data["on"], actor=actor_of(viewer),
                              title=form.cleaned_data["title"])
        except CaseConflict as err:
            error = pick(err.message)
        except RegistryError as err:
            error = _problems(err)
        else:
            n = len(versions)
            messages.success(request, ngettext("%(n)s case announced", "%(n)s cases announced", n) % {"n": n})
            return redirect(reverse("procedures:notice", args=[notice.pk]))
    return render(request, "procedures/announce.html", {"viewer": viewer, "lines": lines, "form": form,
                                                        "error": error}, status=400 if error else 200)


def _notice_for(viewer: Viewer, pk: int) -> Notice:
    notice = Notice.objects.select_related("region").filter(pk=pk).first()
    if notice is None or not notice_visible(notice, viewer.region):
        raise Http404
    return notice


@viewer_required()
def notice_view(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    notice = _notice_for(viewer, pk)
    cases = [c for c in notice.cases.select_related("region") if viewer.covers(c.region)]
    return render(request, "procedures/notice.html", {"viewer": viewer, "notice": notice, "cases": cases,
                                                      "provisional": notice_provisional(notice)})


@viewer_required()
def notice_pdf_view(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    notice = _notice_for(viewer, pk)
    return _pdf(notice_pdf(notice), f"notice-{notice.pk}.pdf")


@viewer_required()
def board_view(request: HttpRequest, viewer: Viewer, code: str) -> HttpResponse:
    region = region_for(viewer, code)
    running, announcements = posted_notices(region)
    return render(request, "procedures/board.html", {"viewer": viewer, "region": region,
                                                     "running": running, "announcements": announcements})


@viewer_required()
def attachment_view(request: HttpRequest, viewer: Viewer, pk: int) -> FileResponse:
    attachment = Attachment.objects.select_related("case__region").filter(pk=pk).first()
    if attachment is None or not viewer.covers(attachment.case.region):
        raise Http404
    if not opens_scans(viewer.role):
        raise PermissionDenied
    path = path_of(attachment.sha256)
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), content_type=attachment.content_type, filename=attachment.name)


def _card_year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2013 <= int(raw) <= 2100:
        return int(raw)
    return timezone.localdate().year


@viewer_required()
def card_view(request: HttpRequest, viewer: Viewer, number: str) -> HttpResponse:
    household = household_for(viewer, number)
    return _pdf(cards_pdf([household], _card_year(request)), f"card-{household.number}.pdf")


@viewer_required()
def village_cards_view(request: HttpRequest, viewer: Viewer, code: str) -> HttpResponse:
    region = region_for(viewer, code)
    if region.level != "village":
        raise Http404
    return _pdf(cards_pdf(village_households(region.pk), _card_year(request), title=f"{region.name} 帮扶明白卡"),
                f"cards-{region.code}.pdf")
