"""A region's poverty and inequality measures with standard errors, a Lorenz curve and a poverty-gap
curve: the page of ``liangfang measures`` (the same core, ``liangfang.measures.area``)."""

from __future__ import annotations

import math
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ...assessments.services import database_dialect
from ...disclosure import shows_column
from ...domain.text import Text, message_of
from ...engine.session import dbapi_session
from ...measures.area import DEFAULT_K, area_report
from ...measures.arguments import MeasureError
from ...measures.design import Estimate
from ...measures.estimates import INCOME_MEASURES
from ...measures.report import GROUPINGS
from ...policy import load_pack
from ..charts import curve_chart
from ..permissions import Viewer, region_for, viewer_required
from ..selectors.detail import region_path
from ..text import is_zh, shown

DEFAULT_PACK = "cn-national"
GROUP_NAMES = {"township": ("乡镇", "township"), "village": ("村", "village"), "sex": ("性别", "sex"),
               "age_group": ("年龄组", "age group"), "cause": ("主要致贫原因", "main cause")}


def _t(zh: str, en: str) -> str:
    return zh if is_zh() else en


def _row(name: str, estimate: Estimate | MeasureError) -> dict[str, str]:
    if isinstance(estimate, MeasureError):
        why = _t("无法计算：", "not defined: ") + shown(message_of(estimate))
        return {"name": name, "value": "—", "se": "—", "ci": why}
    ci = "—" if math.isnan(estimate.low) else f"[{estimate.low:.4f}, {estimate.high:.4f}]"
    se = "—" if math.isnan(estimate.se) else f"{estimate.se:.4f}"
    return {"name": name, "value": f"{estimate.value:.4f}", "se": se, "ci": ci}


def _group_rows(report: Any, group: Any) -> list[dict[str, str]]:
    rows = [_row(_t(spec.zh, spec.en), group.income[spec.key]) for spec in INCOME_MEASURES]
    af = group.alkire_foster
    if isinstance(af, MeasureError):
        rows.append({"name": "Alkire–Foster", "value": "—", "se": "—", "ci": shown(message_of(af))})
        return rows
    k = report.measures.k
    rows += [_row(_t(f"多维贫困发生率 H（k={k:.3g}）", f"multidimensional headcount H (k={k:.3g})"), af.H),
             _row(_t("平均剥夺份额 A", "intensity A"), af.A), _row(_t("多维贫困指数 M0 = H·A", "M0 = H·A"), af.M0)]
    rows += [_row(_t(f"删减剥夺率：{d.zh}", f"censored headcount: {d.en}"), e)
             for d, e in zip(report.dimensions, af.censored_headcounts, strict=True)]
    rows += [_row(_t(f"对 M0 的贡献：{d.zh}", f"contribution to M0: {d.en}"), e)
             for d, e in zip(report.dimensions, af.contributions, strict=True)]
    return rows


def _number(raw: str | None, name: str, kind: type = float) -> Any:
    if raw in (None, ""):
        return None
    try:
        value = kind(raw)
    except ValueError:
        raise MeasureError(name, Text(f"不是数字：{raw!r}", f"not a number: {raw!r}")) from None
    if isinstance(value, float) and not math.isfinite(value):
        raise MeasureError(name, Text(f"不是有限数字：{raw!r}", f"not a finite number: {raw!r}"))
    return value


@viewer_required()
def measures_view(request: HttpRequest, viewer: Viewer, code: str) -> HttpResponse:
    region = region_for(viewer, code)
    pack = load_pack(DEFAULT_PACK)
    first, last = pack.years
    # Groups by main cause are health facts (因病, 因残) for a role without them (liangfang/disclosure.py).
    allowed = [g for g in GROUPINGS if g != "cause" or shows_column(viewer.role, "main_cause")]
    context: dict[str, Any] = {"viewer": viewer, "region": region, "groupings": [
        (g, _t(*GROUP_NAMES[g])) for g in allowed],
        "path": [r for r in region_path(region, viewer.region) if r.pk != region.pk], "t": _t,
        "year": request.GET.get("year", ""), "line_given": request.GET.get("line", ""),
        "k_given": request.GET.get("k", ""), "by": request.GET.get("by", "")}
    try:
        year = _number(request.GET.get("year"), "year", int) or last
        if not first <= year <= last:
            raise MeasureError("year", f"{first}–{last}")
        line = _number(request.GET.get("line"), "line")
        k = _number(request.GET.get("k"), "k")
        by = request.GET.get("by") or None
        if by is not None and by not in allowed:
            raise MeasureError("by", ", ".join(allowed))
        context.update(year=year, line_given=line, k_given=k, by=by)
        session = dbapi_session(connection, database_dialect())
        report = area_report(session, pack, year, region.code, line=line, by=by, k=DEFAULT_K if k is None else k,
                             lang="zh" if is_zh() else "en")
    except MeasureError as error:
        context["error"] = shown(message_of(error))
        return render(request, "web/measures.html", context, status=400)
    context.update(
        report=report,
        groups=[(g, _group_rows(report, g)) for g in report.measures.groups],
        lorenz_chart=curve_chart(report.lorenz[0], report.lorenz[1], title=_t("洛伦兹曲线", "Lorenz curve"),
                                 x_label=_t("人口累计份额（由低到高）", "population share, poorest first"),
                                 y_label=_t("收入累计份额", "income share"), diagonal=True),
        tip_chart=curve_chart(report.tip[0], report.tip[1], title=_t("贫困距曲线（TIP）", "poverty-gap (TIP) curve"),
                              x_label=_t("人口累计份额（由低到高）", "population share, poorest first"),
                              y_label=_t("累计标准化贫困距", "cumulated normalised gap"),
                              y_max=max(float(report.tip[1][-1]) * 1.1, 1e-3)),
    )
    return render(request, "web/measures.html", context)
