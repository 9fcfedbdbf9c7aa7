"""The change log: who changed what, when; written by services only. Each record is a link of the
hash chain (``liangfang.audit``): ``seq``, ``prev_hash`` and ``hash`` are set in the transaction
that writes it, whichever way it is written (``create``, ``bulk_create`` or the bulk writer)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models, transaction
from django.utils import timezone


class ChainedManager(models.Manager["ChangeRecord"]):
    def bulk_create(self, objs: Iterable[ChangeRecord], *args: Any,  # type: ignore[override]
                    **kwargs: Any) -> list[ChangeRecord]:
        from ...audit.chain import seal_objects

        items = list(objs)
        with transaction.atomic():
            seal_objects(items)
            return super().bulk_create(items, *args, **kwargs)


class ChangeRecord(models.Model):
    # Set when the record is made (not by auto_now_add, which would change it after it was hashed).
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.CharField("操作人", max_length=80)
    action = models.CharField("操作", max_length=40)
    entity = models.CharField("对象类型", max_length=40)
    entity_id = models.BigIntegerField("对象编号", null=True)
    household_number = models.CharField("户编号", max_length=20, blank=True, db_index=True)
    changes = models.JSONField("变更内容", default=dict)
    note = models.CharField("说明", max_length=200, blank=True)
    seq = models.BigIntegerField("链序号", unique=True, editable=False)
    prev_hash = models.CharField("前一哈希", max_length=64, editable=False)
    hash = models.CharField("哈希", max_length=64, editable=False)

    chain_fields: Sequence[str] = ("at", "actor", "action", "entity", "entity_id", "household_number",
                                   "changes", "note")

    objects = ChainedManager()

    class Meta:
        verbose_name = "变更记录 change record"
        verbose_name_plural = "变更记录 change records"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.entity}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A record is written once: sealed into the chain when added, never saved again."""
        from ...audit.chain import seal_objects

        if not self._state.adding:
            raise RuntimeError("a change record is never changed after it was written")
        with transaction.atomic():
            seal_objects([self])
            super().save(*args, **kwargs)


class ChainHead(models.Model):
    """The chain's head: the last seq given out and the hash of that entry (one row, id 1)."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "哈希链头 chain head"
        verbose_name_plural = "哈希链头 chain head"
