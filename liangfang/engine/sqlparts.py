"""Small SQL building blocks (sqlglot ASTs) whose meaning must be the same on every engine.

Money is exact everywhere: amounts are turned into whole fen (cents) with integer arithmetic and
back into yuan in each dialect's exact way (NUMERIC/DECIMAL on PostgreSQL and DuckDB; on SQLite,
which stores decimals as REAL, an exact integer divided by 100.0 is the double nearest the exact
amount, so comparisons with literals such as 4000 or 3218.3 are exact too).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from sqlglot import exp

Dialect = Literal["sqlite", "postgres", "duckdb"]
DIALECTS: tuple[Dialect, ...] = ("sqlite", "postgres", "duckdb")


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table)


def num(value: int | Decimal | str) -> exp.Expr:
    return exp.Literal.number(str(value))


def text(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def cast(e: exp.Expr, to: str) -> exp.Cast:
    return exp.Cast(this=e, to=exp.DataType.build(to))


def paren(e: exp.Expr) -> exp.Paren:
    return exp.Paren(this=e)


def case(*whens: tuple[exp.Expr, exp.Expr], default: exp.Expr | None = None) -> exp.Case:
    node = exp.Case()
    for cond, value in whens:
        node = node.when(cond, value)
    if default is not None:
        node = node.else_(default)
    return node


def bool_to_int(e: exp.Expr) -> exp.Case:
    """1 / 0 / NULL for a boolean, the same on every engine."""
    return case((paren(e), num(1)), (exp.Not(this=paren(e)), num(0)))


def count_if(cond: exp.Expr) -> exp.Count:
    """Rows where ``cond`` holds; COUNT, not SUM, so DuckDB keeps a 64-bit count (SUM of integers
    widens to 128 bits) and an empty group counts 0 on every engine."""
    return exp.Count(this=case((cond, num(1))))


def to_cents(amount: exp.Expr, dialect: Dialect) -> exp.Cast:
    """A yuan amount with at most two decimal places as a whole number of fen. SQLite holds it
    as REAL, so it is rounded; elsewhere it is an exact DECIMAL/NUMERIC and ×100 is already whole."""
    scaled = exp.Mul(this=paren(amount), expression=num(100))
    if dialect == "sqlite":
        return cast(exp.Round(this=scaled, decimals=num(0)), "BIGINT")
    return cast(scaled, "BIGINT")


def cents_sum(columns: list[str], dialect: Dialect, minus: tuple[str, ...] = ()) -> exp.Expr:
    """Σ columns − Σ minus, each turned into fen first: integer additions are exact everywhere and
    avoid DuckDB widening a chain of DECIMAL additions to 128 bits."""
    total: exp.Expr = to_cents(col(columns[0]), dialect)
    for name in columns[1:]:
        total = exp.Add(this=total, expression=to_cents(col(name), dialect))
    for name in minus:
        total = exp.Sub(this=total, expression=to_cents(col(name), dialect))
    return paren(total)


def int_div(a: exp.Expr, b: exp.Expr) -> exp.Paren:
    """Integer division; callers keep both sides non-negative (engines differ on negative operands)."""
    return paren(exp.IntDiv(this=paren(a), expression=paren(b)))


def round_half_away(cents: exp.Expr, size: exp.Expr) -> exp.Case:
    """cents / size rounded to a whole fen, halves away from zero, in integer arithmetic."""
    two_size = exp.Mul(this=num(2), expression=size)
    pos = int_div(exp.Add(this=exp.Mul(this=num(2), expression=cents), expression=size), two_size)
    neg = exp.Neg(this=paren(int_div(
        exp.Add(this=exp.Mul(this=num(2), expression=exp.Neg(this=paren(cents))), expression=size), two_size)))
    return case((exp.GTE(this=cents, expression=num(0)), pos), default=neg)


def cents_to_yuan(cents: exp.Expr, dialect: Dialect) -> exp.Expr:
    if dialect == "sqlite":
        return exp.Div(this=paren(cents), expression=exp.Literal.number("100.0"), typed=True)
    return paren(exp.Mul(this=cast(cents, "DECIMAL(18, 0)"), expression=exp.Literal.number("0.01")))


def percent(part: exp.Expr, whole: exp.Expr) -> exp.Case:
    """part × 100 / whole as a double, NULL when whole is 0.

    IEEE doubles on every engine: part × 100 is exact and the division correctly rounded, so
    all engines produce the same bits and a threshold such as 2 compares the same way.
    """
    top = exp.Mul(this=cast(part, "DOUBLE"), expression=num(100))
    division = exp.Div(this=top, expression=paren(whole), typed=True)
    return case((exp.GT(this=paren(whole), expression=num(0)), division))


def ymd(date: exp.Expr, dialect: Dialect) -> exp.Expr:
    """A date as the integer YYYYMMDD. SQLite keeps dates as ISO text; the others have DATE
    parts, which are much cheaper than formatting 90 million dates as text."""
    if dialect == "sqlite":
        return cast(exp.TimeToStr(this=date, format=text("%Y%m%d")), "BIGINT")
    year = cast(exp.Year(this=date.copy()), "BIGINT")
    month = cast(exp.Month(this=date.copy()), "BIGINT")
    day = cast(exp.Day(this=date.copy()), "BIGINT")
    return paren(exp.Add(this=exp.Add(this=exp.Mul(this=year, expression=num(10000)),
                                      expression=exp.Mul(this=month, expression=num(100))), expression=day))


def age_on(birth_date: exp.Expr, year: int, month: int, day: int, dialect: Dialect) -> exp.Case:
    """Full years of age on the given day; −1 for someone born after it."""
    diff = paren(exp.Sub(this=num(year * 10000 + month * 100 + day), expression=ymd(birth_date, dialect)))
    return case((exp.LT(this=diff, expression=num(0)), num(-1)), default=int_div(diff, num(10000)))


def nullif_blank(e: exp.Expr) -> exp.Nullif:
    return exp.Nullif(this=e, expression=text(""))


def date_literal(day: dt.date, dialect: Dialect) -> exp.Expr:
    """A date constant: ISO text on SQLite (its dates are ISO text), a DATE elsewhere."""
    value = text(day.isoformat())
    return value if dialect == "sqlite" else cast(value, "DATE")


def known_by(column: exp.Expr, day: dt.date, dialect: Dialect) -> exp.Expr:
    """A recording date that is blank (not dated: holds always) or on or before ``day``."""
    return paren(exp.or_(exp.Is(this=column, expression=exp.Null()),
                         exp.LTE(this=column.copy(), expression=date_literal(day, dialect))))


def as_of(value: exp.Expr, recorded_on: exp.Expr, day: dt.date, dialect: Dialect) -> exp.Case:
    """``value`` when it was recorded by ``day`` (or its date is blank), else NULL: unknown then."""
    return case((known_by(recorded_on, day, dialect), value))
