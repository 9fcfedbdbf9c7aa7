"""The assessment on DuckDB over a Parquet registry (the analytic layout), results to Parquet."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from sqlglot import exp

from ..policy.schema import Pack
from .assess import assess, compile_for_year
from .session import Session, duckdb_session, parquet_views
from .sinks import parquet_sink
from .statements import Verification, views
from .summary import summarize


@dataclass
class DuckRun:
    summary: dict[str, Any]
    out_dir: Path
    session: Session


def connect(threads: int | None = None, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit.replace(chr(39), '')}'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    return con


def households_in_scope(session: Session, pack: Pack) -> int:
    query = exp.select(exp.Count(this=exp.Star())).from_(exp.to_table("registry_household"))
    if pack.household_scope == "registered":
        query = query.where(exp.column("is_registered"))
    return int(session.scalar(query) or 0)


def results_dir(data: Path, pack: str, year: int) -> Path:
    return data / "results" / pack / str(year)


def assess_parquet(data: Path, pack: Pack, year: int, *, out: Path | None = None,
                   verification: tuple[Verification, ...] = (), write: bool = True,
                   progress: Callable[[str, int, int], None] | None = None,
                   connection: duckdb.DuckDBPyConnection | None = None) -> DuckRun:
    """Assess the Parquet registry in ``data``; write results under ``out`` (replacing only that
    pack and year) unless ``write`` is false."""
    compiled = compile_for_year(pack, year)
    session = duckdb_session(connection or connect())
    parquet_views(session, data)
    target = out or results_dir(data, pack.pack, year)
    lazy = views("duckdb", households_in_scope(session, pack))
    staging = target.with_name(target.name + ".partial")
    if write:
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
    assess(session, compiled, verification=verification, lazy=lazy,
           sinks=parquet_sink(compiled, staging) if write else (), progress=progress)
    summary = summarize(session)
    if write:
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    return DuckRun(summary, target, session)
