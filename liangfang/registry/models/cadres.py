"""Responsible cadres (帮扶责任人) paired with households, and partner departments (包保部门)
paired with villages (全覆盖包保)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from ...domain.codes import choices
from .households import Household
from .regions import Region


class Department(models.Model):
    name = models.CharField("单位名称", max_length=80, unique=True)
    unit_level = models.CharField("单位隶属关系", max_length=12, choices=choices("unit_level"))

    class Meta:
        verbose_name = "包保部门 partner department"
        verbose_name_plural = "包保部门 partner departments"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cadre(models.Model):
    name = models.CharField("姓名", max_length=40)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="cadres",
        verbose_name="所在单位",
    )
    unit_name = models.CharField("单位名称", max_length=80)
    post = models.CharField("职务", max_length=40, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    unit_level = models.CharField("单位隶属关系", max_length=12, choices=choices("unit_level"))
    resident_id = models.CharField("身份证号码", max_length=18, blank=True)

    class Meta:
        verbose_name = "帮扶责任人 responsible cadre"
        verbose_name_plural = "帮扶责任人 responsible cadres"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit_name}）"


class CadrePairing(models.Model):
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="pairings")
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="cadre_pairings"
    )
    # The household's village, kept equal to it by the pairing services and by an import that moves
    # a household: the cadres paired in a village are then one range of the index below instead
    # of a probe per household of the village (the household list's cadre filter).
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False,
                                editable=False, verbose_name="所在村")
    start_date = models.DateField("帮扶开始日期")
    end_date = models.DateField("帮扶结束日期", null=True, blank=True)

    class Meta:
        verbose_name = "结对帮扶 cadre pairing"
        verbose_name_plural = "结对帮扶 cadre pairings"
        indexes = [
            models.Index(fields=["village", "cadre"], condition=Q(end_date__isnull=True),
                         name="cadre_pairing_open_village"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(end_date__isnull=True),
                name="cadre_pairing_one_open_per_household",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="cadre_pairing_ends_after_start",
            ),
        ]


class DepartmentPairing(models.Model):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="villages")
    village = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="departments")
    start_date = models.DateField("包保开始日期")
    end_date = models.DateField("包保结束日期", null=True, blank=True)

    class Meta:
        verbose_name = "部门包保 department pairing"
        verbose_name_plural = "部门包保 department pairings"
        constraints = [
            models.UniqueConstraint(
                fields=["department", "village"], condition=Q(end_date__isnull=True),
                name="department_pairing_open_once",
            ),
        ]
