"""Read queries of the hot pages, compiled to SQL once per process and run again with new values.

Building a Django queryset and compiling it to SQL costs more than PostgreSQL takes to answer the
small indexed reads of a household page (about 0.5 ms of Python against 0.1 ms in the database,
twelve times a page). A ``Prepared`` query is written as an ordinary queryset, once, as a function
of its parameters; the first run on a connection compiles it with stand-in values, notes where
each value sits among the SQL parameters, and keeps the SQL. Later runs substitute the values and
execute the SQL directly, then build rows exactly as the queryset would: model instances (with
``select_related`` objects, deferred fields and annotations) or ``values_list`` tuples, through
the same converters.

Only int and str parameters compared as they are (``field=value``) can be substituted; anything
else (a ``__startswith``, an ``__in`` list whose length varies, a date, a boolean, a query Django
compiles to nothing for the stand-in values) raises ``NotPreparable`` when the query is compiled,
before anything runs, and the caller uses the ORM. ``tests/test_prepared.py`` checks each kind of
query (models, related objects, deferred fields, tuples, unions, counts) against its queryset on
SQLite and PostgreSQL; ``tests/web/test_list_rows.py`` does the same for the household list.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import ValuesListIterable, get_related_populators
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)

_STAND_INS = itertools.count(1)


class NotPreparable(ValueError):
    """The queryset cannot be reused with other values (see the module's docstring)."""


def _stand_in(value: Any) -> Any:
    """A value of the same type that no real parameter equals."""
    n = next(_STAND_INS)
    if isinstance(value, bool):
        raise NotPreparable("a boolean parameter cannot be told apart from constants; make it part of the query")
    if isinstance(value, int):
        return -(1_700_000_000 + n)  # inside a 32-bit integer field's range: out of it, Django matches nothing
    if isinstance(value, str):
        return f"\x1eprepared-{n}\x1e"
    raise NotPreparable(f"parameters must be int or str, not {type(value).__name__}")


Builder = Callable[[Iterable[Sequence[Any]]], list[Any]]


@dataclass
class _Compiled:
    sql: str
    params: list[Any]
    slots: list[tuple[int, str]]  # (position among params, parameter name)
    compiler: SQLCompiler
    converters: dict[int, Any]  # the compiler's, worked out once
    build: Builder


def _model_rows(compiler: SQLCompiler, db: str) -> Builder:
    """Model instances from raw rows, the way Django's ModelIterable builds them."""
    select, klass_info, annotations = compiler.select, compiler.klass_info, compiler.annotation_col_map
    assert klass_info is not None
    model = klass_info["model"]
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    names = [f[0].target.attname for f in select[start:end]]
    populators = get_related_populators(klass_info, select, db)  # type: ignore[call-arg]  # stubs: Django 6

    def build(rows: Iterable[Sequence[Any]]) -> list[Any]:
        out = []
        for row in rows:
            obj = model.from_db(db, names, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in (annotations or {}).items():
                setattr(obj, name, row[position])
            out.append(obj)
        return out

    return build


def _tuple_rows(rows: Iterable[Sequence[Any]]) -> list[Any]:
    return [tuple(r) for r in rows]


class Prepared(Generic[M]):
    """``Prepared(lambda household_id: Member.objects.filter(household_id=household_id))``, then
    ``.all(household_id=5)`` → the members, as the queryset would give them."""

    def __init__(self, query: Callable[..., QuerySet[M, Any]]) -> None:
        self.query = query
        self._compiled: weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[bool, _Compiled]] = \
            weakref.WeakKeyDictionary()

    def _compile(self, connection: BaseDatabaseWrapper, values: dict[str, Any], counting: bool) -> _Compiled:
        stand_ins = {name: _stand_in(value) for name, value in values.items()}
        qs = self.query(**stand_ins)
        if counting:
            qs = qs.order_by().values_list("pk")
        if qs._prefetch_related_lookups:  # type: ignore[attr-defined]
            raise NotPreparable("prefetch_related runs further queries; read them separately")
        fields = qs._fields  # type: ignore[attr-defined]
        if qs._iterable_class is not ValuesListIterable and fields is not None:
            raise NotPreparable("use values_list() (tuples) or whole models")
        compiler = qs.query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            raise NotPreparable("the query matches nothing with stand-in values (none(), an empty slice, or a "
                                "value outside a small integer field's range): run it through the ORM") from None
        params = list(params)
        selected = [s[0] for s in compiler.select[0:compiler.col_count]]
        if compiler.has_composite_fields(selected):
            raise NotPreparable("composite primary keys are not supported")
        by_value = {v: k for k, v in stand_ins.items()}
        slots = [(i, by_value[p]) for i, p in enumerate(params) if _hashable(p) and p in by_value]
        texts = [v for v in stand_ins.values() if isinstance(v, str)]
        if any(isinstance(p, str) and p not in by_value and any(t in p for t in texts) for p in params):
            # e.g. SQLite's prefix range: the upper bound is the value plus a character, kept as a constant
            raise NotPreparable("a parameter reaches the SQL changed as well as as it is (a range built from it)")
        missing = set(stand_ins) - {name for _, name in slots}
        if missing:
            raise NotPreparable(f"parameter(s) {sorted(missing)} do not reach the SQL as they are (a lookup "
                                "other than equality changes them)")
        if counting:
            sql = f"SELECT COUNT(*) FROM ({sql}) counted"
            build: Builder = _tuple_rows
        elif qs._iterable_class is ValuesListIterable:
            query = qs.query
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
            if fields and names != [*fields, *(a for a in query.annotation_select if a not in fields)]:
                raise NotPreparable("list the values_list() fields in the order the query selects them")
            build = _tuple_rows
        else:
            build = _model_rows(compiler, connection.alias)
        converters = {} if counting else compiler.get_converters(selected)
        return _Compiled(sql, params, slots, compiler, converters, build)

    def _run(self, values: dict[str, Any], counting: bool = False) -> list[Any]:
        connection = connections["default"]
        kept = self._compiled.setdefault(connection, {})
        compiled = kept.get(counting)
        if compiled is None:
            compiled = kept[counting] = self._compile(connection, values, counting)
        params = list(compiled.params)
        for position, name in compiled.slots:
            params[position] = values[name]
        cursor = _cursor(connection)
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
        if compiled.converters:
            return compiled.build(compiled.compiler.apply_converters(rows, compiled.converters))
        return compiled.build(rows)

    def all(self, **values: Any) -> list[M]:
        """The model instances for these values."""
        return self._run(values)

    def tuples(self, **values: Any) -> list[tuple[Any, ...]]:
        """The rows of a ``values_list()`` query for these values."""
        return self._run(values)

    def count(self, **values: Any) -> int:
        """How many rows the query gives for these values (one ``SELECT COUNT(*)`` around it)."""
        return int(self._run(values, counting=True)[0][0])

    def first(self, **values: Any) -> M | None:
        """The first row or None (write the query with ``[:1]``)."""
        rows = self._run(values)
        return rows[0] if rows else None


# One cursor per connection for every kept query: Django's ``connection.cursor()`` costs about as
# much Python as running one of these small reads. A new one is made when the connection is new
# (Django reconnects after CONN_MAX_AGE or an error) or query logging is switched on or off (the
# test suite's query counts, Django's debug mode).
_CURSORS: weakref.WeakKeyDictionary[BaseDatabaseWrapper, tuple[Any, bool, Any]] = weakref.WeakKeyDictionary()


def _cursor(connection: BaseDatabaseWrapper) -> Any:
    connection.close_if_health_check_failed()
    kept = _CURSORS.get(connection)
    raw = connection.connection
    if kept is not None and raw is not None and kept[0] is raw and kept[1] == connection.queries_logged:
        return kept[2]
    cursor = connection.cursor()  # connects when needed
    _CURSORS[connection] = (connection.connection, connection.queries_logged, cursor)
    return cursor


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
