"""A household (户): registered poor (建档立卡户) or general; its housing, water and conditions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from ...domain.codes import choices, code_list
from ...domain.fields import HOUSEHOLD_FIELDS
from ..bounds import bounded, range_constraints
from .periods import RecordedPeriod, period_ordered
from .regions import Region


def _in(field: str, list_name: str, *, nullable: bool = False) -> Q:
    q = Q(**{f"{field}__in": code_list(list_name).codes})
    return q | Q(**{f"{field}__isnull": True}) if nullable else q


STATUS_VIA = [("", "未记录 not recorded"), ("imported", "导入的历史记录 imported record"),
              ("procedure", "程序决定 decided by procedure")]


class Household(models.Model):
    number = models.CharField("户编号", max_length=20, unique=True)
    village = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="households", verbose_name="行政村"
    )
    group_name = models.CharField("村民小组（屯）", max_length=40, blank=True)
    is_registered = models.BooleanField("建档立卡户", default=False, db_index=True)
    status = models.CharField(
        "贫困户状态", max_length=12, choices=choices("household_status"), default="general",
        db_index=True,
    )
    monitoring = models.CharField(
        "监测对象类型", max_length=16, choices=choices("monitoring"), default="none"
    )
    poverty_attribute = models.CharField(
        "贫困户属性", max_length=16, choices=choices("poverty_attribute"), blank=True
    )
    identification_standard = models.CharField(
        "识别标准", max_length=12, choices=choices("identification_standard"), blank=True
    )
    main_cause = models.CharField(
        "主要致贫原因", max_length=20, choices=choices("poverty_cause"), blank=True
    )
    other_cause_1 = models.CharField(
        "其他致贫原因一", max_length=20, choices=choices("poverty_cause"), blank=True
    )
    other_cause_2 = models.CharField(
        "其他致贫原因二", max_length=20, choices=choices("poverty_cause"), blank=True
    )
    first_identified_on = models.DateField("首次识别时间", null=True, blank=True)
    exit_year = models.PositiveSmallIntegerField("脱贫年度", null=True, blank=True)
    # Where the status came from: a procedure of this system (with its announcement's date), or a
    # historic record imported from another system (the status changes only these two ways).
    status_via = models.CharField("状态来源", max_length=10, choices=STATUS_VIA, blank=True)
    status_since = models.DateField("状态生效日期", null=True, blank=True)

    # Contact and payment details are sensitive: masked for roles that do not need them.
    phone = models.CharField("联系电话", max_length=20, blank=True)
    bank_name = models.CharField("开户银行", max_length=40, blank=True)
    bank_account = models.CharField("银行账号", max_length=32, blank=True)

    # 住房安全
    housing_area = models.DecimalField(
        "住房面积（㎡）", max_digits=7, decimal_places=1, null=True, blank=True
    )
    housing_grade = models.CharField(
        "住房安全等级", max_length=1, choices=choices("housing_grade"), blank=True
    )
    housing_appraised_on = models.DateField(
        "住房鉴定日期", null=True, blank=True,
        help_text="在此日期之前的评估不采用此等级 / assessments before this date do not use this grade",
    )
    housing_safety_via = models.CharField(
        "住房安全保障方式", max_length=20, choices=choices("housing_safety_via"), blank=True
    )
    housing_renovated_year = models.PositiveSmallIntegerField(
        "危房改造年度", null=True, blank=True
    )
    relocation_mode = models.CharField(
        "易地搬迁方式", max_length=12, choices=choices("relocation_mode"), default="none"
    )
    relocation_year = models.PositiveSmallIntegerField("搬迁入住年度", null=True, blank=True)

    # 饮水安全 (2018 评价准则: 水量、水质、用水方便程度、供水保证率)
    water_litres_per_day = models.DecimalField(
        "人均日供水量（升）", max_digits=6, decimal_places=1, null=True, blank=True
    )
    water_quality = models.CharField(
        "饮水水质", max_length=8, choices=choices("water_quality"), blank=True
    )
    water_piped = models.BooleanField("自来水入户", null=True, blank=True)
    water_fetch_minutes = models.PositiveSmallIntegerField(
        "往返取水时间（分钟）", null=True, blank=True
    )
    water_days_without = models.PositiveSmallIntegerField(
        "年断水天数", null=True, blank=True
    )
    # 2018 准则: fetching water is convenient within 800 m horizontally or 80 m vertically too
    water_distance_m = models.PositiveIntegerField("取水水平距离（米）", null=True, blank=True)
    water_vertical_m = models.PositiveIntegerField("取水垂直距离（米）", null=True, blank=True)
    water_surveyed_on = models.DateField(
        "饮水核查日期", null=True, blank=True,
        help_text="在此日期之前的评估不采用这些饮水数据 / assessments before this date do not use this water data",
    )

    # 生活条件
    power_living = models.BooleanField("通生活用电", default=True)
    power_production = models.BooleanField("通生产用电", default=False)
    road_type = models.CharField(
        "入户路类型", max_length=10, choices=choices("road_type"), blank=True
    )
    distance_to_main_road_km = models.DecimalField(
        "与村主干路距离（公里）", max_digits=5, decimal_places=1, null=True, blank=True
    )
    sanitary_toilet = models.BooleanField("有卫生厕所", default=False)
    in_cooperative = models.BooleanField("加入农民专业合作社", default=False)

    # 生产条件（亩）
    cultivated_area = models.DecimalField("耕地面积（亩）", max_digits=8, decimal_places=1, default=0)
    irrigated_area = models.DecimalField("有效灌溉面积（亩）", max_digits=8, decimal_places=1, default=0)
    forest_area = models.DecimalField("林地面积（亩）", max_digits=8, decimal_places=1, default=0)
    grassland_area = models.DecimalField("牧草地面积（亩）", max_digits=8, decimal_places=1, default=0)

    version = models.PositiveIntegerField(
        "版本", default=1, help_text="每次保存加一；保存时版本不符说明他人已修改"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "农户 household"
        verbose_name_plural = "农户 households"
        ordering = ["number"]
        indexes = [
            models.Index(fields=["village", "status"], name="household_village_status"),
            # A village's registered households in number order: the list's most used page reads
            # its 50 rows straight from this index instead of filtering the village's every household.
            models.Index(fields=["village", "number"], condition=Q(is_registered=True),
                         name="household_registered_village"),
        ]
        constraints = [
            models.CheckConstraint(condition=_in("status", "household_status"),
                                   name="household_status_in_list"),
            models.CheckConstraint(condition=_in("monitoring", "monitoring"),
                                   name="household_monitoring_in_list"),
            models.CheckConstraint(
                condition=Q(housing_grade="") | _in("housing_grade", "housing_grade"),
                name="household_grade_in_list",
            ),
            models.CheckConstraint(condition=_in("relocation_mode", "relocation_mode"),
                                   name="household_relocation_in_list"),
            models.CheckConstraint(
                condition=Q(is_registered=False, status="general")
                | Q(is_registered=True, status__in=["not_exited", "exited", "relapsed"]),
                name="household_status_matches_registration",
            ),
            models.CheckConstraint(
                condition=Q(other_cause_1="") | ~Q(other_cause_1=models.F("main_cause")),
                name="household_other_cause_1_differs_from_main",
            ),
            models.CheckConstraint(
                condition=Q(other_cause_2="")
                | (~Q(other_cause_2=models.F("main_cause"))
                   & ~Q(other_cause_2=models.F("other_cause_1"))
                   & ~Q(other_cause_1="")),
                name="household_other_cause_2_distinct",
            ),
            models.CheckConstraint(
                condition=Q(exit_year__isnull=True) | Q(status__in=["exited", "relapsed"]),
                name="household_exit_year_only_when_exited",
            ),
            *range_constraints("household", bounded(HOUSEHOLD_FIELDS)),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def other_causes(self) -> list[str]:
        return [c for c in (self.other_cause_1, self.other_cause_2) if c]


class HouseholdStatusHistory(RecordedPeriod):
    """A period of a household's status that its dated fields no longer tell (贫困户状态历史): written
    by the status service when a decision overwrites them (a relapsed household exiting again loses
    its earlier exit year and relapse date), so that a figure of an earlier year reads the status of
    its reference date. Elsewhere the status of a day is read from the dated fields
    (first_identified_on, exit_year, status_since); a period here comes first. Periods of one
    household do not overlap."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="status_history",
                                  verbose_name="农户")
    status = models.CharField("贫困户状态", max_length=12, choices=choices("household_status"))

    class Meta:
        verbose_name = "贫困户状态历史 household status history"
        ordering = ["household_id", "valid_to"]
        indexes = [models.Index(fields=["household", "valid_to"], name="household_status_period")]
        constraints = [
            period_ordered("household_status_period_ordered"),
            models.CheckConstraint(condition=_in("status", "household_status"),
                                   name="household_status_history_in_list"),
        ]
