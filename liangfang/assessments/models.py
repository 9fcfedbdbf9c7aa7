"""Stored assessment results. A run is one (year, pack) assessment; re-running the same year and
pack replaces it, other years and packs stay as history. Results keep plain registry ids (not
foreign keys) so that a later change to the registry never rewrites or blocks past decisions."""

from __future__ import annotations

from django.db import models

from ..policy.schema import Pack
from ..registry.models import Region

STATUS_CHOICES = [("pass", "达标"), ("fail", "未达标"), ("no_data", "无数据"), ("pending", "待核查")]
VERDICT_CHOICES = [("pass", "达标"), ("fail", "未达标"), ("no_data", "无法判定"), ("pending", "待核查")]
LEVEL_CHOICES = [("member", "成员"), ("household", "农户"), ("village", "行政村"), ("county", "县")]


class AssessmentRun(models.Model):
    year = models.PositiveSmallIntegerField("评估年度")
    pack = models.CharField("政策包", max_length=60)
    pack_version = models.CharField("政策包版本", max_length=40)
    # JSON text, not a JSON column: PostgreSQL's jsonb would reorder keys, and the order of
    # indicators in the pack is the order of the explanation
    pack_snapshot = models.TextField("政策包内容", help_text="评估时的政策包（JSON），供日后重现解释")
    engine = models.CharField("引擎", max_length=10)
    summary = models.JSONField("汇总", default=dict)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    run_by = models.CharField("操作人", max_length=60, blank=True)

    class Meta:
        verbose_name = "评估 assessment run"
        verbose_name_plural = "评估 assessment runs"
        ordering = ["-year", "pack"]
        constraints = [models.UniqueConstraint(fields=["year", "pack"], name="assessment_once_per_year_and_pack")]

    def __str__(self) -> str:
        return f"{self.year} {self.pack} {self.pack_version}"

    def policy(self) -> Pack:
        """The pack as it was when this run was made."""
        return Pack.model_validate_json(self.pack_snapshot)


class HouseholdResult(models.Model):
    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="households")
    household_id = models.BigIntegerField("农户")
    village_id = models.BigIntegerField("行政村")
    people = models.PositiveIntegerField("人口")
    verdict = models.CharField("结论", max_length=8, choices=VERDICT_CHOICES)
    # the household's status when assessed: with the verdict it finds 应退未退 and 疑似错退
    status = models.CharField("农户状态", max_length=12, blank=True, default="")
    # when the household alone was assessed again after a change to its data (services.households_reassess);
    # blank: with the run. The area figures stay the run's until the area is assessed again.
    assessed_at = models.DateTimeField("单户重新评估时间", null=True, blank=True)

    class Meta:
        verbose_name = "农户评估结果 household result"
        constraints = [models.UniqueConstraint(fields=["run", "household_id"], name="household_result_once")]
        indexes = [models.Index(fields=["run", "village_id"], name="household_result_village")]


class AreaResult(models.Model):
    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="areas")
    level = models.CharField("层级", max_length=10, choices=LEVEL_CHOICES)
    region_id = models.BigIntegerField("区划")
    parent_id = models.BigIntegerField("上级", null=True)
    people = models.PositiveIntegerField("乡村人口")
    verdict = models.CharField("结论", max_length=8, choices=VERDICT_CHOICES)

    class Meta:
        verbose_name = "村、县评估结果 area result"
        constraints = [models.UniqueConstraint(fields=["run", "level", "region_id"], name="area_result_once")]


class IndicatorResult(models.Model):
    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="indicators")
    level = models.CharField("层级", max_length=10, choices=LEVEL_CHOICES)
    subject_id = models.BigIntegerField("对象")
    indicator = models.CharField("指标", max_length=60)
    status = models.CharField("结果", max_length=8, choices=STATUS_CHOICES)
    applicable = models.PositiveIntegerField("适用人数", null=True)
    failing = models.PositiveIntegerField("未达标人数", null=True)

    class Meta:
        verbose_name = "指标结果 indicator result"
        indexes = [models.Index(fields=["run", "level", "subject_id"], name="indicator_result_subject"),
                   models.Index(fields=["run", "level", "indicator", "status"], name="indicator_result_status")]


