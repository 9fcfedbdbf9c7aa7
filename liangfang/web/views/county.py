"""A county's figures explained (县级指标说明): the county's verdict and indicators in the year's
assessment, the third-party verification figures with their intervals, and the registry's
poverty measures with standard errors, each saying how it is computed and from which data."""

from __future__ import annotations

import math
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ...measures.arguments import MeasureError
from ...measures.design import Estimate
from ...policy import load_pack
from ..permissions import Viewer, region_for, viewer_required
from ..selectors.county import county_explanation
from ..selectors.detail import region_path
from ..text import is_zh

DEFAULT_PACK = "cn-national"


def _row(name: str, how: str, estimate: Estimate | MeasureError, scale: float = 1.0, digits: int = 4) -> dict[str, str]:
    if isinstance(estimate, MeasureError):
        why = _("Not defined: %(why)s") % {"why": estimate}
        return {"name": name, "value": "—", "se": "—", "ci": "—", "how": f"{how} {why}"}
    e = estimate.scaled(scale)
    return {"name": name, "value": f"{e.value:.{digits}f}",
            "se": "—" if math.isnan(e.se) else f"{e.se:.{digits}f}",
            "ci": "—" if math.isnan(e.low) else f"{e.low:.{digits}f} – {e.high:.{digits}f}", "how": how}


def _measure_rows(report: Any) -> list[dict[str, str]]:
    whole = report.measures.groups[0]
    rows = [
        _row(_("Income headcount ratio FGT(0), percent"),
             _("Share of people whose household's per-capita net income is below the line; interval: "
               "Clopper–Pearson on the effective sample size (Korn–Graubard)."), whole.income["fgt0"], 100, 2),
        _row(_("Poverty gap FGT(1)"), _("Mean shortfall from the line as a share of the line, the non-poor counting "
                                        "zero."), whole.income["fgt1"]),
        _row(_("Squared poverty gap FGT(2)"), _("Mean squared relative shortfall: weighs the poorest most."),
             whole.income["fgt2"]),
        _row(_("Gini coefficient"), _("Inequality of per-capita income among people, 0 (equal) to 1."),
             whole.income["gini"]),
    ]
    af = whole.alkire_foster
    if not isinstance(af, MeasureError):
        rows += [
            _row(_("Multidimensional headcount H, percent"),
                 _("Share of people deprived in at least a third of the 两不愁三保障 indicators (equal weights); "
                   "interval as for FGT(0)."), af.H, 100, 2),
            _row(_("Multidimensional index M0 = H·A"), _("H times the mean share of indicators the poor are "
                                                         "deprived in (Alkire–Foster)."), af.M0),
        ]
    return rows


@viewer_required()
def county_explanation_view(request: HttpRequest, viewer: Viewer, code: str) -> HttpResponse:
    county = region_for(viewer, code)
    if county.level != "county":
        raise Http404
    pack = load_pack(DEFAULT_PACK)
    first, last = pack.years
    raw = request.GET.get("year", "")
    context: dict[str, Any] = {"viewer": viewer, "region": county, "first": first, "last": last,
                               "path": [r for r in region_path(county, viewer.region) if r.pk != county.pk]}
    if raw and not (raw.isdigit() and first <= int(raw) <= last):
        context.update(year=raw, error=_("The year must be a number from %(first)s to %(last)s.")
                       % {"first": first, "last": last})
        return render(request, "web/county_explanation.html", context, status=400)
    year = int(raw) if raw else last
    found = county_explanation(county, pack, year, "zh" if is_zh() else "en")
    context.update(year=year, found=found, rows=_measure_rows(found.report) if found.report is not None else [])
    return render(request, "web/county_explanation.html", context)
