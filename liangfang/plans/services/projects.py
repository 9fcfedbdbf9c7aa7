"""Industry and infrastructure projects (项目) and their funds (资金): budget by fund source,
villages and beneficiary households, and spending that may not exceed what each source allotted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from ...audit.changelog import record_change
from ...domain.money import money
from ...domain.problems import Problem, ValidationFailed
from ...domain.text import Text
from ...policy import load_pack
from ...registry.models import Household, Region
from ...registry.selectors import significant_prefix
from ..catalogue import catalogue_for
from ..models import PROJECT_KINDS, PROJECT_STATUS, Project, ProjectFund, ProjectSpending


def fund_sources(pack: str = "cn-national") -> dict[str, str]:
    """Fund source code -> Chinese name, from the catalogue."""
    return {k: v.name.zh for k, v in catalogue_for(load_pack(pack)).catalogue.fund_sources.items()}


def _inside(region: Region, code: str) -> bool:
    return code.startswith(significant_prefix(region)) if region.level != "village" else code == region.code


@transaction.atomic
def project_create(*, name: str, kind: str, year: int, region: Region, budget: Decimal, by: str,
                   funds: Mapping[str, Decimal] | None = None, villages: Iterable[Region] = (),
                   beneficiaries: Iterable[Household] = (), start_date: dt.date | None = None,
                   end_date: dt.date | None = None, description: str = "", pack: str = "cn-national") -> Project:
    """A project with its budget split by fund source (the split must add up to the budget)."""
    funds = dict(funds or {})
    villages, beneficiaries = list(villages), list(beneficiaries)
    problems = []
    if not name.strip() or len(name.strip()) > 120:
        problems.append(Problem("name", name, Text("项目名称不能为空，最多 120 字", "a name of 1–120 characters")))
    if kind not in dict(PROJECT_KINDS):
        problems.append(Problem("kind", kind, Text("类型应为 industry（产业）或 infrastructure（基础设施）",
                                                   "kind must be "
                                                   "industry or infrastructure")))
    checked_budget = money("budget", budget, problems)
    known = fund_sources(pack)
    before = len(problems)
    for source, amount in funds.items():
        if source not in known:
            problems.append(Problem("funds", source, Text(f"未知的资金来源（可用：{', '.join(known)}）",
                                                          "unknown fund source")))
        checked = money("fund_amount", amount, problems, field="funds")
        if checked is not None:
            funds[source] = checked
    if funds and checked_budget is not None and len(problems) == before and sum(funds.values(), Decimal(0)) != budget:
        problems.append(Problem("funds", sum(funds.values(), Decimal(0)), Text(f"各资金来源合计应等于预算 {budget} 元",
                                                                               "the fund sources "
                                                                               "must add up to the budget")))
    if region.level not in ("county", "township", "village"):
        problems.append(Problem("region", region.code, Text("实施单位应为县、乡镇或行政村",
                                                            "a county, township or village")))
    for v in villages:
        if v.level != "village" or not _inside(region, v.code):
            problems.append(Problem("villages", v.code, Text(f"{v.name} 不是 {region.name} 的行政村",
                                                             "not a village of "
                                                             f"{region.name}")))
    village_ids = {v.pk for v in villages}
    for h in beneficiaries:
        if (village_ids and h.village_id not in village_ids) or not _inside(region, h.village.code):
            problems.append(Problem("beneficiaries", h.number, Text("受益户不在项目受益村内",
                                                                    "the household is not in the "
                                                                    "project's villages")))
    if start_date and end_date and end_date < start_date:
        problems.append(Problem("end_date", end_date, Text("完工日期早于开工日期", "ends before it starts")))
    if problems:
        raise ValidationFailed(problems)
    project = Project.objects.create(name=name.strip(), kind=kind, year=year, region=region, budget=budget,
                                     start_date=start_date, end_date=end_date, description=description,
                                     created_by=by[:80])
    project.villages.set(villages)
    project.beneficiaries.set(beneficiaries)
    ProjectFund.objects.bulk_create([ProjectFund(project=project, fund_source=s, amount=a) for s, a in funds.items()])
    record_change(by=by, action="create", entity="project", entity_id=project.pk, changes={
        "name": project.name, "kind": kind, "year": year, "budget": budget, "funds": {k: str(v) for k, v in
                                                                                       funds.items()},
        "villages": len(villages), "beneficiaries": len(beneficiaries)})
    return project


@transaction.atomic
def project_status_set(*, project: Project, status: str, by: str, end_date: dt.date | None = None) -> Project:
    if status not in dict(PROJECT_STATUS):
        raise ValidationFailed([Problem("status", status, Text(f"状态应为 {', '.join(dict(PROJECT_STATUS))} 之一",
                                                               "unknown status"))])
    before = project.status
    project.status = status
    if end_date is not None:
        project.end_date = end_date
    project.save(update_fields=["status", "end_date"])
    record_change(by=by, action="update", entity="project", entity_id=project.pk,
                  changes={"status": [before, status], "end_date": end_date})
    return project


@transaction.atomic
def project_spend(*, project: Project, date: dt.date, amount: Decimal, fund_source: str, note: str,
                  by: str) -> ProjectSpending:
    """Record spending from one of the project's fund sources, within what that source allotted."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    allotted = dict(project.funds.values_list("fund_source", "amount"))
    problems: list[Problem] = []
    checked = money("spending", amount, problems, field="amount")
    if checked is not None and checked <= 0:
        problems.append(Problem("amount", amount, Text("金额应大于 0", "the amount must be positive")))
    if fund_source not in allotted:
        problems.append(Problem("fund_source", fund_source,
                                Text(f"该项目未安排此资金来源（已安排：{', '.join(allotted) or '无'}）",
                                     "the project has "
                                     "no funds from this source")))
    if not note.strip():
        problems.append(Problem("note", note, Text("请填写支出说明", "say what the money was spent on")))
    if date > dt.date.today():
        problems.append(Problem("date", date, Text("支出日期不能晚于今天", "the date cannot be in the future")))
    if not problems:
        spent = project.spendings.filter(fund_source=fund_source).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        if spent + amount > allotted[fund_source]:
            problems.append(Problem("amount", amount, Text(f"超出该资金来源安排：已支出 {spent} 元，安排 "
                                                           f"{allotted[fund_source]} 元",
                                                           "more than this fund source allotted")))
    if problems:
        raise ValidationFailed(problems)
    spending = ProjectSpending.objects.create(project=project, date=date, amount=amount, fund_source=fund_source,
                                              note=note.strip()[:200], recorded_by=by[:80])
    record_change(by=by, action="spend", entity="project", entity_id=project.pk,
                  changes={"date": date, "amount": amount, "fund_source": fund_source})
    return spending
