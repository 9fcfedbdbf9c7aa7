"""The change log: who changed what, when; written by services only."""

from __future__ import annotations

from django.db import models


class ChangeRecord(models.Model):
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.CharField("操作人", max_length=80)
    action = models.CharField("操作", max_length=40)
    entity = models.CharField("对象类型", max_length=40)
    entity_id = models.BigIntegerField("对象编号", null=True)
    household_number = models.CharField("户编号", max_length=20, blank=True, db_index=True)
    changes = models.JSONField("变更内容", default=dict)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "变更记录 change record"
        verbose_name_plural = "变更记录 change records"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.entity}"
