"""What a decided case does, per effect named in the pack (``procedures.<kind>.effect``), and what
a subject must be for a case of that kind to open. A table of effects, not an if-chain on kinds:
another app adds its own with ``register_effect`` (in its ``AppConfig.ready``).

An effect's ``apply`` writes through the registry services (``household_status_decide`` for the
governed fields), inside the transaction of the announcement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from ..audit.changelog import record_change
from ..domain.text import Text
from ..registry.models import Household, Region
from ..registry.services.status import household_status_decide, households_status_decide

Subject = Household | Region


@dataclass(frozen=True)
class Effect:
    """``subject``: what the case lists. ``refusal(subject, year)``: why this subject cannot be on a
    case (a bilingual sentence), or None. ``apply(subject, year, on, case_ref, by)``: the decision."""

    subject: Literal["household", "village"]
    refusal: Callable[[Subject, int], str | None]
    apply: Callable[[Subject, int, dt.date, str, str], None]
    proposed_zh: str = ""  # the decision as a notice words it (拟退出); default 拟 + the procedure's name
    decided_zh: str = ""  # as the announcement words it (脱贫退出); default the procedure's name
    # The decision for a whole list at once, when it can be written faster than one by one.
    apply_many: Callable[[Sequence[Subject], int, dt.date, str, str], None] | None = None

    def apply_all(self, subjects: Sequence[Subject], year: int, on: dt.date, case_ref: str, by: str) -> None:
        if self.apply_many is not None:
            self.apply_many(subjects, year, on, case_ref, by)
            return
        for s in subjects:
            self.apply(s, year, on, case_ref, by)


EFFECTS: dict[str, Effect] = {}


def register_effect(name: str, effect: Effect) -> None:
    if name in EFFECTS and EFFECTS[name] != effect:
        raise ValueError(f"effect {name!r} is already registered")
    EFFECTS[name] = effect


def effect(name: str) -> Effect:
    try:
        return EFFECTS[name]
    except KeyError:
        raise KeyError(
            Text(f"程序效果 {name!r} 未登记", f"no effect registered as {name!r}; known: {', '.join(sorted(EFFECTS))}")
        ) from None


# -- the 2014–2020 kinds --------------------------------------------------------------------------


def _exit_refusal(subject: Subject, year: int) -> str | None:
    assert isinstance(subject, Household)
    if subject.status in ("not_exited", "relapsed"):
        return None
    if subject.status == "exited" and subject.status_via == "imported" and subject.exit_year == year:
        return None  # the procedure of an exit brought in as a historic record, recorded after the fact
    return Text(
        f"农户 {subject.number} 的状态是「{subject.get_status_display()}」，不能退出",
        f"household {subject.number} is {subject.status}: only a not-exited or relapsed household can exit",
    )


def _exit_apply(subject: Subject, year: int, on: dt.date, case_ref: str, by: str) -> None:
    _exit_apply_many([subject], year, on, case_ref, by)


def _exit_apply_many(subjects: Sequence[Subject], year: int, on: dt.date, case_ref: str, by: str) -> None:
    households = [s for s in subjects if isinstance(s, Household)]
    assert len(households) == len(subjects)
    households_status_decide(
        households=households, values={"status": "exited", "exit_year": year}, on=on, case_ref=case_ref, by=by
    )


def _identification_refusal(subject: Subject, year: int) -> str | None:
    assert isinstance(subject, Household)
    if not subject.is_registered:
        missing = [f for f in ("poverty_attribute", "main_cause", "identification_standard") if not getattr(subject, f)]
        if missing:
            return Text(
                f"农户 {subject.number} 缺少 {', '.join(missing)}，请先在农户页填写",
                f"household {subject.number} lacks {', '.join(missing)}: fill them on the household page first",
            )
        return None
    if subject.status_via == "imported" and subject.first_identified_on and subject.first_identified_on.year == year:
        return None
    return Text(f"农户 {subject.number} 已是建档立卡户", f"household {subject.number} is already registered")


def _identification_apply(subject: Subject, year: int, on: dt.date, case_ref: str, by: str) -> None:
    assert isinstance(subject, Household)
    values: dict[str, object] = {"is_registered": True, "status": "not_exited", "first_identified_on": on}
    if subject.is_registered:  # an imported registration: keep its own date
        values = {"first_identified_on": subject.first_identified_on}
    household_status_decide(household=subject, values=values, on=on, case_ref=case_ref, by=by)


def _village_exit_refusal(subject: Subject, year: int) -> str | None:
    assert isinstance(subject, Region)
    if not subject.is_poor_village:
        return Text(f"{subject.name} 不是贫困村", f"{subject.name} is not a poor village")
    if subject.exit_year is not None and subject.exit_year != year:
        return Text(f"{subject.name} 已于 {subject.exit_year} 年出列", f"{subject.name} exited in {subject.exit_year}")
    return None


def _village_exit_apply(subject: Subject, year: int, on: dt.date, case_ref: str, by: str) -> None:
    assert isinstance(subject, Region)
    before = subject.exit_year
    Region.objects.filter(pk=subject.pk).update(exit_year=year)
    subject.exit_year = year
    record_change(
        by=by,
        action="procedure_decision",
        entity="region",
        entity_id=subject.pk,
        changes={"exit_year": [before, year], "decided_on": on},
        note=case_ref,
    )


register_effect(
    "household_exit", Effect("household", _exit_refusal, _exit_apply, "拟脱贫退出", "脱贫退出", _exit_apply_many)
)
register_effect(
    "household_identification",
    Effect("household", _identification_refusal, _identification_apply, "拟识别为贫困户", "识别为贫困户（建档立卡）"),
)
register_effect("village_exit", Effect("village", _village_exit_refusal, _village_exit_apply, "拟出列", "贫困村出列"))
