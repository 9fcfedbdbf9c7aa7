"""The rule language: a small, checked subset of SQL expressions over facts and parameters.

A rule is parsed with sqlglot, every node is checked against a whitelist (names of facts and
parameters, a few functions, comparison/logic/arithmetic operators; no subqueries, no other
tables, no statements) and typed; a problem raises ``RuleError`` with its line and column. The
checked tree is rewritten into a dialect-free AST over the fact table, which each engine then
renders in its own dialect.

>>> scope = Scope.for_level("household", {"poverty_line": (Decimal(4000), "yuan")})
>>> compile_rule("per_capita_net_income >= poverty_line", scope).sql("postgres")
'f.per_capita_net_income >= 4000'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Tokenizer, TokenType

from ..domain.codes import code_lists
from ..domain.text import Text
from .facts import Fact, Level, facts_of

Kind = str  # "bool" | "number" | "text" | "null"

# Bounds of a rule (issue 13, medium 9), each refusal a RuleError with its line and column: the
# parser and the checker recurse once per level of the tree, so a rule nested 1,000 deep ended in a
# RecursionError with no place; a literal must be a number a money or rate could be.
MAX_RULE_CHARS = 2_000
MAX_RULE_DEPTH = 40
MAX_LITERAL = Decimal("1e15")
MAX_LITERAL_DIGITS = 30


class RuleError(ValueError):
    """A rule that cannot be accepted; ``line``/``column`` are 1-based within the rule text."""

    def __init__(self, message: str, line: int, column: int, rule: str) -> None:
        self.message = message
        self.line = line
        self.column = column
        self.rule = rule
        zh, en = (message.zh, message.en) if isinstance(message, Text) else (message, message)
        super().__init__(Text(f"{zh}（第 {line} 行第 {column} 列）", f"{en} (line {line}, column {column})"))


@dataclass(frozen=True)
class AreaFunction:
    """A count or share over the level below, e.g. ``households_failing('water')``."""

    name: str
    prefix: str  # the fact-table column is prefix + '__' + indicator
    kind: Kind
    argument: str  # which indicator set the argument names: 'household' or 'village'
    doc: str

    @property
    def missing(self) -> tuple[str, str]:
        """What a NULL result means: nothing to count."""
        if self.argument == MEMBER_ARGUMENT:
            return ("无适用人员", "no members it applies to")
        if self.argument == "household":
            return ("无评估农户", "no households assessed")
        return ("无行政村", "no villages")


# the argument of a function over people: a household indicator judged per member ('per: member')
MEMBER_ARGUMENT = "household_per_member"
AREA_FUNCTIONS: dict[Level, dict[str, AreaFunction]] = {
    "village": {},
    "county": {},
}
for _level in ("village", "county"):
    AREA_FUNCTIONS[_level].update({  # type: ignore[index]
        "households_failing": AreaFunction("households_failing", "hf", "number", "household",
                                           "assessed households whose result for the indicator is not 'pass'"),
        "households_passing": AreaFunction("households_passing", "hp", "number", "household",
                                           "assessed households that pass the indicator"),
        "households_no_data": AreaFunction("households_no_data", "hd", "number", "household",
                                           "assessed households the indicator cannot judge for lack of data"),
        "exited_households_passing": AreaFunction("exited_households_passing", "he", "number", "household",
                                                  "exited households that pass the indicator"),
        "percent_members_passing": AreaFunction("percent_members_passing", "pq", "number", MEMBER_ARGUMENT,
                                                "share of the members a per-member indicator applies to who "
                                                "pass it (percent): people, not households"),
        "percent_households_passing": AreaFunction("percent_households_passing", "hq", "number", "household",
                                                   "share of assessed households passing the indicator (percent)"),
    })
AREA_FUNCTIONS["county"].update({
    "villages_failing": AreaFunction("villages_failing", "vf", "number", "village",
                                     "villages whose result for the indicator is not 'pass'"),
    "percent_villages_passing": AreaFunction("percent_villages_passing", "vq", "number", "village",
                                             "share of villages passing the indicator (percent)"),
    "poor_villages_failing": AreaFunction("poor_villages_failing", "pvf", "number", "village",
                                          "poor villages whose result for the indicator is not 'pass'"),
})
VERDICT = "verdict"  # the argument naming the overall verdict rather than one indicator

_FACT_KINDS: dict[str, Kind] = {"bool": "bool", "int": "number", "money": "number", "decimal": "number",
                                "rate": "number", "text": "text"}


@dataclass(frozen=True)
class Scope:
    """Names a rule may use at one level."""

    level: Level
    facts: Mapping[str, Fact]
    parameters: Mapping[str, tuple[Decimal, str]]  # name -> (value, unit)
    functions: Mapping[str, AreaFunction] = field(default_factory=dict)
    lower_indicators: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # 'household' -> names

    @classmethod
    def for_level(cls, level: Level, parameters: Mapping[str, tuple[Decimal, str]],
                  lower_indicators: Mapping[str, tuple[str, ...]] | None = None) -> Scope:
        return cls(level, facts_of(level), parameters, AREA_FUNCTIONS.get(level, {}), lower_indicators or {})


@dataclass
class Checked:
    """What a rule uses, collected while checking it."""

    facts: list[str] = field(default_factory=list)
    parameters: list[str] = field(default_factory=list)
    derived: list[tuple[str, str, str]] = field(default_factory=list)  # (column, function, indicator)


def _bound_text(text: str) -> None:
    """Length, and nesting of brackets (outside quotes), checked before the parser sees the text."""
    if len(text) > MAX_RULE_CHARS:
        raise RuleError(Text(f"表达式有 {len(text):,} 个字符，超过上限 {MAX_RULE_CHARS:,}；请拆成几个指标或参数",
                             f"the rule has {len(text):,} characters, over the limit of {MAX_RULE_CHARS:,}; split it"),
                        *_position(text, MAX_RULE_CHARS), text)
    depth, quote = 0, ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
            if depth > MAX_RULE_DEPTH:
                raise RuleError(_too_deep(), *_position(text, i), text)
        elif ch == ")":
            depth -= 1


def _too_deep() -> Text:
    return Text(f"表达式嵌套超过 {MAX_RULE_DEPTH} 层；请简化",
                f"the rule is nested deeper than {MAX_RULE_DEPTH} levels; simplify it")


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _depth(tree: exp.Expr) -> tuple[int, exp.Expr]:
    """The deepest level of the tree and a node there (walked without recursion)."""
    deepest, at = 0, tree
    stack: list[tuple[exp.Expr, int]] = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        if level > deepest:
            deepest, at = level, node
        stack.extend((child, level + 1) for child in node.iter_expressions())
    return deepest, at


def parse_rule(text: str) -> exp.Expr:
    _bound_text(text)
    try:
        statements = sqlglot.parse(text)
    except RecursionError:
        raise RuleError(_too_deep(), 1, 1, text) from None
    except (ParseError, TokenError) as err:
        errors = getattr(err, "errors", None) or [{}]
        first = errors[0]
        line, column = int(first.get("line") or 1), int(first.get("col") or 1)
        desc = first.get("description") or str(err).splitlines()[0]
        raise RuleError(Text(f"无法解析的表达式：{desc}", f"cannot parse: {desc}"), line, column, text) from None
    real = [s for s in statements if s is not None]
    if len(real) != 1:
        raise RuleError(Text("只能有一个表达式", "exactly one expression is allowed"), 1, 1, text)
    return real[0]


class _Checker:
    def __init__(self, text: str, scope: Scope, table: str) -> None:
        self.text = text
        self.scope = scope
        self.table = table
        self.used = Checked()

    # -- positions ---------------------------------------------------------------------------
    def _offset(self, node: exp.Expr) -> int:
        if isinstance(node, (exp.Create, exp.Drop, exp.Insert, exp.Update, exp.Delete, exp.Alter, exp.Command)):
            return 0  # a statement: point at its start
        starts = [n.meta["start"] for n in node.walk() if n._meta and "start" in n.meta]
        offset = min(starts) if starts else 0
        if isinstance(node, (exp.Select, exp.Subquery, exp.Query)):
            tokens = [t for t in Tokenizer().tokenize(self.text) if t.start <= offset]
            for tok in reversed(tokens):
                if tok.token_type in (TokenType.SELECT, TokenType.L_PAREN):
                    return tok.start
        return offset

    def fail(self, node: exp.Expr, message: Text) -> RuleError:
        offset = self._offset(node)
        before = self.text[:offset]
        line = before.count("\n") + 1
        column = offset - (before.rfind("\n") + 1) + 1
        return RuleError(message, line, column, self.text)

    # -- checking ------------------------------------------------------------------------------
    def check(self, node: exp.Expr) -> tuple[exp.Expr, Kind]:
        handler = _HANDLERS.get(type(node))
        if handler is None:
            what = _describe(node)
            raise self.fail(node, Text(f"不允许的语法：{what.zh}", f"construct not allowed: {what.en}"))
        return handler(self, node)

    def condition(self, node: exp.Expr) -> exp.Expr:
        out, kind = self.check(node)
        if kind not in ("bool", "null"):
            raise self.fail(node, Text(f"此处需要条件（真/假），得到{_KIND_ZH[kind]}",
                                       f"a condition is needed here, got {kind}"))
        return out

    def name(self, node: exp.Column) -> tuple[exp.Expr, Kind]:
        if node.table or node.args.get("db") or node.args.get("catalog"):
            raise self.fail(node, Text("不允许引用表名", "table-qualified names are not allowed"))
        name = node.name
        fact = self.scope.facts.get(name)
        if fact is not None:
            if name not in self.used.facts:
                self.used.facts.append(name)
            return exp.column(name, table=self.table), _FACT_KINDS[fact.kind]
        if name in self.scope.parameters:
            value, _unit = self.scope.parameters[name]
            if name not in self.used.parameters:
                self.used.parameters.append(name)
            return exp.Literal.number(_plain(value)), "number"
        hint = _hint(name, self.scope)
        raise self.fail(node, Text(f"未知的事实或参数 {name!r}{hint.zh}",
                                   f"unknown fact or parameter {name!r}{hint.en}"))

    def literal(self, node: exp.Literal) -> tuple[exp.Expr, Kind]:
        if node.is_string:
            return exp.Literal.string(node.this), "text"
        try:
            number = Decimal(node.this)
        except ArithmeticError:
            raise self.fail(node, Text(f"不是数字：{node.this}", f"not a number: {node.this}")) from None
        digits = len(number.as_tuple().digits)
        if not number.is_finite() or number.copy_abs() > MAX_LITERAL or digits > MAX_LITERAL_DIGITS:
            raise self.fail(node, Text(f"数值超出范围：{node.this[:40]}（绝对值不超过 {MAX_LITERAL:,.0f}，"
                                       f"最多 {MAX_LITERAL_DIGITS} 位）",
                                       f"number out of range: {node.this[:40]} (at most {MAX_LITERAL:,.0f} in size, "
                                       f"{MAX_LITERAL_DIGITS} digits)"))
        return exp.Literal.number(node.this), "number"

    def logic(self, node: exp.Expr) -> tuple[exp.Expr, Kind]:
        left = self.condition(node.this)
        right = self.condition(node.expression)
        return type(node)(this=left, expression=right), "bool"

    def negate(self, node: exp.Not) -> tuple[exp.Expr, Kind]:
        return exp.Not(this=self.condition(node.this)), "bool"

    def paren(self, node: exp.Paren) -> tuple[exp.Expr, Kind]:
        inner, kind = self.check(node.this)
        return exp.Paren(this=inner), kind

    def compare(self, node: exp.Expr) -> tuple[exp.Expr, Kind]:
        left, lk = self.check(node.this)
        right, rk = self.check(node.expression)
        self._same(node, lk, rk)
        self._codes(node.this, node.expression)
        self._codes(node.expression, node.this)
        return type(node)(this=left, expression=right), "bool"

    def between(self, node: exp.Between) -> tuple[exp.Expr, Kind]:
        value, kind = self.check(node.this)
        low, lk = self.check(node.args["low"])
        high, hk = self.check(node.args["high"])
        for k in (lk, hk):
            self._same(node, kind, k)
        if kind != "number":
            raise self.fail(node, Text("BETWEEN 只用于数字", "BETWEEN needs numbers"))
        return exp.Between(this=value, low=low, high=high), "bool"

    def in_list(self, node: exp.In) -> tuple[exp.Expr, Kind]:
        if node.args.get("query") or node.args.get("unnest") or node.args.get("field"):
            raise self.fail(node, Text("IN 只能跟值列表，不允许子查询", "IN takes a list of values, not a subquery"))
        value, kind = self.check(node.this)
        items = []
        for item in node.expressions:
            if not isinstance(item, (exp.Literal, exp.Column, exp.Neg)):
                raise self.fail(item, Text("IN 列表只能是值", "IN lists hold plain values"))
            out, ik = self.check(item)
            self._same(item, kind, ik)
            self._codes(node.this, item)
            items.append(out)
        return exp.In(this=value, expressions=items), "bool"

    def is_(self, node: exp.Is) -> tuple[exp.Expr, Kind]:
        value, _ = self.check(node.this)
        if not isinstance(node.expression, exp.Null):
            raise self.fail(node, Text("只支持 IS NULL 或 IS NOT NULL", "only IS [NOT] NULL is allowed"))
        return exp.Is(this=value, expression=exp.Null()), "bool"

    def arithmetic(self, node: exp.Expr) -> tuple[exp.Expr, Kind]:
        left, lk = self.check(node.this)
        right, rk = self.check(node.expression)
        for k, side in ((lk, node.this), (rk, node.expression)):
            if k not in ("number", "null"):
                raise self.fail(side, Text("算术运算只用于数字", "arithmetic needs numbers"))
        return type(node)(this=left, expression=right), "number"

    def neg(self, node: exp.Neg) -> tuple[exp.Expr, Kind]:
        inner, kind = self.check(node.this)
        if kind != "number":
            raise self.fail(node, Text("负号只用于数字", "minus needs a number"))
        return exp.Neg(this=inner), "number"

    def constant(self, node: exp.Expr) -> tuple[exp.Expr, Kind]:
        if isinstance(node, exp.Null):
            return exp.Null(), "null"
        return exp.Boolean(this=node.this), "bool"

    def coalesce(self, node: exp.Coalesce) -> tuple[exp.Expr, Kind]:
        first, kind = self.check(node.this)
        rest = []
        for item in node.expressions:
            out, k = self.check(item)
            self._same(item, kind, k)
            rest.append(out)
        return exp.Coalesce(this=first, expressions=rest), kind

    def numeric_function(self, node: exp.Expr) -> tuple[exp.Expr, Kind]:
        args = {}
        for key, value in node.args.items():
            if value is None:
                continue
            values = value if isinstance(value, list) else [value]
            checked = []
            for v in values:
                if not isinstance(v, exp.Expr):
                    raise self.fail(node, Text(f"不允许的参数：{v!r}", f"argument not allowed: {v!r}"))
                out, k = self.check(v)
                if k not in ("number", "null"):
                    raise self.fail(v, Text("函数参数须为数字", "the function needs numbers"))
                checked.append(out)
            args[key] = checked if isinstance(value, list) else checked[0]
        return type(node)(**args), "number"

    def area_function(self, node: exp.Anonymous) -> tuple[exp.Expr, Kind]:
        name = str(node.this).lower()
        func = self.scope.functions.get(name)
        if func is None:
            known = ", ".join(sorted(self.scope.functions)) or "—"
            raise self.fail(node, Text(f"不允许的函数 {name}()（可用：{known}）",
                                       f"function {name}() is not allowed (allowed: {known})"))
        args = node.expressions
        if len(args) != 1 or not isinstance(args[0], exp.Literal) or not args[0].is_string:
            raise self.fail(node, Text(f"{name}() 需要一个指标名（字符串）",
                                       f"{name}() takes one indicator name in quotes"))
        indicator = args[0].this
        allowed = self.scope.lower_indicators.get(func.argument, ())
        if func.argument == MEMBER_ARGUMENT:  # people: only an indicator judged member by member
            if indicator not in allowed:
                known = ", ".join(allowed) or "—"
                raise self.fail(args[0], Text(f"{name}() 需要逐人判定的户级指标（per: member），{indicator!r} 不是"
                                              f"（已有：{known}）",
                                              f"{name}() needs a household indicator judged per member "
                                              f"(per: member); {indicator!r} is not one (known: {known})"))
        elif indicator != VERDICT and indicator not in allowed:
            known = f"{', '.join(allowed) or '—'}, {VERDICT}"
            raise self.fail(args[0], Text(f"{func.argument} 级无指标 {indicator!r}（已有：{known}）",
                                          f"no {func.argument} indicator {indicator!r} (known: {known})"))
        column = f"{func.prefix}__{indicator}"
        self.used.derived.append((column, name, indicator))
        return exp.column(column, table=self.table), func.kind

    # -- helpers -------------------------------------------------------------------------------
    def _same(self, node: exp.Expr, a: Kind, b: Kind) -> None:
        if "null" in (a, b) or a == b:
            return
        raise self.fail(node, Text(f"类型不一致：{_KIND_ZH[a]}与{_KIND_ZH[b]}", f"cannot compare {a} with {b}"))

    def _codes(self, named: exp.Expr, value: exp.Expr) -> None:
        """A text fact compared with a quoted code: the code must be in the fact's code list."""
        if not (isinstance(named, exp.Column) and isinstance(value, exp.Literal) and value.is_string):
            return
        fact = self.scope.facts.get(named.name)
        if fact is None or fact.codes is None:
            return
        codes = code_lists()[fact.codes].codes
        if value.this not in codes:
            raise self.fail(value, Text(f"{fact.name} 没有代码 {value.this!r}（可用：{', '.join(codes)}）",
                                        f"{fact.name} has no code {value.this!r}"))


