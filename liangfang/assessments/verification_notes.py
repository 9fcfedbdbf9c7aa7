"""What the county indicators say about figures estimated from a sample: the estimate, its 95%
interval, and whether the interval straddles the pack's threshold (then the sample cannot tell on
which side the county is)."""

from __future__ import annotations

from decimal import Decimal

from ..policy.schema import Pack
from ..registry.models import Region
from .models import CountyVerification

# figure, its fields, its threshold parameter in the pack, whether the threshold is an upper limit, names
FIGURES = (
    ("wrong_exit_rate", "wrong_exit", "wrong_exit_rate_max", True, "错退率", "wrong-exit rate"),
    ("missed_poor_rate", "missed_poor", "missed_poor_rate_max", True, "漏评率", "missed-poor rate"),
    ("public_approval", "approval", "public_approval_min", False, "群众认可度", "public approval"),
)


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def verification_notes(county: Region, year: int, pack: Pack, lang: str = "zh") -> list[str]:
    """One sentence per figure that came from a sample; nothing for figures typed by hand."""
    record = CountyVerification.objects.filter(county=county, year=year).first()
    if record is None or record.sample_id is None:
        return []
    notes = []
    for figure, prefix, parameter, upper, zh, en in FIGURES:
        value = getattr(record, figure)
        low, high, se = (getattr(record, f"{prefix}_{part}") for part in ("low", "high", "se"))
        if value is None or low is None or high is None or parameter not in pack.parameters:
            continue
        limit = Decimal(str(pack.parameters[parameter].value))
        if low <= limit <= high:
            verdict_zh, verdict_en = (f"区间跨过{'上限' if upper else '下限'} {_pct(limit)}，样本不能确定是否达标",
                                      f"the interval straddles the {'limit' if upper else 'minimum'} "
                                      f"{_pct(limit)}: the sample cannot tell whether it is met")
        elif (high < limit) == upper:
            verdict_zh, verdict_en = (f"整个区间{'低于上限' if upper else '高于下限'} {_pct(limit)}",
                                      f"the whole interval is {'below the limit' if upper else 'above the minimum'} "
                                      f"{_pct(limit)}")
        else:
            verdict_zh, verdict_en = (f"整个区间{'高于上限' if upper else '低于下限'} {_pct(limit)}",
                                      f"the whole interval is {'above the limit' if upper else 'below the minimum'} "
                                      f"{_pct(limit)}")
        if lang == "en":
            notes.append(f"{en} {_pct(value)} from sample {record.sample_id} (95% interval {_pct(low)}–{_pct(high)}, "
                         f"SE {se.normalize():f}): {verdict_en}")
        else:
            notes.append(f"{zh} {_pct(value)}，来自样本 {record.sample_id}（95% 置信区间 {_pct(low)}–{_pct(high)}，"
                         f"标准误 {se.normalize():f}）：{verdict_zh}")
    return notes
