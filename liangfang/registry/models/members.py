"""A member of a household (家庭成员) with health, schooling, labour and insurance facts."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Right

from ...domain.codes import choices, code_list
from .households import Household
from .periods import RecordedPeriod, period_ordered


class Member(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members", verbose_name="农户"
    )
    resident_id = models.CharField("身份证号码", max_length=18, db_index=True)
    # The last four characters, kept by the database itself whoever writes the row (a service, the
    # bulk writer's COPY, a migration): a search by the end of an ID reads this column's index
    # instead of scanning every member with LIKE '%1234'.
    resident_id_tail = models.GeneratedField(
        expression=Right("resident_id", 4), output_field=models.CharField(max_length=4), db_persist=True,
        verbose_name="身份证号码末四位")
    name = models.CharField("姓名", max_length=40)
    sex = models.CharField("性别", max_length=6, choices=choices("sex"))
    birth_date = models.DateField("出生日期")
    relation = models.CharField("与户主关系", max_length=16, choices=choices("relation"))
    ethnicity = models.CharField("民族", max_length=10, choices=choices("ethnicity"), default="han")
    education = models.CharField("文化程度", max_length=12, choices=choices("education"), blank=True)
    school_status = models.CharField(
        "在校生状况", max_length=18, choices=choices("school_status"), default="not_in_school"
    )
    school_exemption = models.CharField(
        "免于入学情形", max_length=14, choices=choices("school_exemption"), default="none"
    )
    health_status = models.CharField(
        "健康状况", max_length=10, choices=choices("health_status"), default="healthy"
    )
    disability_grade = models.CharField(
        "残疾等级", max_length=4, choices=choices("disability_grade"), default="none"
    )
    health_status_on = models.DateField(
        "健康状况核实日期", null=True, blank=True,
        help_text="此日期之前的评估读历史记录（无记录则视为不详）；空：一直如此 / assessments before this date read "
                  "the history (unknown without one); blank: always so",
    )
    labor_ability = models.CharField(
        "劳动技能", max_length=10, choices=choices("labor_ability"), default="ordinary"
    )
    work_status = models.CharField(
        "务工状况", max_length=16, choices=choices("work_status"), default="none"
    )
    months_worked = models.PositiveSmallIntegerField("务工时间（月）", default=0)
    compulsory_completed = models.BooleanField(
        "已完成义务教育（初中毕业）", default=False,
        help_text="初中毕业后未继续升学者不属于辍学 / finished junior secondary school: not a dropout",
    )
    school_status_on = models.DateField(
        "在校生状况核实日期", null=True, blank=True,
        help_text="在此日期之前的评估不采用此状况 / assessments before this date do not use this status",
    )
    medical_insurance = models.BooleanField("参加城乡居民基本医疗保险", default=False)
    medical_scheme = models.CharField(
        "基本医疗保障类型", max_length=10, choices=choices("medical_scheme"), blank=True,
        help_text="城乡居民医保以外的基本医疗保障（职工医保、新生儿、现役军人）/ other basic medical cover",
    )
    insured_since = models.DateField(
        "参保起始日期", null=True, blank=True,
        help_text="空：参保日期不详，视为一直参保 / blank: date unknown, taken as always covered",
    )
    serious_illness_insurance = models.BooleanField("参加大病保险", default=False)
    pension_insurance = models.BooleanField("参加城乡居民基本养老保险", default=False)
    family_doctor = models.BooleanField("家庭医生签约", default=False)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    joined_on = models.DateField(
        "增员日期", null=True, blank=True,
        help_text="出生、婚入、迁入的日期；空：建档时即在户 / date joined; blank: a member since registration",
    )
    is_active = models.BooleanField("在册", default=True)
    left_reason = models.CharField(
        "减员原因", max_length=12, choices=choices("member_left_reason"), blank=True
    )
    left_on = models.DateField("减员日期", null=True, blank=True)
    # why a member added to a household already registered (增员) joined; when is joined_on above
    joined_reason = models.CharField(
        "增员原因", max_length=12, choices=choices("member_joined_reason"), blank=True
    )

    class Meta:
        verbose_name = "家庭成员 member"
        verbose_name_plural = "家庭成员 members"
        ordering = ["household_id", "id"]
        # compared for equality only: no pattern index beside it on PostgreSQL
        indexes = [models.Index(fields=["resident_id_tail"], name="member_resident_id_tail")]
        constraints = [
            models.UniqueConstraint(
                fields=["resident_id"], condition=Q(is_active=True),
                name="member_resident_id_active_once",
            ),
            models.UniqueConstraint(
                fields=["household"], condition=Q(relation="head", is_active=True),
                name="member_one_head_per_household",
            ),
            models.CheckConstraint(condition=Q(months_worked__lte=12), name="member_months_le_12"),
            models.CheckConstraint(condition=Q(sex__in=code_list("sex").codes),
                                   name="member_sex_in_list"),
            models.CheckConstraint(
                condition=Q(labor_ability__in=code_list("labor_ability").codes),
                name="member_labor_in_list",
            ),
            models.CheckConstraint(
                condition=Q(health_status__in=code_list("health_status").codes),
                name="member_health_in_list",
            ),
            models.CheckConstraint(
                condition=Q(is_active=True) | ~Q(left_reason=""),
                name="member_left_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.household.number}）"


class MemberHealthHistory(RecordedPeriod):
    """A member's health as it was over a period (健康状况历史): written when the status changes, so
    that an assessment of an earlier year reads the health of its reference date, not today's.
    Periods of one member do not overlap: each ends where the next recorded status begins."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="health_history",
                               verbose_name="成员")
    health_status = models.CharField("健康状况", max_length=10, choices=choices("health_status"))
    disability_grade = models.CharField("残疾等级", max_length=4, choices=choices("disability_grade"),
                                        default="none")

    class Meta:
        verbose_name = "健康状况历史 member health history"
        ordering = ["member_id", "valid_to"]
        indexes = [models.Index(fields=["member", "valid_to"], name="member_health_period")]
        constraints = [
            period_ordered("member_health_period_ordered"),
        ]
