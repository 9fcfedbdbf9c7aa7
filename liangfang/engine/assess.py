"""The one entry to an assessment for every engine and caller: the pack guarded for the year,
compiled, its statements planned for the session's dialect and run, the sinks' statements after."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..domain.problems import Problem, ValidationFailed
from ..policy.schema import Pack
from ..policy.years import pack_for_year
from .compiled import CompiledPack, CompileError, compile_pack
from .session import Session, run_steps
from .statements import StatementPlanner, Step, Verification

Progress = Callable[[str, int, int], None]


def compile_for_year(pack: str | Pack, year: int) -> CompiledPack:
    """The pack compiled for ``year``, after ``pack_for_year``; ValidationFailed lists what is wrong."""
    policy = pack_for_year(pack, year)
    try:
        return compile_pack(policy, year)
    except CompileError as err:
        raise ValidationFailed([Problem(f"{p.level}.{p.indicator}.{p.field}", policy.pack, p.message)
                                for p in err.problems]) from None


def assess(session: Session, compiled: CompiledPack, *, verification: tuple[Verification, ...] = (),
           lazy: frozenset[str] | None = None, sinks: Sequence[Step] = (), progress: Progress | None = None,
           only: str | None = None) -> None:
    """Run the assessment of ``compiled`` in ``session`` (results in its ``lf_`` relations), then
    ``sinks`` (statements that store them). ``only``: a table (``household_id``) of the households
    to assess, alone: their results without any area's (``sql_sink(households_only=True)``)."""
    steps = StatementPlanner(compiled, session.dialect, verification, lazy, only).steps()
    run_steps(session, [*steps, *sinks], progress)