_KIND_ZH = {"bool": "条件", "number": "数字", "text": "文本", "null": "空值"}

_HANDLERS: dict[type, Callable[[_Checker, exp.Expr], tuple[exp.Expr, Kind]]] = {
    exp.And: _Checker.logic,
    exp.Or: _Checker.logic,
    exp.Not: _Checker.negate,  # type: ignore[dict-item]
    exp.Paren: _Checker.paren,  # type: ignore[dict-item]
    exp.EQ: _Checker.compare,
    exp.NEQ: _Checker.compare,
    exp.GT: _Checker.compare,
    exp.GTE: _Checker.compare,
    exp.LT: _Checker.compare,
    exp.LTE: _Checker.compare,
    exp.Between: _Checker.between,  # type: ignore[dict-item]
    exp.In: _Checker.in_list,  # type: ignore[dict-item]
    exp.Is: _Checker.is_,  # type: ignore[dict-item]
    exp.Add: _Checker.arithmetic,
    exp.Sub: _Checker.arithmetic,
    exp.Mul: _Checker.arithmetic,
    exp.Div: _Checker.arithmetic,
    exp.Neg: _Checker.neg,  # type: ignore[dict-item]
    exp.Column: _Checker.name,  # type: ignore[dict-item]
    exp.Literal: _Checker.literal,  # type: ignore[dict-item]
    exp.Boolean: _Checker.constant,
    exp.Null: _Checker.constant,
    exp.Coalesce: _Checker.coalesce,  # type: ignore[dict-item]
    exp.Round: _Checker.numeric_function,
    exp.Abs: _Checker.numeric_function,
    exp.Least: _Checker.numeric_function,
    exp.Greatest: _Checker.numeric_function,
    exp.Anonymous: _Checker.area_function,  # type: ignore[dict-item]
}


