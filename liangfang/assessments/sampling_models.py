"""Third-party verification samples (第三方评估抽样): the design, the households drawn, their field checks."""

from __future__ import annotations

from django.db import models

from ..registry.models import Household, Region

KIND_CHOICES = [("exited", "已脱贫户 exited"), ("general", "一般农户 general")]


class VerificationSample(models.Model):
    """A sample drawn for a county and year; the design (with its seed) redraws the same households."""

    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="verification_samples",
                               verbose_name="县")
    year = models.PositiveSmallIntegerField("年度")
    design = models.TextField("抽样设计（YAML）")
    seed = models.BigIntegerField("随机种子")
    frame_households = models.PositiveIntegerField("抽样框户数")
    drawn_by = models.CharField("抽样人", max_length=60)
    drawn_at = models.DateTimeField("抽样时间", auto_now_add=True)
    results_imported_at = models.DateTimeField("入户结果导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "第三方评估样本 verification sample"


class SampledHousehold(models.Model):
    """A household drawn, its place in the design, and (once imported) what the field team found."""

    sample = models.ForeignKey(VerificationSample, on_delete=models.CASCADE, related_name="households")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=10, choices=KIND_CHOICES)
    stratum = models.CharField("层", max_length=80)
    cluster = models.CharField("群（村）", max_length=80)
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    weight = models.FloatField("权数")
    village_probability = models.FloatField("村入样概率")
    found = models.BooleanField("找到", null=True)
    people = models.PositiveSmallIntegerField("核实人数", null=True)
    income_per_capita = models.DecimalField("核实人均纯收入", max_digits=12, decimal_places=2, null=True)
    food = models.BooleanField("不愁吃", null=True)
    clothing = models.BooleanField("不愁穿", null=True)
    education = models.BooleanField("义务教育有保障", null=True)
    medical = models.BooleanField("基本医疗有保障", null=True)
    housing = models.BooleanField("住房安全有保障", null=True)
    water = models.BooleanField("饮水安全有保障", null=True)
    approves_policy = models.BooleanField("认可脱贫攻坚政策", null=True)
    approves_measures = models.BooleanField("认可帮扶措施及成效", null=True)
    approves_exit = models.BooleanField("认可脱贫退出", null=True)
    approves_cadres = models.BooleanField("认可干部帮扶", null=True)
    notes = models.CharField("备注", max_length=500, blank=True)

    class Meta:
        verbose_name = "样本户 sampled household"
        constraints = [
            models.UniqueConstraint(fields=["sample", "household"], name="sampled_household_once"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="sampled_household_weight_positive"),
            models.CheckConstraint(condition=models.Q(income_per_capita__gte=-1_000_000,
                                                      income_per_capita__lte=10_000_000)
                                   | models.Q(income_per_capita__isnull=True), name="sampled_household_income_range"),
        ]
        ordering = ["id"]
