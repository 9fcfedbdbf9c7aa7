"""The monitoring app's own code lists (Chinese, English): lead channels and statuses, shocks.
Categories and risk types come from the monitoring pack, not from here."""

from __future__ import annotations

CHANNELS: dict[str, tuple[str, str]] = {
    "self_application": ("农户自主申报", "self-application"),
    "cadre_screening": ("干部排查", "cadre screening"),
    "department_warning": ("部门筛查预警", "department warning"),
}
LEAD_STATUSES: dict[str, tuple[str, str]] = {
    "open": ("待核查", "to check"),
    "case": ("已转识别程序", "in identification"),
    "admitted": ("已纳入监测", "admitted"),
    "dismissed": ("已排除", "dismissed"),
}
SHOCKS: dict[str, tuple[str, str]] = {
    "none": ("无", "none"),
    "illness": ("患病", "illness"),
    "disability": ("致残", "disability"),
    "disaster": ("自然灾害", "disaster"),
    "job_loss": ("失业", "job loss"),
    "crop_failure": ("种养失败", "failed crops or livestock"),
    "accident": ("意外事故", "accident"),
}


def choices(codes: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    return [(code, zh) for code, (zh, _en) in codes.items()]
