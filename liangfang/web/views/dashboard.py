"""A region's dashboard: the headline figures, the regions one level down, and charts; every
figure links to the households behind it."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ... import disclosure
from ...accounts.roles import Role
from ...assessments.models import AssessmentRun
from ...registry.models import Region
from ..charts import Bar, bar_chart, line_chart
from ..links import households_url
from ..permissions import Viewer, region_for, viewer_required
from ..selectors.assessments import PassRate, latest_run, pass_rates
from ..selectors.dashboard import MADE_SAFE, Dashboard, dashboard, poor_villages
from ..selectors.detail import region_path
from ..selectors.people import CoveragePolicy
from ..text import code_label, lang


def gap_title(code: str, policy: CoveragePolicy | None) -> str:
    """The coverage rate's name, with the pack's ages."""
    low, high = policy.school_ages if policy else (6, 15)
    return {
        "medical": lambda: _("Basic medical cover (any scheme)"),
        "pension": lambda: _("Pension insurance (%(age)s+, not in school)") % {
            "age": policy.pension_age if policy else 16},
        "doctor": lambda: _("Family-doctor contract"),
        "school": lambda: _("Schooling at ages %(low)s–%(high)s, or completed") % {"low": low, "high": high},
    }[code]()


def _grade_bar(grade: str, n: int, registered: dict[str, str]) -> Bar:
    if grade == MADE_SAFE:
        return Bar(_("C/D made safe (renovated or relocated)"), n, f"{n:,}")
    return Bar(code_label("housing_grade", grade), n, f"{n:,}", households_url(**registered, grade=grade))


def _causes_chart(data: Dashboard, code: str, role: Role) -> SafeString:
    """Households by main cause. A role without health facts sees no links (it cannot filter by
    cause) and, when 因病 or 因残 counts fewer than SMALL_CELL households, no chart."""
    title = _("Main causes of poverty")
    if disclosure.causes_withheld(role, dict(data.causes)):
        return format_html('<p class="note">{}: {}</p>', title, _(
            "withheld for your role: too few households to show causes without pointing at them"))
    registered = {"region": code, "status": "registered"}
    return bar_chart([Bar(code_label("poverty_cause", cause), n, f"{n:,}",
                          households_url(**registered, cause=cause) if role.health else "")
                      for cause, n in data.causes], title=title, css="causes")


def _charts(data: Dashboard, code: str, role: Role) -> dict[str, object]:
    registered = {"region": code, "status": "registered"}
    return {
        "incidence_chart": line_chart(
            [(str(y), v, f"{v}%") for y, v in data.incidence_by_year],
            then=[(str(y), v, f"{v}%") for y, v in data.monitored_by_year],
            legend=(_("Poverty incidence"), _("Monitored share (a different measure)")),
            title=_("Poverty incidence by year"), href=households_url(region=code, status="remaining")),
        "children_chart": bar_chart(
            [Bar(c.region.name, c.incidence_now, f"{c.incidence_now}%",
                 households_url(region=c.region.code, status="remaining")) for c in data.children],
            title=_("Poverty incidence now, by region"), css="children"),
        "causes_chart": _causes_chart(data, code, role),
        "coverage_chart": bar_chart(
            [Bar(gap_title(r.code, data.policy), r.percent, f"{r.percent}%",
                 households_url(**registered, gap=r.code)) for r in data.coverage],
            title=_("Coverage among registered households' members"), maximum=100, css="coverage"),
        "housing_chart": bar_chart(
            [_grade_bar(g, n, registered) for g, n in data.housing_grades],
            title=_("Housing safety grades"), css="housing"),
    }


def _pass_rates(region_code: str, rates: list[PassRate]) -> SafeString:
    return bar_chart([Bar(r.name, r.percent, f"{r.percent}%", households_url(region=region_code, failing=r.indicator))
                      for r in rates], title=_("Indicator pass rates"), maximum=100, css="indicators")


def _body(region: Region, run: AssessmentRun | None, data: Dashboard, role: Role) -> str:
    """The dashboard below the breadcrumbs: the same for everyone who may see the region, but for
    what health facts the role may see."""
    code = region.code
    _run, rates = pass_rates(region)
    return render_to_string("web/dashboard_body.html", {
        "run": run,
        "indicators": rates,
        "indicators_chart": _pass_rates(code, rates) if rates else "",
        "region": region,
        "data": data,
        "h": data.headline,
        "computed_at": data.computed_at,
        "links": {
            "all": households_url(region=code),
            "registered": households_url(region=code, status="registered"),
            "exited": households_url(region=code, status="exited"),
            "remaining": households_url(region=code, status="remaining"),
        },
        "coverage": [(gap_title(r.code, data.policy), r, households_url(region=code, status="registered", gap=r.code))
                     for r in data.coverage],
        "as_of": (_("As of %(day)s (the %(year)s assessment's reference date)") % {
            "day": data.policy.day.isoformat(), "year": data.policy.year}
            if data.policy is not None and data.policy.year is not None else ""),
        "poor_villages": poor_villages(region),
        **_charts(data, code, role),
    })


@viewer_required()
def dashboard_view(request: HttpRequest, viewer: Viewer, code: str) -> HttpResponse:
    region = region_for(viewer, code)
    run = latest_run()
    data = dashboard(region)
    # Rendered once per computation of the figures, assessment run and language, then served from
    # the cache shared by the server processes.
    assert data.computed_at is not None
    key = (f"liangfang:dashboard-html:{region.pk}:{data.computed_at.timestamp()}:{run.pk if run else 0}:"
           f"{run.started_at.timestamp() if run else 0}:{lang()}:{int(viewer.role.health)}")
    body = cache.get(key)
    if body is None:
        body = _body(region, run, data, viewer.role)
        cache.set(key, body, 3600)
    return render(request, "web/dashboard.html", {
        "viewer": viewer, "region": region, "body": mark_safe(body),  # rendered by our own template
        "path": [r for r in region_path(region, viewer.region) if r.pk != region.pk],
    })
