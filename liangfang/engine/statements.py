"""The assessment as a list of SQL statements (built as ASTs, rendered per dialect).

Working relations, all temporary and prefixed ``lf_``: ``lf_member`` (facts and per-member
indicator statuses of active members of households in scope), ``lf_member_agg`` (their counts
and tallies per household), ``lf_member_out`` (members an indicator applies to who do not pass
it), ``lf_household`` (household facts), ``lf_household_eval``, ``lf_village`` /
``lf_village_eval``, ``lf_verification``, ``lf_county`` / ``lf_county_eval``. On DuckDB
(national scale) the two widest, ``lf_household`` and ``lf_member``, are views, computed where
they are read. An ``*_eval`` table holds one status column ``s_<indicator>`` per indicator and
the ``verdict``, as small integer codes (``STATUS``): a national run keeps 30 million of them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlglot import exp

from ..domain.text import Text
from .compiled import CompiledIndicator, CompiledPack
from .facts import (
    FACILITIES,
    Context,
    Level,
    facts_of,
    income_columns,
    member_aggregates,
    member_in_year,
    registered_on,
)
from .sqlparts import Dialect, case, cast, col, count_if, num, paren, percent, text, to_cents

TABLES = {
    "household": "registry_household",
    "member": "registry_member",
    "income": "registry_incomerecord",
    "region": "registry_region",
    "facilities": "registry_villagefacilities",
}
WORK_TABLES = ("lf_member", "lf_member_agg", "lf_member_out", "lf_household", "lf_household_eval",
               "lf_village", "lf_village_eval", "lf_verification", "lf_county", "lf_county_eval")
PASS, FAIL, NO_DATA, PENDING = 1, 2, 3, 4
STATUS = {PASS: "pass", FAIL: "fail", NO_DATA: "no_data", PENDING: "pending"}
STATUS_CODE = {name: code for code, name in STATUS.items()}


@dataclass(frozen=True)
class Verification:
    """Third-party verification inputs for one county (percent rates, people counts)."""

    county_code: str
    wrong_exit_rate: Decimal | None = None
    missed_poor_rate: Decimal | None = None
    public_approval: Decimal | None = None
    missed_poor_people: int | None = None
    wrong_exit_people: int | None = None


@dataclass(frozen=True)
class Step:
    label: str
    table: str | None  # the work table it creates, if any
    statement: exp.Expr

    def sql(self, dialect: Dialect) -> str:
        return self.statement.sql(dialect)


def _t(name: str, alias: str | None = None) -> exp.Expr:
    table = exp.to_table(name)
    return table.as_(alias) if alias else table


def _create(name: str, query: exp.Expr, kind: str = "TABLE") -> exp.Create:
    return exp.Create(this=exp.to_table(name), kind=kind, expression=query,
                      properties=exp.Properties(expressions=[exp.TemporaryProperty()]))


def views(dialect: Dialect, households_in_scope: int | None = None) -> frozenset[str]:
    """Work relations kept as views: at national scale they are too wide to hold in memory.
    Household facts stay a table up to ``HOUSEHOLD_TABLE_LIMIT`` households (read twice). Member
    facts stay a view: the second read (``lf_member_out``) is filtered to the few households with
    a member not passing, which Parquet row-group statistics and join filters make cheap, while
    holding millions of members' facts cost more than it saved (measured on 30 million households)."""
    if dialect != "duckdb":
        return frozenset()
    if households_in_scope is not None and households_in_scope <= HOUSEHOLD_TABLE_LIMIT:
        return frozenset({"lf_member"})
    return frozenset({"lf_household", "lf_member"})


PERFECT_BITS = 26  # household ids spanning up to 67 million
DUCKDB_PERFECT_DEFAULT = 12
HOUSEHOLD_TABLE_LIMIT = 8_000_000  # ~200 bytes of facts a household in DuckDB: ~1.6 GB


def drop(name: str, lazy: frozenset[str] = frozenset()) -> exp.Drop:
    return exp.Drop(tables=[exp.to_table(name)], kind="VIEW" if name in lazy else "TABLE", exists=True)


def drop_all(lazy: frozenset[str] = frozenset()) -> list[exp.Drop]:
    return [drop(name, lazy) for name in reversed(WORK_TABLES)]


def code(status: str) -> exp.Expr:
    return num(STATUS_CODE[status])


def is_pass(e: exp.Expr) -> exp.Expr:
    return exp.EQ(this=e, expression=code("pass"))


def status_text(e: exp.Expr) -> exp.Case:
    """A status code as its name, for output."""
    node = exp.Case(this=e)
    for number, name in STATUS.items():
        node = node.when(num(number), text(name))
    return node


def status_expr(condition: exp.Expr, when_no_data: str) -> exp.Case:
    cond = paren(condition.copy())
    return case((cond, code("pass")), (exp.Not(this=paren(condition.copy())), code("fail")),
                default=code("no_data" if when_no_data == "fail" else "pending"))


