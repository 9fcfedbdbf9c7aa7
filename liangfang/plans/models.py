"""Household plans (一户一策) and person measures (一人一措), their delivery, visits, and projects.

A plan is versioned per household and year: each optimiser run proposes a new version; cadres
accept, change or reject each measure; accepting the plan makes it the plan of record (at most one
per household and year, enforced by the database). Money is in yuan with two decimals.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from ..domain.fields import PLAN_MONEY_FIELDS, fields_by_name
from ..registry.bounds import range_constraints
from ..registry.models import Cadre, Household, Member, Region

_MONEY = fields_by_name(PLAN_MONEY_FIELDS)  # the ranges of every amount below, checked by the database too

PLAN_STATUS = [("proposed", "待确认"), ("accepted", "已确认（现行）"), ("superseded", "已被替代")]
MEASURE_STATUS = [("proposed", "建议"), ("accepted", "同意"), ("changed", "已调整"), ("rejected", "不采纳")]
STAGES = [("close", "达标措施"), ("partial", "部分补齐"), ("accompany", "配套措施")]
PROJECT_KINDS = [("industry", "产业项目"), ("infrastructure", "基础设施项目")]
PROJECT_STATUS = [("planned", "计划"), ("ongoing", "实施中"), ("completed", "已完工"), ("cancelled", "已取消")]


def _money(label: str, **extra: object) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, **extra)  # type: ignore[arg-type]


class PlanRun(models.Model):
    """One optimiser run for an area and a year: the county (or township, village) plan."""

    year = models.PositiveSmallIntegerField("计划年度")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="plan_runs", verbose_name="范围")
    pack = models.CharField("政策包", max_length=60)
    pack_version = models.CharField("政策包版本", max_length=40)
    catalogue_version = models.CharField("措施目录版本", max_length=40)
    budget = _money("预算（元）", null=True, blank=True, help_text="空 = 不限")
    capacities = models.JSONField("容量", default=dict, help_text="本次使用的容量上限（含调整）")
    solver_status = models.CharField("求解状态", max_length=20)
    method = models.CharField("求解方式", max_length=20)
    households_in_need = models.PositiveIntegerField("未达标户数")
    households_lifted = models.PositiveIntegerField("计划达标户数")
    total_cost = _money("总费用（元）")
    summary = models.JSONField("汇总", default=dict)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    created_by = models.CharField("操作人", max_length=80)

    class Meta:
        verbose_name = "帮扶计划测算 plan run"
        verbose_name_plural = "帮扶计划测算 plan runs"
        ordering = ["-created_at", "-id"]
        constraints = range_constraints("plan_run", {"budget": _MONEY["budget"], "total_cost": _MONEY["budget"]})

    def __str__(self) -> str:
        return f"{self.year} {self.region.name} #{self.pk}"


class Plan(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="plans", verbose_name="农户")
    year = models.PositiveSmallIntegerField("计划年度")
    version = models.PositiveIntegerField("版本")
    status = models.CharField("状态", max_length=12, choices=PLAN_STATUS, default="proposed")
    run = models.ForeignKey(PlanRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="plans",
                            verbose_name="测算")
    pack = models.CharField("政策包", max_length=60)
    lifts = models.BooleanField("落实后可达标", default=False)
    feasible = models.BooleanField("措施可使达标", default=False)
    gaps = models.JSONField("未达标指标", default=dict, help_text="{household: [...], members: {id: [...]}}")
    income_gap = _money("收入缺口（元/年）", null=True, blank=True)
    reasons = models.JSONField("不能达标的原因", default=list)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    created_by = models.CharField("生成人", max_length=80)
    accepted_at = models.DateTimeField("确认时间", null=True, blank=True)
    accepted_by = models.CharField("确认人", max_length=80, blank=True)

    class Meta:
        verbose_name = "一户一策 household plan"
        verbose_name_plural = "一户一策 household plans"
        ordering = ["household_id", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year", "version"], name="plan_version_once"),
            models.UniqueConstraint(fields=["household", "year"], condition=Q(status="accepted"),
                                    name="plan_one_of_record_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.household.number} {self.year} v{self.version}"


class PlanMeasure(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures", verbose_name="计划")
    measure = models.CharField("措施", max_length=40, help_text="帮扶措施目录中的代码")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="plan_measures", verbose_name="成员（一人一措）")
    stage = models.CharField("类型", max_length=10, choices=STAGES)
    status = models.CharField("状态", max_length=10, choices=MEASURE_STATUS, default="proposed")
    category = models.CharField("类别", max_length=30)
    cost = _money("费用（元）")
    expected_gain = _money("预计年增收（元）", default=0)
    fund_source = models.CharField("资金来源", max_length=40)
    capacity = models.CharField("占用容量", max_length=40, blank=True)
    fixes = models.JSONField("解决指标", default=list)
    due_date = models.DateField("完成期限")
    reason_zh = models.CharField("说明", max_length=300)
    reason_en = models.CharField("explanation", max_length=300)
    # the subject's facts the explanation quotes, as proposed: the text is rendered again from them
    # and the measure's current cost and gain whenever those change (NULL: proposed before they were kept)
    explain_values = models.JSONField("说明所用数据", null=True, blank=True)
    note = models.CharField("调整说明", max_length=200, blank=True)
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    decided_by = models.CharField("确认人", max_length=80, blank=True)

    class Meta:
        verbose_name = "帮扶措施 plan measure"
        verbose_name_plural = "帮扶措施 plan measures"
        ordering = ["plan_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="plan_measure_cost_not_negative"),
            models.CheckConstraint(condition=Q(expected_gain__gte=0), name="plan_measure_gain_not_negative"),
            *range_constraints("plan_measure", {"cost": _MONEY["cost"], "expected_gain": _MONEY["expected_gain"]}),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.measure}"


class Delivery(models.Model):
    """A measure delivered: when, how much was spent from which fund, and the proof."""

    measure = models.ForeignKey(PlanMeasure, on_delete=models.RESTRICT, related_name="deliveries",
                                verbose_name="措施")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="deliveries",
                                  verbose_name="农户")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries",
                               verbose_name="成员")
    date = models.DateField("落实日期")
    amount = _money("金额（元）")
    fund_source = models.CharField("资金来源", max_length=40)
    proof_note = models.CharField("佐证", max_length=200, help_text="发票、合同、验收单、照片编号等")
    income_year = models.PositiveSmallIntegerField("计入收入年度", null=True, blank=True)
    income_gain = _money("计入年收入（元）", default=0)
    applied = models.JSONField("登记变更", default=dict)
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)
    recorded_by = models.CharField("录入人", max_length=80)

    class Meta:
        verbose_name = "措施落实 delivery"
        verbose_name_plural = "措施落实 deliveries"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="delivery_amount_not_negative"),
            models.UniqueConstraint(fields=["measure"], name="delivery_once_per_measure"),
            *range_constraints("delivery", {"amount": _MONEY["amount"], "income_gain": _MONEY["income_gain"]}),
        ]


class Visit(models.Model):
    """A cadre's visit to a household (走访): when, who, what was found."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="visits", verbose_name="农户")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, null=True, blank=True, related_name="visits",
                              verbose_name="帮扶责任人")
    visitor = models.CharField("走访人", max_length=40)
    date = models.DateField("走访日期", db_index=True)
    findings = models.TextField("走访情况")
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)
    recorded_by = models.CharField("录入人", max_length=80)

    class Meta:
        verbose_name = "走访 visit"
        verbose_name_plural = "走访 visits"
        ordering = ["-date", "-id"]


