"""Cases (one procedure for one or many households, or villages), their steps, attachments and
notices. Written only by ``services``; ``Step`` is a link of the hash chain (``liangfang.audit``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from ..registry.models import Household, Region

CASE_STATES = [("open", "办理中 open"), ("decided", "已公告 decided"), ("closed", "已终止 closed")]
STEP_ACTIONS = [
    ("open", "立案 opened"), ("done", "完成 done"), ("posted", "张贴公示 posted"),
    ("objection", "异议 objection"), ("resolved", "异议复核 objection resolved"),
    ("approved", "通过 approved"), ("sent_back", "退回 sent back"), ("announced", "公告 announced"),
    ("removed", "移出名单 removed from the list"),
]
NOTICE_TYPES = [("notice", "公示 public notice"), ("announcement", "公告 announcement")]


# The fields of a case the chain seals (``CaseRecord``); the version is left out (it moves on with
# every action, each of which writes a step of its own).
CASE_FIELDS = ("kind", "pack", "pack_version", "year", "region_id_at", "state", "step", "clock_from", "opened_on",
               "opened_by", "decided_on", "subjects")


class Case(models.Model):
    kind = models.CharField("程序类型", max_length=40)
    pack = models.CharField("政策包", max_length=300, help_text="随系统提供的政策包名称，或县级政策包文件的路径")
    pack_version = models.CharField("政策包版本", max_length=40)
    year = models.PositiveSmallIntegerField("年度")
    # The region the case belongs to (the village of its households, the township of its villages):
    # who may see it follows from it.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cases", verbose_name="所属区划")
    state = models.CharField("状态", max_length=10, choices=CASE_STATES, default="open")
    step = models.CharField("当前步骤", max_length=40, blank=True, help_text="待办的步骤；已公告为空")
    clock_from = models.DateField("计时起点", help_text="当前步骤期限的起算日")
    opened_on = models.DateField("立案日期")
    opened_by = models.CharField("立案人", max_length=80)
    decided_on = models.DateField("公告日期", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "程序案件 case"
        verbose_name_plural = "程序案件 cases"
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["state", "step"], name="case_state_step"),
                   models.Index(fields=["kind", "year"], name="case_kind_year")]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["open", "decided", "closed"]), name="case_state_in_list"),
            models.CheckConstraint(condition=Q(state="open") | Q(step=""), name="case_step_only_when_open"),
            models.CheckConstraint(condition=Q(decided_on__isnull=True) | Q(state="decided"),
                                   name="case_decided_on_only_when_decided"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.year}"


class CaseSubject(models.Model):
    """A household (or a village) on a case's list; removed when a re-check takes it off."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="subjects")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="case_subjects")
    village = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="case_subjects")
    removed_on = models.DateField("移出日期", null=True, blank=True)
    removed_reason = models.CharField("移出原因", max_length=400, blank=True)

    class Meta:
        verbose_name = "名单中的对象 case subject"
        verbose_name_plural = "名单中的对象 case subjects"
        constraints = [
            models.CheckConstraint(condition=Q(household__isnull=True) ^ Q(village__isnull=True),
                                   name="case_subject_household_or_village"),
            models.UniqueConstraint(fields=["case", "household"], name="case_subject_household_once"),
            models.UniqueConstraint(fields=["case", "village"], name="case_subject_village_once"),
        ]


class ChainedStepManager(models.Manager["Step"]):
    def bulk_create(self, objs: Iterable[Step], *args: Any, **kwargs: Any) -> list[Step]:  # type: ignore[override]
        from ..audit.chain import seal_objects

        items = list(objs)
        with transaction.atomic():
            seal_objects(items)
            return super().bulk_create(items, *args, **kwargs)