def verdict_expr(status_columns: list[str], table: str | None = None) -> exp.Expr:
    """'fail' when an indicator fails; else 'no_data' (cannot be judged) when one lacks data: a
    gap in the data is reported as such, never as a failure; else 'pending'; else 'pass'."""
    if not status_columns:
        return code("pass")

    def any_is(status: str) -> exp.Expr:
        return exp.or_(*[exp.EQ(this=col(c, table), expression=code(status)) for c in status_columns])
    return case((any_is("fail"), code("fail")), (any_is("no_data"), code("no_data")),
                (any_is("pending"), code("pending")), default=code("pass"))


# Household statuses of the official (status-based) incidence: registered and not exited.
REMAINING_STATUSES = ("not_exited", "relapsed")
EXITED_STATUS = "exited"
# Per-area tallies of the household results, summed from villages to counties (name -> doc).
HOUSEHOLD_TALLIES = ("poor_people", "poor_households", "should_exit_households", "should_exit_people",
                     "suspected_wrong_exit_households", "suspected_wrong_exit_people", "data_gap_households")


def remaining(status: exp.Expr) -> exp.Expr:
    """The household is registered and has not exited (未脱贫 or 返贫): poor by its status."""
    return status.isin(*[text(s) for s in REMAINING_STATUSES])


