"""Which monitoring pack a region uses: the shipped Jilin example by default, or the pack named by
``LIANGFANG_MONITORING_PACK`` (a shipped name or a file path)."""

from __future__ import annotations

import os

from ..policy.monitoring import MonitoringPack, load_monitoring_pack

DEFAULT_PACK = "jilin-monitoring-2021"


def monitoring_pack_name() -> str:
    return os.environ.get("LIANGFANG_MONITORING_PACK", DEFAULT_PACK)


def current_monitoring_pack() -> MonitoringPack:
    return load_monitoring_pack(monitoring_pack_name())
