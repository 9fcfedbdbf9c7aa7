"""Evaluating a checked rule in Python with SQL's three-valued logic.

Used to say which missing facts made a rule undecidable (only those that mattered: with
``water_piped`` true, a missing fetching time is not to blame), and in tests as an independent
reference for the SQL engines.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlglot import exp

Value = Any  # bool | Decimal | str | None
Result = tuple[Value, frozenset[str]]  # value, and the facts whose absence left it unknown

_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    exp.EQ: operator.eq, exp.NEQ: operator.ne, exp.GT: operator.gt,
    exp.GTE: operator.ge, exp.LT: operator.lt, exp.LTE: operator.le,
}
_ARITH: dict[type, Callable[[Any, Any], Any]] = {
    exp.Add: operator.add, exp.Sub: operator.sub, exp.Mul: operator.mul, exp.Div: operator.truediv,
}


def _number(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    return Decimal(str(value))


def evaluate(node: exp.Expr, values: Mapping[str, Value]) -> Result:
    """The value of a compiled rule (columns are fact names) for one subject's ``values``."""
    none: frozenset[str] = frozenset()
    if isinstance(node, exp.Paren):
        return evaluate(node.this, values)
    if isinstance(node, exp.Column):
        value = values.get(node.name)
        return (_number(value), frozenset({node.name}) if value is None else none)
    if isinstance(node, exp.Literal):
        return (node.this if node.is_string else Decimal(node.this), none)
    if isinstance(node, exp.Boolean):
        return (bool(node.this), none)
    if isinstance(node, exp.Null):
        return (None, none)
    if isinstance(node, (exp.And, exp.Or)):
        left, right = evaluate(node.this, values), evaluate(node.expression, values)
        decisive = isinstance(node, exp.Or)  # FALSE decides AND, TRUE decides OR
        if left[0] is decisive or right[0] is decisive:
            return (decisive, none)
        if left[0] is None or right[0] is None:
            return (None, (left[1] if left[0] is None else none) | (right[1] if right[0] is None else none))
        return (not decisive, none)
    if isinstance(node, exp.Not):
        inner = evaluate(node.this, values)
        return (None if inner[0] is None else not inner[0], inner[1])
    if type(node) in _COMPARE:
        left, right = evaluate(node.this, values), evaluate(node.expression, values)
        if left[0] is None or right[0] is None:
            return (None, left[1] | right[1])
        return (_COMPARE[type(node)](left[0], right[0]), none)
    if type(node) in _ARITH:
        left, right = evaluate(node.this, values), evaluate(node.expression, values)
        if left[0] is None or right[0] is None:
            return (None, left[1] | right[1])
        return (_ARITH[type(node)](left[0], right[0]), none)
    if isinstance(node, exp.Neg):
        inner = evaluate(node.this, values)
        return (None if inner[0] is None else -inner[0], inner[1])
    if isinstance(node, exp.Is):
        inner = evaluate(node.this, values)
        return (inner[0] is None, none)
    if isinstance(node, exp.Between):
        return evaluate(exp.and_(exp.GTE(this=node.this, expression=node.args["low"]),
                                 exp.LTE(this=node.this, expression=node.args["high"])), values)
    if isinstance(node, exp.In):
        subject = evaluate(node.this, values)
        if subject[0] is None:
            return (None, subject[1])
        items = [evaluate(i, values) for i in node.expressions]
        if any(i[0] == subject[0] for i in items):
            return (True, none)
        unknown = [i for i in items if i[0] is None]
        return (None, frozenset().union(*(i[1] for i in unknown))) if unknown else (False, none)
    if isinstance(node, exp.Coalesce):
        culprits: frozenset[str] = none
        for item in (node.this, *node.expressions):
            value = evaluate(item, values)
            if value[0] is not None:
                return (value[0], none)
            culprits |= value[1]
        return (None, culprits)
    raise NotImplementedError(f"kleene: {type(node).__name__}")


def column_order(condition: exp.Expr) -> tuple[str, ...]:
    """The fact names a compiled rule reads, each once, in order of appearance."""
    return tuple(dict.fromkeys(c.name for c in condition.find_all(exp.Column)))


def missing_culprits(condition: exp.Expr, values: Mapping[str, Value], order: Sequence[str]) -> list[str]:
    """Facts whose absence leaves the rule undecided, in order of appearance (``order``: the
    condition's ``column_order``, which the caller keeps)."""
    value, culprits = evaluate(condition, values)
    if value is not None:
        return []
    return [name for name in order if name in culprits]