class Step(models.Model):
    """One entry of a case's record: a step done, a notice posted, an objection and its outcome, a
    review's decision. Never changed after it is written (the hash chain would show it)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField("步骤", max_length=40)
    action = models.CharField("动作", max_length=12, choices=STEP_ACTIONS)
    on = models.DateField("日期")
    at = models.DateTimeField("录入时间", default=timezone.now)
    actor = models.CharField("经办人", max_length=80)
    role = models.CharField("角色", max_length=20)
    people = models.CharField("参加人员", max_length=400, blank=True)
    outcome = models.TextField("结果", blank=True)
    reason = models.TextField("理由", blank=True)
    data = models.JSONField("其他", default=dict)
    seq = models.BigIntegerField("链序号", unique=True, editable=False)
    prev_hash = models.CharField("前一哈希", max_length=64, editable=False)
    hash = models.CharField("哈希", max_length=64, editable=False)

    chain_fields: Sequence[str] = ("case_id", "step", "action", "on", "at", "actor", "role", "people",
                                   "outcome", "reason", "data")

    objects = ChainedStepManager()

    class Meta:
        verbose_name = "程序记录 step"
        verbose_name_plural = "程序记录 steps"
        ordering = ["case", "seq"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step} {self.action} {self.on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from ..audit.chain import seal_objects

        if not self._state.adding:
            raise RuntimeError("a step is never changed after it was written")
        with transaction.atomic():
            seal_objects([self])
            super().save(*args, **kwargs)


class CaseRecord(models.Model):
    """What a case was after it was opened and after each change of its state, step, clock or list:
    a link of the hash chain. ``audit verify`` checks that each case row still equals its latest
    record, so a case row edited in the database (its state, step, dates or list) is caught."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField("程序类型", max_length=40)
    pack = models.CharField("政策包", max_length=300)
    pack_version = models.CharField("政策包版本", max_length=40)
    year = models.PositiveSmallIntegerField("年度")
    region_id_at = models.BigIntegerField("所属区划")
    state = models.CharField("状态", max_length=10)
    step = models.CharField("当前步骤", max_length=40, blank=True)
    clock_from = models.DateField("计时起点")
    opened_on = models.DateField("立案日期")
    opened_by = models.CharField("立案人", max_length=80)
    decided_on = models.DateField("公告日期", null=True, blank=True)
    subjects = models.JSONField("名单", default=list, help_text="[农户id, 村id, 移出日期]，按顺序")
    at = models.DateTimeField("记录时间", default=timezone.now)
    seq = models.BigIntegerField("链序号", unique=True, editable=False)
    prev_hash = models.CharField("前一哈希", max_length=64, editable=False)
    hash = models.CharField("哈希", max_length=64, editable=False)

    chain_fields: Sequence[str] = ("case_id", *CASE_FIELDS, "at")

    class Meta:
        verbose_name = "程序案件记录 case record"
        verbose_name_plural = "程序案件记录 case records"
        ordering = ["case", "seq"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        from ..audit.chain import seal_objects

        if not self._state.adding:
            raise RuntimeError("a case record is never changed after it was written")
        with transaction.atomic():
            seal_objects([self])
            super().save(*args, **kwargs)


def case_state(case: Case) -> dict[str, Any]:
    """The sealed fields of ``case`` as its row holds them now (its list read from the database)."""
    return {**{f: getattr(case, f) for f in CASE_FIELDS if f not in ("region_id_at", "subjects")},
            "region_id_at": case.region_id, "subjects": subjects_of([case.pk]).get(case.pk, [])}


def subjects_of(case_ids: Sequence[int] | None = None) -> dict[int, list[list[Any]]]:
    """Each case's list as sealed: [household id, village id, removed on], in id order."""
    qs = CaseSubject.objects.order_by("case_id", "id")
    if case_ids is not None:
        qs = qs.filter(case_id__in=case_ids)
    out: dict[int, list[list[Any]]] = {}
    for case_id, household, village, removed in qs.values_list("case_id", "household_id", "village_id",
                                                               "removed_on").iterator(chunk_size=5000):
        out.setdefault(case_id, []).append([household, village, removed.isoformat() if removed else None])
    return out


def case_seal(case: Case) -> CaseRecord:
    """Seal what ``case`` is now into the chain (in the transaction that changed it)."""
    record = CaseRecord(case=case, **case_state(case))
    record.save()
    return record


class Attachment(models.Model):
    """A document attached to a step (minutes, signed consent, photo), stored by its SHA-256."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    entry = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField("类别", max_length=20)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=60)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    uploaded_by = models.CharField("上传人", max_length=80)
    at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "附件 attachment"
        verbose_name_plural = "附件 attachments"


class Notice(models.Model):
    """A notice posted (公示, with its period) or an announcement (公告) of one or many cases."""

    type = models.CharField("类别", max_length=12, choices=NOTICE_TYPES)
    title = models.CharField("标题", max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="notices", verbose_name="张贴范围")
    posted_on = models.DateField("张贴日期")
    ends_on = models.DateField("公示截止", null=True, blank=True)
    cases = models.ManyToManyField(Case, related_name="notices")
    step = models.CharField("步骤", max_length=40)
    contact = models.CharField("异议受理电话", max_length=40, blank=True)
    created_by = models.CharField("发布人", max_length=80)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "公示公告 notice"
        verbose_name_plural = "公示公告 notices"
        ordering = ["-posted_on", "-id"]
