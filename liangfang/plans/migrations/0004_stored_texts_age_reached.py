"""Plan texts stored before ages were worded as reached in the year: rewrite them.

A plan's stored explanation and reasons are read by every role. Until 4 December 2026 they said a
member's age on the pack's reference day ("张三（10 岁）", "(age 10)"); beside the birth year a role
shown masked IDs reads, that says on which side of 31 August the birthday falls, a third of the
masked ID's candidates gone. New texts say the age reached in the plan's year ("2020 年满 11 岁"),
which the birth year alone gives (``disclosure.age_value``). This migration rewrites the old ones
the same way, from the member's birth year (the measure's member; for a plan's reasons, the member
the text names, by name or masked ID), and keeps the birth year in the measure's quoted values so
that a later cost change renders the same words. An age whose member cannot be found becomes "—".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import migrations

# "（10 岁" (a measure: "（10 岁，有劳动能力）"; a reason: "张三（10 岁）"), never "（2020 年满 11 岁"
_ZH = re.compile(r"（([0-9]{1,3}) 岁")
# "(age 10," / "(age 10)", never "(age 11 in 2020)"
_EN = re.compile(r"\(age ([0-9]{1,3})(?=[,)])")
# a reason names its member before the age: "…（张三（10 岁））", "… (张三 (age 10))"
_WHO_ZH = re.compile(r"([^（）()，,；;：:\s]+)（([0-9]{1,3}) 岁）")
_WHO_EN = re.compile(r"([^（）()，,；;：:\s]+) \(age ([0-9]{1,3})\)")


def _reached(year: int, born: int | None) -> tuple[str, str]:
    if born is None:
        return "— 岁", "age —"
    return f"{year} 年满 {year - born} 岁", f"age {year - born} in {year}"


def measure_texts(zh: str, en: str, year: int, born: int | None) -> tuple[str, str]:
    """A measure's explanation with its member's age as reached in ``year``."""
    words_zh, words_en = _reached(year, born)
    return (_ZH.sub(lambda m: f"（{words_zh}", zh)[:300], _EN.sub(lambda m: f"({words_en}", en)[:300])


def reason_text(text: str, year: int, born_of: Callable[[str], int | None]) -> str:
    """A plan's reason with each named member's age as reached in ``year``."""
    text = _WHO_ZH.sub(lambda m: f"{m.group(1)}（{_reached(year, born_of(m.group(1)))[0]}）", text)
    return _WHO_EN.sub(lambda m: f"{m.group(1)} ({_reached(year, born_of(m.group(1)))[1]})", text)


def _masked(resident_id: str) -> str:
    return resident_id[:6] + "*" * 8 + resident_id[14:] if len(resident_id) == 18 else resident_id


def _born_of(years: dict[str, set[int]], who: str) -> int | None:
    """The birth year of the member a reason names, when exactly one fits."""
    found = years.get(who, set())
    return next(iter(found)) if len(found) == 1 else None


def rewrite(apps: Any, schema_editor: Any) -> None:
    PlanMeasure = apps.get_model("plans", "PlanMeasure")
    Plan = apps.get_model("plans", "Plan")
    Member = apps.get_model("registry", "Member")
    maybe = PlanMeasure.objects.filter(reason_zh__contains=" 岁") | PlanMeasure.objects.filter(
        reason_en__contains="(age ")
    for m in maybe.select_related("plan", "member").iterator(chunk_size=2000):
        if not (_ZH.search(m.reason_zh) or _EN.search(m.reason_en)):
            continue
        born = m.member.birth_date.year if m.member is not None and m.member.birth_date else None
        m.reason_zh, m.reason_en = measure_texts(m.reason_zh, m.reason_en, m.plan.year, born)
        if isinstance(m.explain_values, dict) and "age" in m.explain_values and not m.explain_values.get("birth_year"):
            m.explain_values = {**m.explain_values, "birth_year": born}
        m.save(update_fields=["reason_zh", "reason_en", "explain_values"])
    for plan in Plan.objects.exclude(reasons=[]).iterator(chunk_size=2000):
        texts = [str(r.get(k, "")) for r in plan.reasons if isinstance(r, dict) for k in ("zh", "en")]
        if not any(_WHO_ZH.search(t) or _WHO_EN.search(t) for t in texts):
            continue
        members = list(Member.objects.filter(household_id=plan.household_id).values_list(
            "name", "resident_id", "birth_date"))
        years: dict[str, set[int]] = {}
        for name, rid, birth in members:
            for key in (name, _masked(rid)):
                if key and birth:
                    years.setdefault(key, set()).add(birth.year)
        born_of = partial(_born_of, years)
        plan.reasons = [{**r, **{k: reason_text(str(r[k]), plan.year, born_of) for k in ("zh", "en") if k in r}}
                        if isinstance(r, dict) else r for r in plan.reasons]
        plan.save(update_fields=["reasons"])


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0003_plan_measure_explain_values"),
        ("registry", "0011_usable_member_resident_id_tail"),
    ]

    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop)]
