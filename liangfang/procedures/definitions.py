"""Procedure definitions, read from the policy pack (``procedures:`` in a pack file)."""

from __future__ import annotations

from ..domain.problems import Problem, ValidationFailed
from ..domain.text import Text
from ..policy.loader import load_pack
from ..policy.schema import NoticePeriod, Pack, Procedure, ProcedureStep

DEFAULT_PACK = "cn-national"


def procedure(kind: str, pack: str | Pack = DEFAULT_PACK, *, year: int | None = None) -> Procedure:
    """The definition of ``kind`` in ``pack``; refused when the pack has none (or not for ``year``)."""
    p = load_pack(pack) if isinstance(pack, str) else pack
    proc = p.procedures.get(kind)
    if proc is None:
        raise ValidationFailed(
            [
                Problem(
                    "kind",
                    kind,
                    Text(
                        f"政策包 {p.pack} 没有程序 {kind!r}；有：{', '.join(p.procedures)}",
                        f"pack {p.pack} defines no procedure {kind!r}; it has: {', '.join(p.procedures)}",
                    ),
                )
            ]
        )
    if year is not None and ((proc.from_year and year < proc.from_year) or (proc.to_year and year > proc.to_year)):
        span = f"{proc.from_year}–{proc.to_year or ''}"
        raise ValidationFailed(
            [
                Problem(
                    "year",
                    year,
                    Text(
                        f"{proc.name.zh} 适用于 {span} 年",
                        f"{proc.name.en} applies to {proc.from_year}–{proc.to_year or ''}",
                    ),
                )
            ]
        )
    return proc


def step_after(proc: Procedure, key: str) -> str:
    """The step that follows ``key``, or "" after the last one."""
    keys = list(proc.steps)
    i = keys.index(key)
    return keys[i + 1] if i + 1 < len(keys) else ""


def first_step(proc: Procedure) -> str:
    return next(iter(proc.steps))


def notice_period(pack: str | Pack, step: ProcedureStep) -> NoticePeriod:
    p = load_pack(pack) if isinstance(pack, str) else pack
    assert step.notice_period is not None
    return p.notice_periods[step.notice_period]
