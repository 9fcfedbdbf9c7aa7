"""The household list (search, filters, sorting, pages), the household page and the export of
the filtered list."""

from __future__ import annotations

import functools
from html import escape  # the standard library's: the fastest for the list's short values

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markupsafe import Markup

from ... import disclosure
from ...domain.codes import code_labels, code_list
from ...monitoring.selectors import categories_by_number
from ...registry.models import Region
from .. import masking, params
from ..export import EXPORT_LIMIT, write_export
from ..filters import chosen_option, options_html
from ..id_search import id_search_refused
from ..id_search import limit as id_search_limit
from ..permissions import Viewer, household_for, region_for, viewer_required
from ..selectors.assessments import failing_indicators, household_assessment, indicator_choices
from ..selectors.conflicts import history_lines
from ..selectors.detail import household_page
from ..selectors.households import (
    CADRE_PICKS,
    PAGE_SIZE,
    HouseholdList,
    ListFilters,
    Row,
    filtered_households,
    list_cadre_choices,
    list_choices,
)
from ..selectors.monitoring import household_monitoring
from ..selectors.plans import household_plans
from ..text import is_zh, lang


def _choices(name: str) -> list[tuple[str, str]]:
    return code_list(name).choices("zh" if is_zh() else "en")


@functools.cache
def _fixed_options(language: str) -> dict[str, Markup]:
    """The <option> elements of the filters whose choices never change (code lists and fixed
    groups), rendered once per language."""
    with translation.override(language):
        return {name: options_html(choices) for name, choices in {
            "statuses": [("registered", _("Registered (all)")), ("remaining", _("Not exited or relapsed")),
                         *_choices("household_status")],
            "attributes": _choices("poverty_attribute"),
            "causes": _choices("poverty_cause"),
            "grades": _choices("housing_grade"),
            "gaps": [("medical", _("Member without medical insurance")),
                     ("pension", _("Adult without pension insurance")),
                     ("doctor", _("Member without family doctor")), ("school", _("Child 6–15 out of school"))],
        }.items()}


def _monitoring_choices() -> list[tuple[str, str]]:
    from ...monitoring.selectors import ANY_CATEGORY, category_choices

    return [(ANY_CATEGORY, _("Any monitoring object")), *category_choices("zh" if is_zh() else "en")]


def _filter_choices(viewer: Viewer, region: Region, f: ListFilters) -> dict[str, object]:
    choices = list_choices(viewer.region, region)
    return {
        "monitoring": _monitoring_choices(),
        **_fixed_options(lang()),
        "regions_html": choices.regions_html,
        "indicators": indicator_choices(),
        **_cadre_filter(viewer, region, f, choices.cadres_html),
    }


def _cadre_filter(viewer: Viewer, region: Region, f: ListFilters, few: str) -> dict[str, object]:
    """The cadre filter: a text searched on the server (a county has thousands of cadres, too many
    for one drop-down), then a choice among the cadres it found; a village's few cadres are offered
    at once. Without script: type, Apply, choose, Apply."""
    if f.cadre_q.strip():
        found, matched = list_cadre_choices(viewer, region, f.cadre_q, f.cadre)
        offered = options_html(found)
    else:
        matched = None
        offered = Markup(few) if few or not f.cadre else options_html(
            list_cadre_choices(viewer, region, "", f.cadre)[0][-1:])
    return {"cadre_options": chosen_option(offered, f.cadre), "cadres_matched": matched, "cadre_picks": CADRE_PICKS,
            "cadre_by_phone": viewer.role.phone == "full"}


def _escaped(value: str) -> str:
    """``html.escape``, skipped for a value of letters and digits only (household numbers, most
    names — Chinese characters count as letters — and unmasked resident IDs): none of the
    characters it replaces is a letter or a digit."""
    return value if value.isalnum() else escape(value)


def _rows_html(rows: list[Row], viewer: Viewer, failing: dict[str, list[str]] | None = None,
               monitored: dict[str, str] | None = None) -> SafeString:
    """The table body, written in Python with every value escaped: a template loop over 50 rows
    costs more than the query behind it. Values that repeat from row to row (the village, codes
    and their labels, cadres) are escaped once per page. A code missing from its list shows as
    itself, as on the household page."""
    if not rows:
        return format_html('<tr><td colspan="11">{}</td></tr>', _("No household matches."))
    base = escape(reverse("web:household", args=["0"])[:-2])
    lang = "zh" if is_zh() else "en"
    statuses, attributes, causes = (code_labels(name, lang) for name in
                                    ("household_status", "poverty_attribute", "poverty_cause"))
    role = viewer.role
    repeated: dict[str, str] = {}
    categories = dict(_monitoring_choices()) if monitored else {}
    monitored = monitored or {}

    def cause(code: str) -> str:
        return causes.get(code, code) if role.health else str(masking.shown(role, "main_cause", code))

    def once(value: str) -> str:
        found = repeated.get(value)
        if found is None:
            found = repeated[value] = escape(value)
        return found

    out = []
    for r in rows:
        number, status = _escaped(r.number), r.status
        out.append(  # every value below is escaped
            f'<tr><td><a href="{base}{number}/">{number}</a></td><td>{once(r.village)}</td>'
            f'<td>{_escaped(r.head_name)}</td><td class="id">{_escaped(masking.resident_id(role, r.head_resident_id))}'
            f'</td><td class="num">{r.people:d}</td><td><span class="status {once(status)}">'
            f'{once(statuses.get(status, status))}</span></td>'
            f'<td>{once(attributes.get(r.poverty_attribute, r.poverty_attribute))}</td>'
            f'<td>{once(cause(r.main_cause))}</td><td>{once(r.cadre)}</td>'
            f'<td class="failing">{once("、".join(failing.get(r.number, ())) if failing else "")}</td>'
            f'<td class="monitoring">{once(categories.get(monitored.get(r.number, ""), monitored.get(r.number, "")))}'
            '</td></tr>')
    return mark_safe("\n".join(out))


