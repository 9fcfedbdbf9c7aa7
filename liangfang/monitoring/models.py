"""Monitoring models: a household's months, leads (线索) with their source, monitoring objects.

A monitoring object's dates in and out and the household's monitoring type change only through
``services.objects`` (called by the identification and risk-elimination procedures).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.db.models.functions import Mod
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual

from ..registry.models import Household
from .codes import CHANNELS, LEAD_STATUSES, SHOCKS, choices

MONTH_MIN, MONTH_MAX = 201001, 210012


def _money(label: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=Decimal(0))


MONEY_FIELDS = ("wage_income", "business_income", "property_income", "transfer_assistance", "transfer_other",
                "business_expense", "medical_cost", "schooling_cost")


class HouseholdMonth(models.Model):
    """One month of a household's income, its large unavoidable expenses and the shock, if any."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="months", verbose_name="农户")
    month = models.PositiveIntegerField("月份（YYYYMM）")
    wage_income = _money("工资性收入")
    business_income = _money("生产经营性收入")
    property_income = _money("财产性收入")
    transfer_assistance = _money("低保金、特困供养金")
    transfer_other = _money("其他转移性收入")
    business_expense = _money("生产经营性支出")
    medical_cost = _money("合规自付医疗费用")
    schooling_cost = _money("教育支出")
    shock = models.CharField("突发变故", max_length=16, choices=choices(SHOCKS), default="none")

    class Meta:
        verbose_name = "月度收支 household month"
        verbose_name_plural = "月度收支 household months"
        ordering = ["household_id", "month"]
        indexes = [models.Index(fields=["month", "household"], name="household_month_by_month")]
        constraints = [
            models.UniqueConstraint(fields=["household", "month"], name="household_month_once"),
            models.CheckConstraint(condition=Q(month__gte=MONTH_MIN, month__lte=MONTH_MAX),
                                   name="household_month_in_range"),
            models.CheckConstraint(condition=GreaterThanOrEqual(Mod("month", 100), 1), name="household_month_from_1"),
            models.CheckConstraint(condition=LessThanOrEqual(Mod("month", 100), 12), name="household_month_to_12"),
            models.CheckConstraint(condition=Q(**{f"{f}__gte": 0 for f in MONEY_FIELDS}),
                                   name="household_month_amounts_not_negative"),
            models.CheckConstraint(condition=Q(shock__in=list(SHOCKS)), name="household_month_shock_in_list"),
        ]


class LeadBatch(models.Model):
    """A department's list, uploaded as a workbook (later: pushed through an API)."""

    department = models.CharField("部门", max_length=60)
    file_name = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("文件摘要", max_length=64)
    rows = models.PositiveIntegerField("行数")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.CharField("上传人", max_length=80)

    class Meta:
        verbose_name = "部门预警批次 department batch"
        verbose_name_plural = "部门预警批次 department batches"


class Lead(models.Model):
    """A risk clue about a household: where it came from, why, and its deadlines.

    The source is (channel, source_name, source_ref, batch): a department's API will fill the same
    fields (its name, its own record id) without a change to the procedure."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="leads", verbose_name="农户")
    channel = models.CharField("来源渠道", max_length=20, choices=choices(CHANNELS))
    source_name = models.CharField("来源", max_length=60, help_text="部门名称、排查批次或申请人")
    source_ref = models.CharField("来源编号", max_length=60, blank=True)
    batch = models.ForeignKey(LeadBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="leads",
                              verbose_name="批次")
    found_on = models.DateField("发现日期")
    month = models.PositiveIntegerField("筛查月份（YYYYMM）", null=True, blank=True)
    consent_on = models.DateField("授权承诺书签署日期", null=True, blank=True)
    # the signed consent of a self-application, stored like a procedure's attachments (by its hash)
    consent_name = models.CharField("授权承诺书文件名", max_length=200, blank=True)
    consent_type = models.CharField("授权承诺书类型", max_length=60, blank=True)
    consent_size = models.PositiveIntegerField("授权承诺书大小（字节）", null=True, blank=True)
    consent_sha256 = models.CharField("授权承诺书 SHA-256", max_length=64, blank=True)
    category = models.CharField("拟纳入类别", max_length=20)
    risk_types = models.JSONField("风险类型", default=list)
    reasons = models.JSONField("依据", default=list, help_text="[{rule, zh, en}]")
    status = models.CharField("状态", max_length=12, choices=choices(LEAD_STATUSES), default="open")
    home_check_due = models.DateField("入户核查期限")
    identification_due = models.DateField("识别办结期限")
    checked_on = models.DateField("入户核查日期", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    dismissed_reason = models.CharField("排除原因", max_length=200, blank=True)
    case = models.ForeignKey("procedures.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="leads", verbose_name="识别程序")
    created_by = models.CharField("登记人", max_length=80)

    class Meta:
        verbose_name = "监测线索 lead"
        verbose_name_plural = "监测线索 leads"
        ordering = ["-found_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=list(CHANNELS)), name="lead_channel_in_list"),
            models.CheckConstraint(condition=Q(status__in=list(LEAD_STATUSES)), name="lead_status_in_list"),
            models.CheckConstraint(condition=~Q(channel="self_application") | Q(consent_on__isnull=False),
                                   name="lead_self_application_has_consent"),
            models.CheckConstraint(condition=~Q(status="dismissed") | ~Q(dismissed_reason=""),
                                   name="lead_dismissal_has_reason"),
            models.UniqueConstraint(fields=["household"], condition=Q(status__in=["open", "case"]),
                                    name="lead_one_open_per_household"),
        ]


class MonitoringObject(models.Model):
    """A household's spell as a monitoring object: from its admission to its risk elimination."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="monitoring_objects",
                                  verbose_name="农户")
    lead = models.OneToOneField(Lead, on_delete=models.PROTECT, null=True, blank=True, related_name="object",
                                verbose_name="线索")
    category = models.CharField("类别", max_length=20)
    risk_types = models.JSONField("风险类型", default=list)
    entered_on = models.DateField("纳入日期")
    eliminated_on = models.DateField("风险消除日期", null=True, blank=True)
    entry_case_ref = models.CharField("识别程序", max_length=200, blank=True)
    elimination_case_ref = models.CharField("风险消除程序", max_length=200, blank=True)
    pack = models.CharField("监测政策包", max_length=300,
                            help_text="随系统提供的监测政策包名称，或县级政策包文件的路径")

    class Meta:
        verbose_name = "监测对象 monitoring object"
        verbose_name_plural = "监测对象 monitoring objects"
        ordering = ["household_id", "entered_on"]
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(eliminated_on__isnull=True),
                                    name="monitoring_object_one_open_per_household"),
            models.CheckConstraint(condition=Q(eliminated_on__isnull=True) | Q(eliminated_on__gte=models.F(
                "entered_on")), name="monitoring_object_out_after_in"),
        ]


class MeasureDelivery(models.Model):
    """A delivered plan measure with its catalogue category: a database view over the plans app's
    deliveries (migration 0001), read by the engine as the layout table ``measure_deliveries``."""

    household = models.ForeignKey(Household, on_delete=models.DO_NOTHING, related_name="+")
    delivered_on = models.DateField()
    category = models.CharField(max_length=30)

    class Meta:
        managed = False
        db_table = "monitoring_measuredelivery"
