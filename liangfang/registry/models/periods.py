"""What every dated history of the registry shares: a period with its recorder."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class RecordedPeriod(models.Model):
    """A period over which a value held, from ``valid_from`` (blank: always before) up to but not
    including ``valid_to``, the day the next value holds from; periods of one subject do not
    overlap. Written by the service that overwrites the value, never by hand."""

    valid_from = models.DateField("起始日期", null=True, blank=True,
                                  help_text="空：此前一直如此 / blank: always before")
    valid_to = models.DateField("截止日期（不含）", help_text="the day the next value holds from")
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)
    recorded_by = models.CharField("录入人", max_length=80)

    class Meta:
        abstract = True


def period_ordered(name: str) -> models.CheckConstraint:
    """The database's check that a period ends after it starts."""
    return models.CheckConstraint(condition=Q(valid_from__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                                  name=name)