def _active_filters(f: ListFilters, region: Region, viewer: Viewer) -> list[tuple[str, str, str]]:
    """Each filter in force as (label, value shown, query string without it): the 建档立卡 menu
    lists registered households only, and a search that finds nothing must say why."""
    from ...registry.models import Cadre
    from ..selectors.households import STATUS_GROUPS

    lang_code = "zh" if is_zh() else "en"
    statuses = {"registered": _("Registered (all)"), "remaining": _("Not exited or relapsed"),
                **code_labels("household_status", lang_code)}
    gaps = {"medical": _("Member without medical insurance"), "pension": _("Adult without pension insurance"),
            "doctor": _("Member without family doctor"), "school": _("Child 6–15 out of school")}
    shown: list[tuple[str, str, str]] = []

    def add(name: str, label: str, value: str) -> None:
        shown.append((label, value, f.query(**{name: ""})))

    if f.q:
        add("q", _("Search"), f.q)
    if f.region and region != viewer.region:
        add("region", _("Region"), region.name)
    if f.status in statuses or f.status in STATUS_GROUPS:
        add("status", _("Status"), statuses.get(f.status, f.status))
    for name, label, lists in (("attribute", _("Attribute"), "poverty_attribute"),
                               ("cause", _("Cause"), "poverty_cause"), ("grade", _("Housing grade"), "housing_grade")):
        value = getattr(f, name)
        if value:
            add(name, label, code_labels(lists, lang_code).get(value, value))
    if f.gap:
        add("gap", _("Gap"), gaps.get(f.gap, f.gap))
    if f.failing:
        add("failing", _("Failing indicator"), dict(indicator_choices()).get(f.failing, f.failing))
    if f.nodata:
        add("nodata", _("Cannot be judged (missing data)"), dict(indicator_choices()).get(f.nodata, f.nodata))
    if f.monitoring:
        add("monitoring", _("Monitoring"), dict(_monitoring_choices()).get(f.monitoring, f.monitoring))
    if f.cadre_q and not f.cadre.isdigit():
        add("cadre_q", _("Responsible cadre"), f.cadre_q)
    if f.cadre.isdigit():
        add("cadre", _("Responsible cadre"), Cadre.objects.filter(pk=int(f.cadre)).values_list(
            "name", flat=True).first() or f.cadre)
    return shown


def _too_many_id_searches(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    return render(request, "web/message.html", {
        "viewer": viewer, "title": _("Too many searches by resident ID"),
        "message": _("Your role sees resident IDs masked, so searches by a full ID are limited to %(n)s an hour. "
                     "Search by name or household number, or try again later.") % {"n": id_search_limit()}},
        status=429)


@viewer_required()
def household_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    f = ListFilters.from_query(request.GET)
    if id_search_refused(viewer, f.q):
        return _too_many_id_searches(request, viewer)
    region = region_for(viewer, f.region) if f.region else viewer.region
    page = Paginator(HouseholdList(viewer, f, region), PAGE_SIZE).get_page(
        params.integer(request.GET, "page", maximum=10**7) or 1)
    sorts = f.sort_queries(("number", "village", "status", "people", "updated"))
    rows = list(page.object_list)
    return render(request, "web/household_list.html", {
        "viewer": viewer, "filters": f, "region": region, "page": page,
        "rows_html": _rows_html(rows, viewer, failing_indicators([r.number for r in rows]),
                                categories_by_number([r.number for r in rows])),
        "query": f.query(), "sorts": sorts, "choices": _filter_choices(viewer, region, f), "export_limit": EXPORT_LIMIT,
        "active": _active_filters(f, region, viewer),
        # a search narrowed by other filters can be run over every household of the viewer's region
        "search_all": ListFilters(q=f.q).query() if f.q and f != ListFilters(q=f.q, sort=f.sort) else "",
    })


@viewer_required()
def household_detail(request: HttpRequest, viewer: Viewer, number: str) -> HttpResponse:
    household = household_for(viewer, number)
    page = household_page(household, viewer.region)
    assessment = household_assessment(household, viewer.role)
    return render(request, "web/household_detail.html", {
        "viewer": viewer, "p": page, "h": household, "assessment": assessment,
        "history": history_lines(page.history, viewer.role),
        "plans": household_plans(household, viewer.role, assessment, page.members, page.incomes),
        "monitoring": household_monitoring(household, viewer.role, "zh" if is_zh() else "en"),
        "opens_scans": disclosure.opens_scans(viewer.role),
    })


@viewer_required()
def household_export(request: HttpRequest, viewer: Viewer) -> HttpResponseBase:
    f = ListFilters.from_query(request.GET)
    if id_search_refused(viewer, f.q):
        return _too_many_id_searches(request, viewer)
    region = region_for(viewer, f.region) if f.region else viewer.region
    qs = filtered_households(viewer, f, region)
    total = qs.count()
    if total > EXPORT_LIMIT:
        return render(request, "web/message.html", {
            "viewer": viewer, "title": _("Too many households to export"),
            "message": _("The list holds %(n)s households; narrow the filters to at most %(limit)s.")
            % {"n": f"{total:,}", "limit": f"{EXPORT_LIMIT:,}"}}, status=400)
    path = write_export(qs, viewer.role, region)
    stream = path.open("rb")
    path.unlink()  # the open file is read to its end; the name goes now
    name = f"liangfang-{region.code}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(stream, as_attachment=True, filename=name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