class MemberResult(models.Model):
    """A member an indicator applies to and who does not pass it (passing members are implied)."""

    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="members")
    household_id = models.BigIntegerField("农户")
    member_id = models.BigIntegerField("成员")
    resident_id = models.CharField("身份证号码", max_length=18)
    indicator = models.CharField("指标", max_length=60)
    status = models.CharField("结果", max_length=8, choices=STATUS_CHOICES)

    class Meta:
        verbose_name = "成员指标结果 member result"
        indexes = [models.Index(fields=["run", "household_id"], name="member_result_household")]


class FactValue(models.Model):
    """A value behind a result (per-capita income, incidence, …); missing values are not stored."""

    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="values")
    level = models.CharField("层级", max_length=10, choices=LEVEL_CHOICES)
    subject_id = models.BigIntegerField("对象")
    name = models.CharField("事实", max_length=80)
    number = models.DecimalField("数值", max_digits=24, decimal_places=9, null=True)
    text = models.CharField("文本", max_length=40, null=True)

    class Meta:
        verbose_name = "事实值 fact value"
        indexes = [models.Index(fields=["run", "level", "subject_id"], name="fact_value_subject")]


class CountyVerification(models.Model):
    """Third-party verification figures for a county and year: inputs to the county indicators."""

    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="verifications", verbose_name="县")
    year = models.PositiveSmallIntegerField("年度")
    wrong_exit_rate = models.DecimalField("错退率（%）", max_digits=6, decimal_places=3, null=True, blank=True)
    missed_poor_rate = models.DecimalField("漏评率（%）", max_digits=6, decimal_places=3, null=True, blank=True)
    public_approval = models.DecimalField("群众认可度（%）", max_digits=6, decimal_places=3, null=True, blank=True)
    missed_poor_people = models.PositiveIntegerField("漏评人口", null=True, blank=True)
    wrong_exit_people = models.PositiveIntegerField("错退人口", null=True, blank=True)
    source = models.CharField("来源", max_length=200, blank=True)
    sample = models.ForeignKey("VerificationSample", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name="据以估计的样本")
    # From a sample: each rate's standard error and 95% interval (percent), for the county indicators to explain.
    wrong_exit_se = models.DecimalField("错退率标准误", max_digits=6, decimal_places=3, null=True, blank=True)
    wrong_exit_low = models.DecimalField("错退率下限", max_digits=6, decimal_places=3, null=True, blank=True)
    wrong_exit_high = models.DecimalField("错退率上限", max_digits=6, decimal_places=3, null=True, blank=True)
    missed_poor_se = models.DecimalField("漏评率标准误", max_digits=6, decimal_places=3, null=True, blank=True)
    missed_poor_low = models.DecimalField("漏评率下限", max_digits=6, decimal_places=3, null=True, blank=True)
    missed_poor_high = models.DecimalField("漏评率上限", max_digits=6, decimal_places=3, null=True, blank=True)
    approval_se = models.DecimalField("认可度标准误", max_digits=6, decimal_places=3, null=True, blank=True)
    approval_low = models.DecimalField("认可度下限", max_digits=6, decimal_places=3, null=True, blank=True)
    approval_high = models.DecimalField("认可度上限", max_digits=6, decimal_places=3, null=True, blank=True)
    recorded_by = models.CharField("录入人", max_length=60, blank=True)
    recorded_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = "第三方评估数据 verification figures"
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="verification_once_a_year"),
            models.CheckConstraint(condition=models.Q(wrong_exit_rate__gte=0, wrong_exit_rate__lte=100)
                                   | models.Q(wrong_exit_rate__isnull=True), name="verification_wrong_exit_pct"),
            models.CheckConstraint(condition=models.Q(missed_poor_rate__gte=0, missed_poor_rate__lte=100)
                                   | models.Q(missed_poor_rate__isnull=True), name="verification_missed_pct"),
            models.CheckConstraint(condition=models.Q(public_approval__gte=0, public_approval__lte=100)
                                   | models.Q(public_approval__isnull=True), name="verification_approval_pct"),
        ]


# One app, two modules: the verification samples' models live beside, registered through this import.
from .sampling_models import SampledHousehold, VerificationSample  # noqa: E402, F401
