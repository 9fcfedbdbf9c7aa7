"""The monthly monitoring report of an area as a workbook (streaming writer): the figures, objects
by category and risk type, the objects open at the month's end, and the leads with their deadlines
(a deadline counted through a year whose holidays are not published is marked provisional, as on
the page). No resident IDs, phones or health facts: the household number identifies a row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..domain.text import Text
from ..registry.models import Household, Region
from ..workbook_writer import WorkbookWriter
from .codes import CHANNELS, LEAD_STATUSES
from .deadlines import stored_deadlines
from .models import Lead, MonitoringObject
from .packs import current_monitoring_pack
from .screening import villages_under
from .selectors import month_bounds, month_figures, open_at
from .services.objects import earliest_elimination

SUMMARY_SHEET = "汇总 summary"
OBJECTS_SHEET = "监测对象 objects"
LEADS_SHEET = "线索 leads"


def write_month_report(path: Path, region: Region, year: int, month: int,
                       today: dt.date | None = None) -> dict[str, int]:
    pack = current_monitoring_pack()
    figures = month_figures(region, year, month, today)
    first, last = month_bounds(year, month)
    villages = villages_under(region) or []
    names = dict(Region.objects.filter(id__in=villages).values_list("id", "name"))
    objects = list(MonitoringObject.objects.filter(open_at(last), household__village_id__in=villages)
                   .select_related("household").order_by("household__number"))
    leads = list(Lead.objects.filter(household__village_id__in=villages, found_on__range=(first, last))
                 .select_related("household").order_by("found_on", "household__number"))
    with WorkbookWriter(path) as book:
        summary = book.add_sheet(SUMMARY_SHEET, freeze_header=True)
        summary.append(["项目 item", "数值 value"], "bold")
        rows: list[tuple[str, object]] = [
            ("区划 region", f"{region.name} {region.code}"),
            ("月份 month", f"{year}-{month:02d}"),
            ("监测线（元）monitoring line (yuan)", pack.monitoring_line(year)),
            ("监测线可靠性 line reliability", pack.monitoring_line_entry(year).source.reliability.value),
            ("月末监测对象（户）objects at month end", figures.objects),
            ("月末监测对象（人）people in objects", figures.people),
            ("本月新增 new this month", figures.new),
            ("本月风险消除 eliminated this month", figures.eliminated),
            ("待办线索 open leads", figures.open_leads),
            ("逾期未入户核查 home checks overdue", figures.overdue_home_checks),
            ("逾期未完成识别 identifications overdue", figures.overdue_identifications),
            ("有开发式措施的对象 objects with a development measure", figures.with_development_measure),
            ("开发式帮扶占比（%）share with a development measure (%)",
             "" if figures.development_share is None else figures.development_share),
        ]
        rows += [(f"类别 {pack.categories[c].name.zh} {pack.categories[c].name.en}", n)
                 for c, n in figures.by_category.items()]
        rows += [(f"风险类型 {pack.risk_types[r].name.zh} {pack.risk_types[r].name.en}", n)
                 for r, n in figures.by_risk_type.items()]
        for label, value in rows:
            summary.append([label, value])
        sheet = book.add_sheet(OBJECTS_SHEET, freeze_header=True)
        sheet.append(["户编号 household", "行政村 village", "类别 category", "风险类型 risk types",
                      "纳入日期 entered", "最早可消除 earliest elimination"], "bold")
        for obj in objects:
            sheet.append([obj.household.number, names.get(obj.household.village_id, ""),
                          pack.categories[obj.category].name.zh if obj.category in pack.categories else obj.category,
                          "、".join(pack.risk_types[r].name.zh for r in obj.risk_types if r in pack.risk_types),
                          obj.entered_on, earliest_elimination(obj)])
        sheet = book.add_sheet(LEADS_SHEET, freeze_header=True)
        sheet.append(["户编号 household", "行政村 village", "渠道 channel", "来源 source", "发现日期 found",
                      "入户核查期限 home check due", "识别期限 identification due",
                      "期限暂定 provisional deadlines", "状态 status", "依据 why"], "bold")
        for lead in leads:
            due = stored_deadlines(pack, lead)
            sheet.append([lead.household.number, names.get(lead.household.village_id, ""),
                          CHANNELS[lead.channel][0], lead.source_name, lead.found_on, lead.home_check_due,
                          lead.identification_due, _provisional(due.provisional), LEAD_STATUSES[lead.status][0],
                          "；".join(r.get("zh", "") for r in lead.reasons)])
    return {"objects": len(objects), "leads": len(leads), "households": Household.objects.filter(
        village_id__in=villages).count()}


def _provisional(note: Text | None) -> str:
    """The mark of a provisional deadline in both languages (a cell of the workbook), or ""."""
    return f"暂定：{note.zh}（provisional: {note.en}）" if note is not None else ""
