"""Administrative regions (province → city → county → township → village → group) and the
yearly facilities of a village."""

from __future__ import annotations

from django.db import models

from ...domain.codes import choices, code_list


class Region(models.Model):
    """A division with its 12-digit statistical code (groups/屯 append three digits)."""

    code = models.CharField("区划代码", max_length=15, unique=True)
    name = models.CharField("名称", max_length=60)
    level = models.CharField("层级", max_length=10, choices=choices("region_level"))
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    is_poor_village = models.BooleanField("贫困村", default=False)
    exit_year = models.PositiveSmallIntegerField("出列/摘帽年度", null=True, blank=True)
    is_western = models.BooleanField(
        "西部地区", default=False, help_text="西部地区退出标准为贫困发生率 3%（其余 2%）"
    )

    class Meta:
        verbose_name = "行政区划 region"
        verbose_name_plural = "行政区划 regions"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=code_list("region_level").codes),
                name="region_level_in_list",
            ),
            models.CheckConstraint(
                condition=models.Q(is_poor_village=False) | models.Q(level="village"),
                name="region_poor_flag_only_on_villages",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class VillageFacilities(models.Model):
    """What a village has in a year: roads, water, power, clinic, culture room, collective income."""

    village = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="facilities", verbose_name="行政村"
    )
    year = models.PositiveSmallIntegerField("年度")
    hardened_road = models.BooleanField("通硬化路", default=False)
    hamlet_roads_hardened = models.BooleanField("通屯道路硬化", default=False)
    power_grid = models.BooleanField("通动力电", default=False)
    broadband = models.BooleanField("通宽带", default=False)
    broadcast_tv = models.BooleanField("通广播电视", default=False)
    piped_water = models.BooleanField("集中供水", default=False)
    clinic = models.BooleanField("有标准化卫生室", default=False)
    clinic_doctor = models.BooleanField("卫生室有合格村医", default=False)
    culture_room = models.BooleanField("有文化活动室", default=False)
    service_center = models.BooleanField("有综合服务设施", default=False)
    garbage_collection = models.BooleanField("垃圾集中收运", default=False)
    cooperative = models.BooleanField("有合作社或互助资金组织", default=False)
    work_team = models.BooleanField("有驻村工作队", default=False)
    collective_income = models.DecimalField(
        "村集体经济收入（元）", max_digits=14, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = "村级设施 village facilities"
        verbose_name_plural = "村级设施 village facilities"
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="village_facilities_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.village.name} {self.year}"
