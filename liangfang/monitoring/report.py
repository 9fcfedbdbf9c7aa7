"""The monthly monitoring report of an area as a workbook (streaming writer): the figures, objects
by category and risk type, the objects open at the month's end, and the leads with their deadlines
(a deadline counted through a year whose holidays are not published is marked provisional, as on
the page). No resident IDs or phones: the household number identifies a row. A file to hand on, its
leads' reasons are those ``reader`` may read (``selectors.lead_reasons``; by default
``disclosure.MASKED``, as ``export --mask``: a count by age in the month is left out). For a reader
without health facts the households' risk types and reasons are left out, and the counts by risk
type too when 因病 or 因残 counts fewer than ``disclosure.SMALL_CELL`` households."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..disclosure import MASKED, Reader, monitoring_risks_shown, risk_counts_withheld
from ..domain.text import Text
from ..registry.models import Household, Region
from ..workbook_writer import WorkbookWriter
from .codes import CHANNELS, LEAD_STATUSES
from .deadlines import stored_deadlines
from .models import Lead, MonitoringObject
from .packs import current_monitoring_pack
from .screening import villages_under
from .selectors import lead_reasons, month_bounds, month_figures, open_at
from .services.objects import earliest_elimination

SUMMARY_SHEET = "汇总 summary"
OBJECTS_SHEET = "监测对象 objects"
LEADS_SHEET = "线索 leads"


def write_month_report(path: Path, region: Region, year: int, month: int,
                       today: dt.date | None = None, reader: Reader = MASKED) -> dict[str, int]:
    pack = current_monitoring_pack()
    figures = month_figures(region, year, month, today)
    first, last = month_bounds(year, month)
    villages = villages_under(region) or []
    names = dict(Region.objects.filter(id__in=villages).values_list("id", "name"))
    objects = list(MonitoringObject.objects.filter(open_at(last), household__village_id__in=villages)
                   .select_related("household").order_by("household__number"))
    leads = list(Lead.objects.filter(household__village_id__in=villages, found_on__range=(first, last))
                 .select_related("household").order_by("found_on", "household__number"))
    risks_shown = monitoring_risks_shown(reader)
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
        if risk_counts_withheld(reader, figures.by_risk_type):
            rows.append(("风险类型 risk types", "不予显示（健康信息，户数过少） withheld (health facts, too few)"))
        else:
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
                          "、".join(pack.risk_types[r].name.zh for r in obj.risk_types if r in pack.risk_types)
                          if risks_shown else "",
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
                          "；".join(r.zh for r in lead_reasons(reader, pack, lead) or [])])
    return {"objects": len(objects), "leads": len(leads), "households": Household.objects.filter(
        village_id__in=villages).count()}


def _provisional(note: Text | None) -> str:
    """The mark of a provisional deadline in both languages (a cell of the workbook), or ""."""
    return f"暂定：{note.zh}（provisional: {note.en}）" if note is not None else ""