class Project(models.Model):
    """An industry or infrastructure project with its budget, funds, villages and beneficiaries."""

    name = models.CharField("项目名称", max_length=120)
    kind = models.CharField("类型", max_length=16, choices=PROJECT_KINDS)
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=12, choices=PROJECT_STATUS, default="planned")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="projects", verbose_name="实施单位区划")
    budget = _money("预算（元）")
    start_date = models.DateField("开工日期", null=True, blank=True)
    end_date = models.DateField("完工日期", null=True, blank=True)
    description = models.TextField("建设内容", blank=True)
    villages = models.ManyToManyField(Region, related_name="village_projects", blank=True, verbose_name="受益村")
    beneficiaries = models.ManyToManyField(Household, related_name="projects", blank=True, verbose_name="受益户")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.CharField("创建人", max_length=80)

    class Meta:
        verbose_name = "项目 project"
        verbose_name_plural = "项目 projects"
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="project_budget_not_negative"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(start_date__isnull=True)
                                   | Q(end_date__gte=models.F("start_date")), name="project_ends_after_start"),
            *range_constraints("project", {"budget": _MONEY["budget"]}),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectFund(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funds", verbose_name="项目")
    fund_source = models.CharField("资金来源", max_length=40)
    amount = _money("安排金额（元）")

    class Meta:
        verbose_name = "项目资金 project fund"
        constraints = [
            models.UniqueConstraint(fields=["project", "fund_source"], name="project_fund_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="project_fund_not_negative"),
            *range_constraints("project_fund", {"amount": _MONEY["fund_amount"]}),
        ]


class ProjectSpending(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="spendings", verbose_name="项目")
    date = models.DateField("支出日期")
    amount = _money("金额（元）")
    fund_source = models.CharField("资金来源", max_length=40)
    note = models.CharField("说明", max_length=200)
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)
    recorded_by = models.CharField("录入人", max_length=80)

    class Meta:
        verbose_name = "项目支出 project spending"
        ordering = ["project_id", "date", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="project_spending_positive"),
                       *range_constraints("project_spending", {"amount": _MONEY["spending"]})]
