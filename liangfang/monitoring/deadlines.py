"""A lead's deadlines in China's working days, from the pack, counted by the procedures app's
calendar (with the pack's holiday table). A deadline counted through a year whose holidays are not
published (weekends only) or not confirmed is provisional, and says so wherever it is shown, as a
case's deadline does.

>>> d = lead_deadlines(load_monitoring_pack("cn-monitoring-2021"), dt.date(2023, 6, 5))  # doctest: +SKIP
>>> d.home_check, d.identification, d.provisional                                          # doctest: +SKIP
(datetime.date(2023, 6, 12), datetime.date(2023, 7, 4), None)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..domain.text import Text
from ..policy.monitoring import MonitoringPack
from ..procedures.workdays import calendar_for
from .models import Lead


@dataclass(frozen=True)
class LeadDeadlines:
    home_check: dt.date
    identification: dt.date
    # why each date is provisional (counted through a year known only by weekends, or whose
    # holidays are unconfirmed); None when it is final
    home_check_provisional: Text | None = None
    identification_provisional: Text | None = None

    @property
    def provisional(self) -> Text | None:
        """Why the later deadline (so every deadline up to it) is provisional, or None."""
        return self.identification_provisional or self.home_check_provisional


def lead_deadlines(pack: MonitoringPack, found_on: dt.date) -> LeadDeadlines:
    """(home check due, identification due), counted from the day the lead was found."""
    cal = calendar_for(pack)
    home = cal.add_working_days(found_on, pack.deadlines["home_check"].working_days)
    identification = cal.add_working_days(found_on, pack.deadlines["identification"].working_days)
    return LeadDeadlines(home, identification, cal.provisional_between(found_on, home),
                         cal.provisional_between(found_on, identification))


def stored_deadlines(pack: MonitoringPack, lead: Lead) -> LeadDeadlines:
    """A recorded lead's deadlines, each with the calendar's answer now (a year's holidays published
    since the lead was found make its dates final)."""
    cal = calendar_for(pack)
    return LeadDeadlines(lead.home_check_due, lead.identification_due,
                         cal.provisional_between(lead.found_on, lead.home_check_due),
                         cal.provisional_between(lead.found_on, lead.identification_due))