def _describe(node: exp.Expr) -> Text:
    if isinstance(node, (exp.Select, exp.Subquery, exp.Query)):
        return Text("子查询", "subquery")
    if isinstance(node, exp.Func):
        return Text(f"函数 {node.sql_name()}()", f"function {node.sql_name()}()")
    if isinstance(node, (exp.Create, exp.Drop, exp.Insert, exp.Update, exp.Delete, exp.Alter)):
        return Text(f"语句 {node.key.upper()}", f"statement {node.key.upper()}")
    if isinstance(node, exp.Star):
        return Text("*", "*")
    return Text(node.key.upper(), node.key.upper())


def _hint(name: str, scope: Scope) -> Text:
    for level in ("member", "household", "village", "county"):
        if level != scope.level and name in facts_of(level):  # type: ignore[arg-type]
            return Text(f"；{name} 是{level}级事实", f"; {name} is a {level} fact")
    close = [n for n in (*scope.facts, *scope.parameters) if n.startswith(name[:4])]
    names = ", ".join(close[:3])
    return Text(f"；是否指：{names}", f"; did you mean: {names}") if close else Text("", "")


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text


def check_rule(text: str, scope: Scope, table: str = "f") -> tuple[exp.Expr, Checked]:
    """Parse, check and rewrite ``text``; return the condition (over ``table``) and what it uses."""
    if not text.strip():
        raise RuleError(Text("表达式为空", "the rule is empty"), 1, 1, text)
    tree = parse_rule(text)
    checker = _Checker(text, scope, table)
    deepest, at = _depth(tree)
    if deepest > MAX_RULE_DEPTH:  # a long chain (a AND b AND c ...) nests as deep as it is long
        raise checker.fail(at, _too_deep())
    condition = checker.condition(tree)
    return condition, checker.used


def compile_rule(text: str, scope: Scope, table: str = "f") -> exp.Expr:
    return check_rule(text, scope, table)[0]
