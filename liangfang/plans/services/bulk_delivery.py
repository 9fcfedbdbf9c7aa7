"""Delivering many accepted plans at once (a township's or county's year-end 验收): the same
service as one delivery (``delivery.deliveries_record``), given many measures."""

from __future__ import annotations

from .delivery import plans_deliver_many

__all__ = ["plans_deliver_many"]
