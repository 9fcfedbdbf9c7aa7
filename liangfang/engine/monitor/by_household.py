"""The monitoring plan on DuckDB without joining households' relations: each relation the household
facts read (the members' counts, the running totals at the windows' ends, the open objects and their
stable period, the income record, the household's own columns) is read by itself, its rows are put in
the order of the households read, by household id, and the evaluation runs over that one table.

The facts and rules are the plan's (``MonitorPlanner``), compiled from the pack: only their column
qualifiers change, ``ma.members`` becoming ``x.ma__members`` and so on, over one Arrow table registered
in DuckDB (``lf_mon_assembled``) with a column per relation and column read. Where the plan joins a
relation on the left, a household without a row in it reads NULL here too; a relation with two rows for
one household (which a join would double) is refused. Ids are dense in every layout, so an array over
the round's id range says where each household's row is: no hash table, no 30-million-row join.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from ...domain.text import Text
from ..session import Session
from ..sqlparts import case, col
from ..statements import TABLES
from .compiled import CompiledMonitoring
from .plan import JOINED, MonitorPlanner, MonthsLayout, batch_ranges, work_statement

ASSEMBLED = "lf_mon_assembled"
# Small relations (open objects only, a few per cent of households): made once for every round and
# joined to the assembled table by DuckDB (a hash table of their rows) rather than spread over it.
SMALL = {"ob": "lf_mon_objects", "ms": "lf_mon_stable"}
# Households per round at most: fewer, larger rounds query the files fewer times (at 30 M households,
# rounds of 5 M took 34.5 CPU s against 37.0 for rounds of 2 M; 7.5 M and 10 M gained nothing and
# took more memory). About what a household's arrays take in a round: the assembled table (193 bytes
# at 30 M) and the reads behind it. Two rounds live at once, one read while one is evaluated.
ROUND = 5_000_000
HOUSEHOLD_BYTES = 300


def round_size(limit: int | None) -> int:
    """Households per round: at most ``ROUND``, and so that the two rounds alive at once take at most
    half of DuckDB's memory limit ``limit`` (bytes; None when unknown)."""
    if limit is None:
        return ROUND
    return max(10_000, min(ROUND, limit // (4 * HOUSEHOLD_BYTES)))


def flat_name(alias: str, name: str) -> str:
    """The assembled table's column for column ``name`` of relation ``alias``."""
    return f"{alias}__{name}"


def flatten(node: exp.Expr, aliases: Collection[str], table: str = "x") -> exp.Expr:
    """``node`` with every column of the relations ``aliases`` read from the assembled table instead."""
    def swap(n: exp.Expr) -> exp.Expr:
        if isinstance(n, exp.Column) and n.table in aliases:
            return col(flat_name(n.table, n.name), table)
        return n
    return node.copy().transform(swap)


def columns_of(nodes: list[exp.Expr], aliases: Collection[str]) -> dict[str, list[str]]:
    """The columns each relation of ``aliases`` gives to ``nodes``, in order of first use."""
    used: dict[str, list[str]] = {alias: [] for alias in aliases}
    for node in nodes:
        for c in node.find_all(exp.Column):
            if c.table in used and c.name not in used[c.table]:
                used[c.table].append(c.name)
    return used


def _kept(query: exp.Select, names: Collection[str]) -> exp.Select:
    """``query`` with only its household id and the columns ``names`` (an aggregate's other columns go)."""
    keep = [e for e in query.expressions if e.alias_or_name == "household_id" or e.alias_or_name in names]
    return query.select(*keep, append=False)


@dataclass
class Reading:
    """What the evaluation reads: per relation (alias), its query and the columns taken from it."""

    queries: dict[str, exp.Select] = field(default_factory=dict)
    taken: dict[str, list[str]] = field(default_factory=dict)
    derived: dict[str, exp.Expr] = field(default_factory=dict)  # the months over the totals, when so held
    small: list[str] = field(default_factory=list)  # the small relations joined (``SMALL``)
    household_facts: list[str] = field(default_factory=list)  # facts of the household table alone, read as such


def reading(planner: MonitorPlanner) -> Reading:
    """The relations a round reads, each kept to the columns the evaluated facts use."""
    out = Reading()
    facts = planner.household_columns(planner.evaluated())
    # a fact of the household table alone is computed as the table is read: its value crosses to
    # Arrow and back instead of the columns it reads
    # (a plain column, such as the household's id, is taken as it is)
    out.household_facts = [f.alias_or_name for f in facts if not isinstance(f.unalias(), exp.Column) and
                           not any(names for alias, names in columns_of([f], JOINED).items() if alias != "h")]
    used = columns_of([f for f in facts if f.alias_or_name not in out.household_facts], JOINED)
    if used["mm"] and planner.layout == "totals":
        months = [c for c in planner.months_from_totals_columns() if c.alias_or_name in used["mm"]]
        out.derived = {flat_name("mm", c.alias_or_name): flatten(c.unalias(), ("e", "a", "b")) for c in months}
        totals = columns_of(months, ("e", "a", "b"))
        totals["e"] = ["household_id", *[n for n in totals["e"] if n != "household_id"]]
        for alias, query in planner.totals_read().items():
            if totals[alias]:
                out.queries[alias], out.taken[alias] = _kept(query, totals[alias]), totals[alias]
    elif used["mm"]:
        out.queries["mm"], out.taken["mm"] = _kept(planner.months(), used["mm"]), used["mm"]  # type: ignore[arg-type]
    sources: dict[str, exp.Select] = {"ma": planner.members(), "i": planner.income()}  # type: ignore[dict-item]
    for alias, query in sources.items():
        if used[alias]:
            out.queries[alias], out.taken[alias] = _kept(query, used[alias]), used[alias]
    out.small = [alias for alias in SMALL if used[alias]]
    h = ["id", *[n for n in used["h"] if n != "id"]]
    own = [f.as_(flat_name("hf", f.alias_or_name)) for f in facts if f.alias_or_name in out.household_facts]
    out.queries["h"] = planner.household_rows(exp.select(*[col(n, "h") for n in h], *own)
                                              .from_(exp.to_table(TABLES["household"]).as_("h")))
    out.taken["h"] = h
    return out


def evaluation_over_assembled(planner: MonitorPlanner, plan: Reading, table: pa.Table) -> exp.Expr:
    """The plan's evaluation over ``table`` registered as ``lf_mon_assembled`` (alias ``x``) instead
    of the joined relations."""
    derived: list[exp.Expr] = []
    if plan.derived:
        # a household has months when it has a row at the window's end (``e``), as in the joined plan;
        # when every household has one, the test is left out (it would always hold)
        e = flat_name("e", "household_id")
        present = exp.Not(this=exp.Is(this=col(e, "x"), expression=exp.Null()))
        derived = [(value if table[e].null_count == 0 else case((present, value))).as_(name)
                   for name, value in plan.derived.items()]
    source = exp.select(exp.Star(), *derived).from_(exp.to_table(ASSEMBLED).as_("x"))
    assembled = [alias for alias in JOINED if alias not in plan.small]
    facts = [col(flat_name("hf", c.alias_or_name), "x").as_(c.alias_or_name) if c.alias_or_name in plan.household_facts
             else flatten(c, assembled) for c in planner.household_columns(planner.evaluated())]
    query = exp.select(*facts).from_(source.subquery("x"))
    for alias in plan.small:
        on = exp.EQ(this=col("household_id", alias), expression=col(flat_name("h", "id"), "x"))
        query = query.join(exp.to_table(SMALL[alias]).as_(alias), on=on, join_type="left")
    return planner.evaluation(query.subquery("f"))


def counted(query: exp.Select) -> list[tuple[str, exp.Expr]] | None:
    """For a grouping by household id whose columns only count rows (``COUNT(*)``, ``COUNT(x)``), each
    column's name and the condition under which a row counts; None for any other query."""
    group = query.args.get("group")
    keys = [] if group is None else group.expressions
    if len(keys) != 1 or not isinstance(keys[0], exp.Column) or keys[0].name != "household_id" \
            or query.args.get("having") is not None:
        return None
    out: list[tuple[str, exp.Expr]] = []
    for column in query.expressions:
        if isinstance(column, exp.Column) and column.name == "household_id":
            continue
        count = column.unalias()
        if not isinstance(count, exp.Count) or isinstance(count.this, exp.Distinct):
            return None
        out.append((column.alias_or_name, _counts_when(count.this)))
    return out


def _counts_when(counted_: exp.Expr) -> exp.Expr:
    """The condition under which ``COUNT(counted_)`` counts a row: every row for ``*``; for ``CASE WHEN c
    THEN <a value> END`` (``count_if``), ``c`` itself (a row counts when it is true); else that the
    value is not null."""
    if isinstance(counted_, exp.Star):
        return exp.true()
    ifs = counted_.args.get("ifs") or []
    if isinstance(counted_, exp.Case) and counted_.this is None and counted_.args.get("default") is None \
            and len(ifs) == 1 and isinstance(ifs[0].args.get("true"), exp.Literal):
        return exp.Paren(this=ifs[0].this.copy())
    return exp.Not(this=exp.Is(this=counted_.copy(), expression=exp.Null()))


def _of_households(rows: pa.Table) -> pa.Table:
    """``rows`` without those of no household (a left join would match them to none)."""
    return rows.filter(pc.is_valid(rows["household_id"])) if rows["household_id"].null_count else rows


class Households:
    """The households of a round, in the order read; each relation's columns are put in that order."""

    def __init__(self, rows: pa.Table) -> None:
        self.rows = rows
        self.ids = rows["id"].to_numpy()
        self.low, self.high = (int(self.ids.min()), int(self.ids.max())) if len(self.ids) else (0, -1)
        self.size = self.high - self.low + 1
        self.dense = self.size == len(self.ids) and bool(np.all(np.diff(self.ids) == 1))

    def _slots(self, found: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which of the ids ``found`` fall in this round's range, and their offsets from its lowest id."""
        keep = np.flatnonzero((found >= self.low) & (found <= self.high))
        return keep, found[keep] - self.low

    def aligned(self, rows: pa.Table, alias: str, names: list[str]) -> dict[str, pa.Array | pa.ChunkedArray]:
        """The columns ``names`` of ``rows`` (one row per household at most), a value per household
        read: its row's, or NULL for a household without one (a left join's reading)."""
        rows = _of_households(rows)
        found = rows["household_id"].to_numpy()
        if len(found) == len(self.ids) and np.array_equal(found, self.ids):
            return {name: rows[name] for name in names}
        keep, slots = self._slots(found)
        where = np.full(self.size, -1, dtype=np.int64)
        where[slots] = keep
        if np.count_nonzero(where >= 0) != keep.size:
            raise ValueError(Text(f"监测计算：关系 {alias} 中同一户有两行，无法按户对齐",
                                  f"monitoring run: relation {alias} holds two rows for one household"))
        index = where[self.ids - self.low]
        take = pa.array(index, mask=index < 0)
        # one array first: a take from many chunks is several times slower
        return {name: rows[name].combine_chunks().take(take) for name in names}

    def _counts(self, found: np.ndarray) -> np.ndarray:
        """How many of the household ids ``found`` each household read has."""
        # the round's rows lie in its range (its query says so): no filtering then
        within = not len(found) or (int(found.min()) >= self.low and int(found.max()) <= self.high)
        slots = found - self.low if within else self._slots(found)[1]
        counted_ = np.bincount(slots, minlength=self.size)
        # ids are dense and read in order: the counts are already the households' (no gather)
        return counted_ if self.dense else counted_[self.ids - self.low]

    def tallies(self, con: Any, query: exp.Select, counts: list[tuple[str, exp.Expr]]) -> dict[str, pa.Array]:
        """``query`` (a grouping by household id that only counts rows, see ``counted``), a value per
        household read. For each column DuckDB lists the household ids of the rows that count (its
        condition added to the query's own, which the Parquet reader checks against each column's
        dictionary rather than row by row), and numpy counts them by household id. A household
        without rows reads NULL, as from the grouping joined on the left."""
        rows = query.copy()
        rows.set("group", None)
        rows = rows.select(col("household_id"), append=False)

        def ids(condition: exp.Expr) -> np.ndarray:
            wanted = rows if condition == exp.true() else rows.copy().where(condition.copy())
            return _of_households(con.sql(wanted.sql("duckdb")).to_arrow_table())["household_id"].to_numpy()

        total = self._counts(ids(exp.true()))  # every row: which households have none
        missing = total == 0
        return {name: pa.array(total if condition == exp.true() else self._counts(ids(condition)), pa.int64(),
                               mask=missing) for name, condition in counts}


def _rounds(session: Session, batch: int | None, most: int) -> Iterator[tuple[int, int] | None]:
    """Ranges of household ids of about ``batch`` households, and never more than ``most``."""
    ids = col("id")
    _, rows = session.query(exp.select(exp.Min(this=ids), exp.Max(this=ids.copy()), exp.Count(this=exp.Star()))
                            .from_(exp.to_table(TABLES["household"])))
    low, high, count = rows[0]
    if low is None:
        yield None
        return
    yield from batch_ranges(int(low), int(high), int(count), min(batch or most, most))


_UNITS = {"bytes": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40,
          "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}


def _shown(setting: str) -> tuple[Decimal, Decimal, int] | None:
    """A memory limit as DuckDB shows it ('4.6 GiB'): its number, the last digit's step (0.1) and the
    unit in bytes; None when it cannot be read."""
    match = re.fullmatch(r"\s*([0-9]+(?:\.([0-9]+))?)\s*([A-Za-z]+)\s*", setting)
    if match is None or match.group(3) not in _UNITS:
        return None
    return Decimal(match.group(1)), Decimal(10) ** -len(match.group(2) or ""), _UNITS[match.group(3)]


def memory_limit(setting: str) -> int | None:
    """DuckDB's memory limit (``current_setting('memory_limit')``, such as '4.6 GiB') in bytes; None
    when it cannot be read."""
    shown = _shown(setting)
    return None if shown is None else int(shown[0] * shown[2])


def _restore_memory_limit(con: Any, shown: str) -> None:
    """Put back the memory limit that DuckDB showed as ``shown``. DuckDB gives no exact figure: it
    shows its limit rounded down to a tenth ('2.7 GiB' for 3 GB), and ``SET memory_limit = '2.7GiB'``
    shows as 2.6. The default comes back by RESET; any other limit as the middle of the tenth shown,
    which shows as ``shown`` again, so that runs on one connection do not wear the limit down."""
    con.execute("RESET memory_limit")
    if str(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]) == shown:
        return
    parts = _shown(shown)
    assert parts is not None  # the run's limit was read from it
    number, step, unit = parts
    con.execute(f"SET memory_limit = '{int((number + step / 2) * unit)}B'")


def assembled(con: Any, plan: Reading) -> pa.Table:
    """The round's relations read one by one and put in the order of its households, a column each
    (``<alias>__<column>``), on ``con``: a connection that keeps the files' order (``SET SESSION
    preserve_insertion_order = true``), so that relations stored in the households' order (the
    months' totals) need no reordering."""
    households = Households(con.sql(plan.queries["h"].sql("duckdb")).to_arrow_table())
    columns: dict[str, pa.Array | pa.ChunkedArray] = {flat_name("h", n): households.rows[n] for n in plan.taken["h"]}
    columns.update((flat_name("hf", n), households.rows[flat_name("hf", n)]) for n in plan.household_facts)
    for alias, query in plan.queries.items():
        if alias == "h":
            continue
        counts = counted(query)
        if counts is not None:
            found = households.tallies(con, query, counts)
        else:
            found = households.aligned(con.sql(query.sql("duckdb")).to_arrow_table(), alias, plan.taken[alias])
        columns.update((flat_name(alias, n), found[n]) for n in plan.taken[alias])
    return pa.table(columns)


def run_by_household(session: Session, compiled: CompiledMonitoring, scope: exp.Expr | None = None,
                     months: MonthsLayout | None = None, batch: int | None = None,
                     kept: exp.Expr | None = None) -> None:
    """Make ``lf_mon_eval`` as the joined plan does (``MonitorPlanner.steps``), on a DuckDB session,
    in rounds over ranges of about ``batch`` households (at most ``round_size``), keeping the rows that
    match ``kept`` (all when None). The next round is read
    (on a second connection to the same database) while this one is evaluated; the arrays of the
    two rounds are taken from DuckDB's memory limit while they live."""
    con = session.duck
    whole = MonitorPlanner(compiled, "duckdb", scope, months, kept=kept)
    steps = whole.steps()
    for step in steps:
        if isinstance(step.statement, exp.Drop):
            session.execute(step.statement)
    setting = str(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])
    cached = bool(con.execute("SELECT current_setting('parquet_metadata_cache')").fetchall()[0][0])
    limit = memory_limit(setting)
    most = round_size(limit)
    rounds = [MonitorPlanner(compiled, "duckdb", scope, months, ids, kept) for ids in _rounds(session, batch, most)]
    plans = [reading(planner) for planner in rounds]
    if limit is not None:  # the two rounds' arrays are taken from DuckDB's share while they live
        con.execute(f"SET memory_limit = '{limit - min(2 * most * HOUSEHOLD_BYTES, limit // 2)}B'")
    # each round reads the same files again (three months of totals, the members, the households):
    # their footers are read once, not once per query (45 queries at 30 M households)
    con.execute("SET parquet_metadata_cache = true")
    reader = con.cursor()
    reader.execute("SET SESSION preserve_insertion_order = true")
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(assembled, reader, plans[0])
            for step in steps:  # while the first round is read
                if step.label in SMALL.values() and not isinstance(step.statement, exp.Drop):
                    session.execute(step.statement)
            for i, (planner, plan) in enumerate(zip(rounds, plans, strict=True)):
                table = pending.result()
                if i + 1 < len(plans):
                    pending = pool.submit(assembled, reader, plans[i + 1])
                evaluation = evaluation_over_assembled(planner, plan, table)
                statement = work_statement("lf_mon_eval", evaluation, append=i > 0)
                con.register(ASSEMBLED, table)
                try:
                    session.execute(statement)
                finally:
                    con.unregister(ASSEMBLED)
                del table
    finally:
        reader.close()
        if limit is not None:
            _restore_memory_limit(con, setting)
        con.execute(f"SET parquet_metadata_cache = {str(cached).lower()}")
