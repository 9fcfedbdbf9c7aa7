"""A lead's deadlines in China's working days (the procedures app's calendar), from the pack."""

from __future__ import annotations

import datetime as dt

from ..policy.monitoring import MonitoringPack
from ..procedures.workdays import add_working_days


def lead_deadlines(pack: MonitoringPack, found_on: dt.date) -> tuple[dt.date, dt.date]:
    """(home check due, identification due), counted from the day the lead was found."""
    return (add_working_days(found_on, pack.deadlines["home_check"].working_days),
            add_working_days(found_on, pack.deadlines["identification"].working_days))