class StatementPlanner:
    """Plans the SQL statements of one assessment (a pack compiled for a year) for a dialect."""

    def __init__(self, compiled: CompiledPack, dialect: Dialect,
                 verification: tuple[Verification, ...] = (), lazy: frozenset[str] | None = None,
                 only: str | None = None) -> None:
        self.c = compiled
        self.dialect = dialect
        self.verification = verification
        self.lazy = views(dialect) if lazy is None else lazy
        # a table whose household_id column names the only households to assess (re-assessing a few
        # on save): their facts and results, no area figures (those need every household)
        self.only = only
        ref = compiled.pack.reference_date
        self.ctx = Context(dialect, compiled.year, ref.month, ref.day)

    # -- members and households ------------------------------------------------------------------
    def _member_fact_columns(self) -> list[exp.Expr]:
        return [f.sql(self.ctx).as_(name) for name, f in facts_of("member").items()]

    def _member_statuses(self, indicators: list[CompiledIndicator]) -> list[exp.Expr]:
        columns: list[exp.Expr] = []
        for ind in indicators:
            applies: exp.Expr
            if ind.applies is not None:
                applies = case((paren(ind.applies.copy()), num(1)), (exp.Not(this=paren(ind.applies.copy())), num(0)),
                               default=num(1))
            else:
                applies = num(1)
            columns.append(applies.as_(f"a_{ind.name}"))
            columns.append(status_expr(ind.condition, ind.spec.when_no_data).as_(f"s_{ind.name}"))
        return columns

    def household_facts(self, members: exp.Expr | None = None, facts: Collection[str] | None = None,
                        carry: Sequence[str] = ()) -> exp.Select:
        """Household facts of the households in scope, joined to their members' tallies (``members``,
        aliased ``ma``; default the work table ``lf_member_agg``). With ``facts``, only those facts
        and the joins they read; ``carry`` names further columns of ``ma`` passed through."""
        income = self._income_of(self.c.year)
        columns = [col("id", "h").as_("household_id"), col("village_id", "h").as_("village_id")]
        previous = "previous_per_capita_net_income" in self.c.value_facts("household")
        chosen = {name: f.sql(self.ctx) for name, f in facts_of("household").items()
                  if (facts is None and (previous or name != "previous_per_capita_net_income"))
                  or (facts is not None and name in facts)}
        columns += [sql.as_(name) for name, sql in chosen.items()]
        columns += [col(name, "ma").as_(name) for name in carry]
        read = {c.table for sql in chosen.values() for c in sql.find_all(exp.Column)} if facts is not None else None
        query = exp.select(*columns).from_(_t(TABLES["household"], "h"))
        if read is None or "ma" in read or carry:
            query = query.join(members.copy() if members is not None else _t("lf_member_agg", "ma"),
                               on=exp.EQ(this=col("household_id", "ma"), expression=col("id", "h")), join_type="left")
        if read is None or "i" in read:
            query = query.join(income.subquery("i"), on=exp.EQ(this=col("household_id", "i"),
                                                               expression=col("id", "h")), join_type="left")
        if (previous and read is None) or (read is not None and "ip" in read):
            # the previous year's record only when a rule reads it (income stability)
            query = query.join(self._income_of(self.c.year - 1).subquery("ip"),
                               on=exp.EQ(this=col("household_id", "ip"), expression=col("id", "h")), join_type="left")
        scope = self._in_scope("h")
        return query.where(scope) if scope is not None else query

    def _income_of(self, year: int) -> exp.Select:
        """The year's income records (alias i in the household facts), of households in scope."""
        income = (exp.select(*income_columns(self.dialect)).from_(_t(TABLES["income"]))
                  .where(exp.EQ(this=col("year"), expression=num(year))))
        scope = self._in_scope("hh")
        if scope is not None:
            # amounts are turned into fen only for the households assessed
            in_scope = exp.select(col("id", "hh")).from_(_t(TABLES["household"], "hh")).where(scope)
            income = income.where(exp.In(this=col("household_id"), query=exp.Subquery(this=in_scope)))
        return income

    def _in_scope(self, household: str) -> exp.Expr | None:
        """Registered households as of the reference date (a household identified later is not yet one);
        of those, only the households of ``only`` when it is given."""
        conditions = []
        if self.c.pack.household_scope == "registered":
            conditions.append(registered_on(self.ctx, household))
        if self.only is not None:
            chosen = exp.select(col("household_id")).from_(_t(self.only))
            conditions.append(exp.In(this=col("id", household), query=exp.Subquery(this=chosen)))
        return exp.and_(*conditions) if conditions else None

    def member_facts(self, indicators: list[CompiledIndicator], facts: Collection[str] | None = None) -> exp.Select:
        """Facts and per-member statuses of the members (on the reference date) of households in scope;
        with ``facts``, only those facts are computed and kept."""
        if facts is None:
            fact_columns = self._member_fact_columns()
        else:
            fact_columns = [f.sql(self.ctx).as_(name) for name, f in facts_of("member").items() if name in facts]
        columns = [col("id", "m").as_("member_id"), col("household_id", "m").as_("household_id"), *fact_columns]
        query = exp.select(*columns).from_(_t(TABLES["member"], "m")).where(member_in_year(self.ctx, "m"))
        scope = self._in_scope("hh")
        if scope is not None:
            # a semi-join: every engine then reads members through the household index / hash
            in_scope = exp.select(col("id", "hh")).from_(_t(TABLES["household"], "hh")).where(scope)
            query = query.where(exp.In(this=col("household_id", "m"), query=exp.Subquery(this=in_scope)))
        kept = self.member_kept() if facts is None else [name for name in facts_of("member") if name in facts]
        names = [exp.column(name, table="f") for name in ("member_id", "household_id", *kept)]
        return exp.select(*names, *self._member_statuses(indicators)).from_(query.subquery("f"))

    def member_kept(self) -> list[str]:
        """Member facts kept in ``lf_member``: those the tallies count (``member_aggregates``) and
        those the results show. Resident IDs are not among them: ``member_out`` fetches them for
        the few members it keeps."""
        names = ["labor_ability", "medical_insurance", *self.c.value_facts("member"), "age", "relation"]
        return [name for name in dict.fromkeys(names) if name in facts_of("member")]

    def member_agg(self, indicators: list[CompiledIndicator], source: exp.Expr | None = None,
                   counts: Collection[str] | None = None) -> exp.Select:
        """Per household in scope: active-member counts and each per-member indicator's tallies, from
        ``source`` (default the work relation ``lf_member``); with ``counts``, only those counts."""
        aggregates = [a for a in member_aggregates() if counts is None or a.alias in counts]
        columns: list[exp.Expr] = [col("household_id"), *aggregates]
        for ind in indicators:
            applies = exp.EQ(this=col(f"a_{ind.name}"), expression=num(1))
            columns.append(count_if(applies.copy()).as_(f"n_{ind.name}"))
            for status, prefix in (("fail", "f"), ("no_data", "d"), ("pending", "p")):
                cond = exp.and_(applies.copy(), exp.EQ(this=col(f"s_{ind.name}"), expression=code(status)))
                columns.append(count_if(cond).as_(f"{prefix}_{ind.name}"))
        return exp.select(*columns).from_(source.copy() if source is not None else _t("lf_member")).group_by(
            col("household_id"))

    def member_out(self, indicators: list[CompiledIndicator]) -> exp.Expr:
        """Members an indicator applies to and who do not pass it (kept for the results). Only
        households with such a member are read again (the filter reaches the member scan)."""
        tallies = [exp.GT(this=exp.Add(this=exp.Add(this=col(f"f_{i.name}"), expression=col(f"d_{i.name}")),
                                       expression=col(f"p_{i.name}")), expression=num(0)) for i in indicators]
        households = exp.select(col("household_id")).from_(_t("lf_member_agg")).where(exp.or_(*tallies))
        not_passing = [paren(exp.and_(exp.EQ(this=col(f"a_{i.name}"), expression=num(1)),
                                      exp.NEQ(this=col(f"s_{i.name}"), expression=code("pass"))))
                       for i in indicators]
        keep = ["member_id", "household_id", *self.c.value_facts("member"), "age", "relation"]
        columns = [col(name, "f") for name in dict.fromkeys(keep)]
        columns.insert(2, col("resident_id", "r"))
        columns += [col(f"{prefix}_{i.name}", "f") for i in indicators for prefix in ("a", "s")]
        return (exp.select(*columns).from_(_t("lf_member", "f"))
                # the household id too: on Parquet its row-group statistics skip other households' members
                .join(_t(TABLES["member"], "r"), on=exp.and_(
                    exp.EQ(this=col("id", "r"), expression=col("member_id", "f")),
                    exp.EQ(this=col("household_id", "r"), expression=col("household_id", "f"))))
                .where(exp.In(this=col("household_id", "f"), query=exp.Subquery(this=households)))
                .where(exp.or_(*not_passing)))

    def household_eval(self, indicators: list[CompiledIndicator]) -> exp.Expr:
        inner: list[exp.Expr] = [col("household_id", "f"), col("village_id", "f"),
                                 col("household_size", "f").as_("people"), col("status", "f").as_("status")]
        statuses = []
        has_members = False
        for ind in indicators:
            if ind.spec.in_verdict:
                statuses.append(f"s_{ind.name}")
            if ind.per_member:
                has_members = True
                zero = [num(0)]
                inner.append(self._member_status(ind, "g").as_(f"s_{ind.name}"))
                inner.append(exp.Coalesce(this=col(f"n_{ind.name}", "g"), expressions=zero).as_(f"n_{ind.name}"))
                failing = exp.Add(this=exp.Add(this=exp.Coalesce(this=col(f"f_{ind.name}", "g"), expressions=zero),
                                               expression=exp.Coalesce(this=col(f"d_{ind.name}", "g"),
                                                                       expressions=zero)),
                                  expression=exp.Coalesce(this=col(f"p_{ind.name}", "g"), expressions=zero))
                inner.append(failing.as_(f"x_{ind.name}"))
            else:
                inner.append(status_expr(ind.condition, ind.spec.when_no_data).as_(f"s_{ind.name}"))
        query = exp.select(*inner).from_(_t("lf_household", "f"))
        if has_members:
            query = query.join(_t("lf_member_agg", "g"),
                               on=exp.EQ(this=col("household_id", "g"), expression=col("household_id", "f")),
                               join_type="left")
        return exp.select(exp.Star(), verdict_expr(statuses).as_("verdict")).from_(query.subquery("x"))

    def _named(self, names: Sequence[str]) -> list[CompiledIndicator]:
        by_name = {i.name: i for i in self.c.of("household")}
        unknown = ", ".join(name for name in names if name not in by_name)
        if unknown:
            raise ValueError(Text(f"{self.c.pack.pack} 在 {self.c.year} 年没有农户指标 {unknown}",
                                  f"no household indicator {unknown} in {self.c.pack.pack} for {self.c.year}"))
        return [by_name[name] for name in dict.fromkeys(names)]

    @staticmethod
    def _member_status(ind: CompiledIndicator, tallies: str) -> exp.Case:
        """A per-member indicator's household status from its members' tallies (alias ``tallies``):
        'fail' when a member it applies to fails, else 'no_data', else 'pending', else 'pass'."""
        zero = [num(0)]

        def some(prefix: str) -> exp.Expr:
            return exp.GT(this=exp.Coalesce(this=col(f"{prefix}_{ind.name}", tallies), expressions=zero),
                          expression=num(0))
        return case((some("f"), code("fail")), (some("d"), code("no_data")), (some("p"), code("pending")),
                    default=code("pass"))

    def household_statuses(self, names: Sequence[str]) -> exp.Select:
        """One statement giving, per household in scope, its village, its people (active members,
        ``household_size``) and the status ``s_<name>`` of each named household indicator, in the
        order named: only those indicators' compiled conditions and the facts they read, members
        grouped by household once, households and the year's income read once, no work tables.
        The conditions and facts are the assessment's own, so the statuses are those of
        ``lf_household_eval``: for measures that need a few indicators of every household."""
        chosen = self._named(names)
        per_member = [i for i in chosen if i.per_member]
        member_facts = {f for i in per_member for f in i.uses.facts}
        household_facts = {"household_size"} | {f for i in chosen if not i.per_member for f in i.uses.facts}
        catalogue = facts_of("household")
        counts = {c.name for name in household_facts if name in catalogue
                  for c in catalogue[name].sql(self.ctx).find_all(exp.Column) if c.table == "ma"}
        members = self.member_agg(per_member, self.member_facts(per_member, member_facts).subquery("lm"), counts)
        carry = [f"{prefix}_{i.name}" for i in per_member for prefix in ("f", "d", "p")]
        facts = self.household_facts(members.subquery("ma"), household_facts, carry)
        columns: list[exp.Expr] = [col("household_id", "f"), col("village_id", "f"),
                                   col("household_size", "f").as_("people")]
        for ind in chosen:
            status = (self._member_status(ind, "f") if ind.per_member
                      else status_expr(ind.condition, ind.spec.when_no_data))
            columns.append(status.as_(f"s_{ind.name}"))
        return exp.select(*columns).from_(facts.subquery("f"))

    def household_statuses_by_table(self, names: Sequence[str]) -> dict[str, exp.Select] | None:
        """``household_statuses`` as one statement per table, none joined, for a caller that puts them
        together by household id: ``members`` (household_id, people, the per-member indicators' statuses,
        for households with members on the reference date), ``households`` (household_id, village_id,
        the statuses of indicators reading household columns only, every household in scope),
        ``income`` (household_id, the statuses of indicators reading the year's income record only) and
        ``no_income`` (one row: those statuses for a household without a record, the facts unknown).
        A household missing from ``members`` has no people and passes the per-member indicators (no
        member fails). None when a named indicator reads facts of more than one table, or of another."""
        chosen = self._named(names)
        catalogue = facts_of("household")
        table_of: dict[str, list[CompiledIndicator]] = {"h": [], "i": []}
        for ind in chosen:
            if ind.per_member:
                continue
            read = {c.table for name in ind.uses.facts for c in catalogue[name].sql(self.ctx).find_all(exp.Column)}
            if len(read) != 1 or next(iter(read)) not in table_of:
                return None
            table_of[next(iter(read))].append(ind)
        per_member = [i for i in chosen if i.per_member]
        member_facts = {f for i in per_member for f in i.uses.facts}
        # per household, each per-member indicator's worst standing among the members it applies to:
        # fail, then no data, then pending, then pass (the order of ``_member_status``'s tallies); one
        # small number per household instead of three counts keeps the grouping's table small
        rank = {"pass": 0, "pending": 1, "no_data": 2, "fail": 3}
        worst: list[exp.Expr] = []
        status_of_rank: dict[str, exp.Expr] = {}
        for ind in per_member:
            standing = exp.Case(this=col(f"s_{ind.name}"))
            back = exp.Case(this=exp.Coalesce(this=col(f"w_{ind.name}", "g"), expressions=[num(0)]))
            for status, number in rank.items():
                standing = standing.when(code(status), num(number))
                back = back.when(num(number), code(status))
            applies = exp.EQ(this=col(f"a_{ind.name}"), expression=num(1))
            worst.append(exp.Max(this=cast(case((applies, standing)), "TINYINT")).as_(f"w_{ind.name}"))
            status_of_rank[ind.name] = back
        count = [a for a in member_aggregates() if a.alias == "members"]
        tallies = (exp.select(col("household_id"), *count, *worst)
                   .from_(self.member_facts(per_member, member_facts).subquery("lm")).group_by(col("household_id")))
        members = exp.select(col("household_id", "g"), col("members", "g").as_("people"),
                             *[status_of_rank[i.name].as_(f"s_{i.name}") for i in per_member]
                             ).from_(tallies.subquery("g"))

        def statuses(indicators: list[CompiledIndicator], source: exp.Expr, key: exp.Expr,
                     extra: list[exp.Expr], where: exp.Expr | None = None) -> exp.Select:
            facts = sorted({f for i in indicators for f in i.uses.facts})
            inner = exp.select(key.as_("household_id"), *extra,
                               *[catalogue[f].sql(self.ctx).as_(f) for f in facts]).from_(source)
            if where is not None:
                inner = inner.where(where)
            outer: list[exp.Expr] = [col("household_id", "f"), *[col(e.alias, "f") for e in extra]]
            outer += [status_expr(i.condition, i.spec.when_no_data).as_(f"s_{i.name}") for i in indicators]
            return exp.select(*outer).from_(inner.subquery("f"))

        households = statuses(table_of["h"], _t(TABLES["household"], "h"), col("id", "h"),
                              [col("village_id", "h").as_("village_id")], self._in_scope("h"))
        income = statuses(table_of["i"], self._income_of(self.c.year).subquery("i"), col("household_id", "i"), [])

        def unknown_facts(node: exp.Expr) -> exp.Expr:
            return exp.Null() if isinstance(node, exp.Column) and node.table == "f" else node
        no_income = exp.select(*[status_expr(i.condition.transform(unknown_facts), i.spec.when_no_data)
                                 .as_(f"s_{i.name}") for i in table_of["i"]] or [num(0).as_("none")])
        return {"members": members, "households": households, "income": income, "no_income": no_income}

    def grouping_by_household(self, on: bool) -> list[Step]:
        """Before (``on``) and after a statement grouping every household's members: on DuckDB, the
        perfect hash table of ``_perfect_grouping``."""
        return self._perfect_grouping(on)

    # -- villages ----------------------------------------------------------------------------------
    def _household_rollup(self, group: str, source: str, household_indicators: list[str]) -> exp.Select:
        """Per area: the official poor (by status: registered, not exited), the verdicts that
        differ from the status (应退未退: not exited yet meeting the standard; 疑似错退: exited
        yet failing it), households that cannot be judged, and per indicator the households
        failing, passing and lacking data."""
        poor = remaining(col("status"))
        should_exit = exp.and_(remaining(col("status")), is_pass(col("verdict")))
        wrong_exit = exp.and_(exp.EQ(this=col("status"), expression=text(EXITED_STATUS)),
                              exp.EQ(this=col("verdict"), expression=code("fail")))

        def people_if(cond: exp.Expr) -> exp.Expr:
            return exp.Sum(this=case((cond, col("people")), default=num(0)))
        columns: list[exp.Expr] = [
            col(group),
            exp.Count(this=exp.Star()).as_("assessed"),
            people_if(poor).as_("poor_people"),
            count_if(poor.copy()).as_("poor_households"),
            count_if(should_exit).as_("should_exit_households"),
            people_if(should_exit.copy()).as_("should_exit_people"),
            count_if(wrong_exit).as_("suspected_wrong_exit_households"),
            people_if(wrong_exit.copy()).as_("suspected_wrong_exit_people"),
            count_if(exp.EQ(this=col("verdict"), expression=code("no_data"))).as_("data_gap_households"),
        ]
        for name in self._per_member_names():
            # people, not households: members the indicator applies to, and those not passing it
            columns.append(exp.Sum(this=col(f"n_{name}")).as_(f"pn__{name}"))
            columns.append(exp.Sum(this=col(f"x_{name}")).as_(f"px__{name}"))
        for name in ("verdict", *household_indicators):
            status = col("verdict") if name == "verdict" else col(f"s_{name}")
            columns.append(count_if(exp.NEQ(this=status, expression=code("pass"))).as_(f"hf__{name}"))
            columns.append(count_if(is_pass(status.copy())).as_(f"hp__{name}"))
            columns.append(count_if(exp.EQ(this=status.copy(), expression=code("no_data"))).as_(f"hd__{name}"))
            exited = exp.EQ(this=col("status"), expression=text(EXITED_STATUS))
            columns.append(count_if(exp.and_(exited, is_pass(status.copy()))).as_(f"he__{name}"))
        return exp.select(*columns).from_(_t(source)).group_by(col(group))

    def village_facts(self) -> exp.Expr:
        hh_names = [i.name for i in self.c.of("household")]
        population = self._population_duckdb() if self.dialect == "duckdb" else self._population()
        rollup = self._household_rollup("village_id", "lf_household_eval", hh_names)
        facility_cols = [col(name) for name in FACILITIES]
        facilities = (exp.select(col("village_id"), *facility_cols,
                                 to_cents(col("collective_income"), self.dialect).as_("collective_cents"))
                      .from_(_t(TABLES["facilities"])).where(exp.EQ(this=col("year"), expression=num(self.c.year))))
        county = case((exp.EQ(this=col("level", "t"), expression=text("county")), col("id", "t")),
                      default=col("id", "c"))
        columns = [col("id", "v").as_("village_id"), county.as_("county_id")]
        columns += [f.sql(self.ctx).as_(name) for name, f in facts_of("village").items()]
        columns += self._rollup_columns(hh_names, "e")
        return (exp.select(*columns).from_(_t(TABLES["region"], "v"))
                .join(_t(TABLES["region"], "t"), on=exp.EQ(this=col("id", "t"), expression=col("parent_id", "v")),
                      join_type="left")
                .join(_t(TABLES["region"], "c"), on=exp.EQ(this=col("id", "c"), expression=col("parent_id", "t")),
                      join_type="left")
                .join(_t(TABLES["region"], "cy"), on=exp.EQ(this=col("id", "cy"), expression=col("parent_id", "c")),
                      join_type="left")
                .join(_t(TABLES["region"], "pv"), on=exp.EQ(this=col("id", "pv"), expression=col("parent_id", "cy")),
                      join_type="left")
                .join(population.subquery("p"), on=exp.EQ(this=col("village_id", "p"), expression=col("id", "v")),
                      join_type="left")
                .join(rollup.subquery("e"), on=exp.EQ(this=col("village_id", "e"), expression=col("id", "v")),
                      join_type="left")
                .join(facilities.subquery("f"), on=exp.EQ(this=col("village_id", "f"), expression=col("id", "v")),
                      join_type="left")
                .where(exp.EQ(this=col("level", "v"), expression=text("village"))))

    def _population(self) -> exp.Select:
        """Per village: active members (people) of every household, registered or not; households;
        households without electricity. SQLite and PostgreSQL count members per household along
        the member index first."""
        per_household = (exp.select(col("household_id"), exp.Count(this=exp.Star()).as_("n"))
                         .from_(_t(TABLES["member"])).where(member_in_year(self.ctx)).group_by(col("household_id")))
        people = (exp.select(col("village_id", "h"), exp.Sum(this=col("n", "mc")).as_("people"))
                  .from_(_t(TABLES["household"], "h"))
                  .join(per_household.subquery("mc"),
                        on=exp.EQ(this=col("household_id", "mc"), expression=col("id", "h")))
                  .group_by(col("village_id", "h")))
        households = (exp.select(col("village_id", "h"), exp.Count(this=exp.Star()).as_("households"),
                                 count_if(exp.Not(this=paren(col("power_living", "h")))).as_("no_power"))
                      .from_(_t(TABLES["household"], "h")).group_by(col("village_id", "h")))
        return (exp.select(col("village_id", "hs"), col("people", "pp"), col("households", "hs"),
                           col("no_power", "hs"))
                .from_(households.subquery("hs"))
                .join(people.subquery("pp"), on=exp.EQ(this=col("village_id", "pp"),
                                                       expression=col("village_id", "hs")), join_type="left"))

    def _population_duckdb(self) -> exp.Select:
        """The same figures without joining 90 million members to 30 million households: member
        rows (household_id, 1) and household rows (id, village_id, power_living) go into one
        grouping by household id, which DuckDB does in a perfect hash table (an array indexed by
        the id, see ``duck.connect``) as both files stream in id order; then per village.
        Members of a household missing from the registry and households without a village
        count nowhere, as with the join."""
        null = exp.Null()
        members = exp.select(col("household_id"), cast(null, "BIGINT").as_("village_id"), num(1).as_("member"),
                             cast(null.copy(), "BOOLEAN").as_("power_living")).from_(
            _t(TABLES["member"])).where(member_in_year(self.ctx))
        households = exp.select(col("id"), col("village_id"), cast(exp.Null(), "INTEGER"), col("power_living")).from_(
            _t(TABLES["household"]))
        both = exp.union(members, households, distinct=False)
        per_household = (exp.select(col("household_id"), exp.Max(this=col("village_id")).as_("village_id"),
                                    exp.Count(this=col("member")).as_("n"),
                                    exp.Max(this=col("power_living")).as_("power_living"))
                         .from_(both.subquery("u")).group_by(col("household_id")))
        return (exp.select(col("village_id"), exp.Sum(this=col("n")).as_("people"),
                           exp.Count(this=exp.Star()).as_("households"),
                           count_if(exp.Not(this=paren(col("power_living")))).as_("no_power"))
                .from_(per_household.subquery("hh"))
                .where(exp.Not(this=exp.Is(this=col("village_id"), expression=exp.Null())))
                .group_by(col("village_id")))

    def _per_member_names(self) -> list[str]:
        return [i.name for i in self.c.of("household") if i.per_member]

    def _rollup_columns(self, names: list[str], alias: str) -> list[exp.Expr]:
        out: list[exp.Expr] = []
        zero = [num(0)]
        for name in self._per_member_names():
            applicable = exp.Coalesce(this=col(f"pn__{name}", alias), expressions=zero)
            failing = exp.Coalesce(this=col(f"px__{name}", alias), expressions=[num(0)])
            covered = paren(exp.Sub(this=applicable.copy(), expression=failing.copy()))
            out += [applicable.as_(f"pn__{name}"), failing.as_(f"px__{name}"),
                    percent(covered, applicable.copy()).as_(f"pq__{name}")]
        assessed = exp.Coalesce(this=col("assessed", alias), expressions=zero)
        for name in ("verdict", *names):
            failing = exp.Coalesce(this=col(f"hf__{name}", alias), expressions=zero)
            passing = exp.Coalesce(this=col(f"hp__{name}", alias), expressions=zero)
            gaps = exp.Coalesce(this=col(f"hd__{name}", alias), expressions=zero)
            exited = exp.Coalesce(this=col(f"he__{name}", alias), expressions=zero)
            out += [failing.as_(f"hf__{name}"), passing.as_(f"hp__{name}"),
                    percent(passing, assessed).as_(f"hq__{name}"), gaps.as_(f"hd__{name}"), exited.as_(f"he__{name}")]
        return out

    def area_eval(self, level: Level, source: str, keys: list[str]) -> exp.Expr:
        indicators = self.c.of(level)
        columns: list[exp.Expr] = [col(k, "f") for k in keys]
        columns.append(col("rural_population", "f").as_("people"))
        for ind in indicators:
            columns.append(status_expr(ind.condition, ind.spec.when_no_data).as_(f"s_{ind.name}"))
        inner = exp.select(*columns).from_(_t(source, "f"))
        deciding = [f"s_{i.name}" for i in indicators if i.spec.in_verdict]
        return exp.select(exp.Star(), verdict_expr(deciding).as_("verdict")).from_(inner.subquery("x"))

    # -- counties ----------------------------------------------------------------------------------
    def verification_rows(self) -> exp.Expr:
        def row(v: Verification | None) -> exp.Select:
            def dbl(value: Decimal | None) -> exp.Expr:
                return cast(exp.Null() if value is None else num(value), "DOUBLE")

            def big(value: int | None) -> exp.Expr:
                return cast(exp.Null() if value is None else num(value), "BIGINT")
            return exp.select(
                cast(exp.Null() if v is None else text(v.county_code), "VARCHAR").as_("code"),
                dbl(v.wrong_exit_rate if v else None).as_("wrong_exit_rate"),
                dbl(v.missed_poor_rate if v else None).as_("missed_poor_rate"),
                dbl(v.public_approval if v else None).as_("public_approval"),
                big(v.missed_poor_people if v else None).as_("missed_poor_people"),
                big(v.wrong_exit_people if v else None).as_("wrong_exit_people"),
            )
        if not self.verification:
            return row(None).where(exp.EQ(this=num(1), expression=num(0)))
        query: exp.Expr = row(self.verification[0])
        for item in self.verification[1:]:
            query = exp.union(query, row(item), distinct=False)
        return query

    def county_facts(self) -> exp.Expr:
        hh_names = [i.name for i in self.c.of("household")]
        v_names = [i.name for i in self.c.of("village")]
        sums = [exp.Sum(this=col("rural_population")).as_("people"),
                exp.Sum(this=col("rural_households")).as_("households"),
                exp.Sum(this=col("households_without_power")).as_("no_power")]
        population = exp.select(col("county_id"), *sums).from_(_t("lf_village")).group_by(col("county_id"))
        rollup_cols = [exp.Sum(this=col("assessed_households")).as_("assessed"),
                       exp.Sum(this=col("poor_population")).as_("poor_people")]
        rollup_cols += [exp.Sum(this=col(name)).as_(name) for name in HOUSEHOLD_TALLIES if name != "poor_people"]
        for name in ("verdict", *hh_names):
            rollup_cols += [exp.Sum(this=col(f"{prefix}__{name}")).as_(f"{prefix}__{name}")
                            for prefix in ("hf", "hp", "hd", "he")]
        rollup_cols += [exp.Sum(this=col(f"{prefix}__{name}")).as_(f"{prefix}__{name}")
                        for name in self._per_member_names() for prefix in ("pn", "px")]
        rollup = exp.select(col("county_id"), *rollup_cols).from_(_t("lf_village")).group_by(col("county_id"))
        vcols: list[exp.Expr] = [col("county_id", "ve"), exp.Count(this=exp.Star()).as_("villages"),
                                       count_if(paren(col("is_poor_village", "vf"))).as_("poor_villages")]
        for name in ("verdict", *v_names):
            status = col("verdict", "ve") if name == "verdict" else col(f"s_{name}", "ve")
            failing = exp.NEQ(this=status, expression=code("pass"))
            vcols += [count_if(failing).as_(f"vf__{name}"),
                      count_if(is_pass(status.copy())).as_(f"vp__{name}"),
                      count_if(exp.and_(paren(col("is_poor_village", "vf")), failing.copy())).as_(f"pvf__{name}")]
        villages = (exp.select(*vcols).from_(_t("lf_village_eval", "ve"))
                    .join(_t("lf_village", "vf"), on=exp.EQ(this=col("village_id", "vf"),
                                                             expression=col("village_id", "ve")))
                    .group_by(col("county_id", "ve")))
        columns = [col("id", "c").as_("county_id"), col("code", "c").as_("county_code")]
        columns += [f.sql(self.ctx).as_(name) for name, f in facts_of("county").items()]
        columns += self._rollup_columns(hh_names, "e")
        zero = [num(0)]
        for name in ("verdict", *v_names):
            passing = exp.Coalesce(this=col(f"vp__{name}", "va"), expressions=zero)
            columns += [exp.Coalesce(this=col(f"vf__{name}", "va"), expressions=zero).as_(f"vf__{name}"),
                        percent(passing, exp.Coalesce(this=col("villages", "va"), expressions=zero)).as_(f"vq__{name}"),
                        exp.Coalesce(this=col(f"pvf__{name}", "va"), expressions=zero).as_(f"pvf__{name}")]
        on = exp.EQ
        return (exp.select(*columns).from_(_t(TABLES["region"], "c"))
                .join(_t(TABLES["region"], "cy"), on=on(this=col("id", "cy"), expression=col("parent_id", "c")),
                      join_type="left")
                .join(_t(TABLES["region"], "pv"), on=on(this=col("id", "pv"), expression=col("parent_id", "cy")),
                      join_type="left")
                .join(population.subquery("p"), on=on(this=col("county_id", "p"), expression=col("id", "c")))
                .join(rollup.subquery("e"), on=on(this=col("county_id", "e"), expression=col("id", "c")),
                      join_type="left")
                .join(villages.subquery("va"), on=on(this=col("county_id", "va"), expression=col("id", "c")),
                      join_type="left")
                .join(_t("lf_verification", "vi"), on=on(this=col("code", "vi"), expression=col("code", "c")),
                      join_type="left")
                .where(on(this=col("level", "c"), expression=text("county"))))

    def _perfect_grouping(self, on: bool) -> list[Step]:
        """On DuckDB, let the village population's grouping by household id use a perfect hash
        table (an array over the id range, up to 2^PERFECT_BITS ids) for that statement only:
        elsewhere such arrays would be needlessly large."""
        if self.dialect != "duckdb":
            return []
        value = exp.Literal.number(PERFECT_BITS) if on else exp.Literal.number(DUCKDB_PERFECT_DEFAULT)
        item = exp.SetItem(this=exp.EQ(this=exp.column("perfect_ht_threshold"), expression=value))
        return [Step(Text("准备", "prepare"), None, exp.Set(expressions=[item]))]

    # -- the whole run -----------------------------------------------------------------------------
    def steps(self) -> list[Step]:
        hh = self.c.of("household")
        per_member = [i for i in hh if i.per_member]
        lazy = self.lazy

        def create(name: str, query: exp.Expr) -> exp.Create:
            return _create(name, query, "VIEW" if name in lazy else "TABLE")

        steps = [Step(Text("准备", "prepare"), None, statement) for statement in drop_all(lazy)]
        steps += [
            Step(Text("成员事实", "member facts"), "lf_member", create("lf_member", self.member_facts(per_member))),
            Step(Text("成员汇总", "member tallies"), "lf_member_agg",
                 create("lf_member_agg", self.member_agg(per_member))),
        ]
        if per_member:
            steps.append(Step(Text("未达标成员", "members not passing"), "lf_member_out",
                              create("lf_member_out", self.member_out(per_member))))
        steps.append(Step(Text("农户事实", "household facts"), "lf_household",
                          create("lf_household", self.household_facts())))
        steps.append(Step(Text("农户指标", "household indicators"), "lf_household_eval",
                          create("lf_household_eval", self.household_eval(hh))))
        if self.only is not None:
            return steps
        steps += [
            *self._perfect_grouping(True),
            Step(Text("村级事实", "village facts"), "lf_village", create("lf_village", self.village_facts())),
            *self._perfect_grouping(False),
            Step(Text("村级指标", "village indicators"), "lf_village_eval",
                 create("lf_village_eval", self.area_eval("village", "lf_village", ["village_id", "county_id"]))),
            Step(Text("核查数据", "verification inputs"), "lf_verification",
                 create("lf_verification", self.verification_rows())),
            Step(Text("县级事实", "county facts"), "lf_county", create("lf_county", self.county_facts())),
            Step(Text("县级指标", "county indicators"), "lf_county_eval",
                 create("lf_county_eval", self.area_eval("county", "lf_county", ["county_id"]))),
        ]
        return steps
