"""Procedure definitions, read from the pack that defines the kind (``procedures:`` in a pack file;
which pack: ``packs``, the lookup hook)."""

from __future__ import annotations

from ..domain.problems import Problem, ValidationFailed
from ..domain.text import Text
from ..policy.schema import NoticePeriod, Procedure, ProcedureStep
from .packs import DEFAULT_PACK, ProcedurePack, pack_named

__all__ = ["DEFAULT_PACK", "first_step", "notice_period", "procedure", "step_after"]


def procedure(kind: str, pack: str | ProcedurePack, *, year: int | None = None) -> Procedure:
    """The definition of ``kind`` in ``pack`` (a loaded pack, or a name read by the family that
    defines ``kind``); refused when the pack has none (or not for ``year``)."""
    p = pack_named(kind, pack) if isinstance(pack, str) else pack
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


def notice_period(pack: ProcedurePack, step: ProcedureStep) -> NoticePeriod:
    assert step.notice_period is not None
    return pack.notice_periods[step.notice_period]
