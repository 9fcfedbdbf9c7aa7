"""YAML reading that keeps line numbers, so a problem in a pack can point at its line.

Floats are read as ``Decimal`` (money and rates must stay exact); every mapping key and list
item records the line and column where its value starts.

Bounded (issue 13, medium 9), each refusal a ``yaml.YAMLError`` with the line it concerns: a
document of at most ``MAX_CHARS`` characters; no aliases (``*name``: a pack has no use for them,
and a 1 KB document of nested aliases expands to billions of nodes); nesting at most ``MAX_DEPTH``
levels; numbers within ``MAX_NUMBER`` in size, finite, with at most ``MAX_DIGITS`` digits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent, CollectionStartEvent

from ..domain.text import Text

Path = tuple[str | int, ...]

MAX_CHARS = 1_000_000
MAX_DEPTH = 40
MAX_DIGITS = 30
MAX_NUMBER = Decimal("1e15")


@dataclass
class YamlDocument:
    data: Any
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)  # path -> (line, column), 1-based

    def line_of(self, path: Path) -> int | None:
        """The line of ``path`` or of its nearest ancestor that has one."""
        probe = tuple(path)
        while probe:
            if probe in self.positions:
                return self.positions[probe][0]
            probe = probe[:-1]
        return self.positions.get((), (None, None))[0]

    def position_of(self, path: Path) -> tuple[int, int] | None:
        probe = tuple(path)
        while probe:
            if probe in self.positions:
                return self.positions[probe]
            probe = probe[:-1]
        return None


class _Constructor(SafeConstructor):
    pass


def _bounded(node: yaml.Node, number: Decimal) -> Decimal:
    if not number.is_finite() or number.copy_abs() > MAX_NUMBER or len(number.as_tuple().digits) > MAX_DIGITS:
        raise ConstructorError(None, None, Text(f"数值超出范围（绝对值不超过 {MAX_NUMBER:,.0f}，最多 {MAX_DIGITS} 位）",
                                                f"number out of range: at most {MAX_NUMBER:,.0f} in size and "
                                                f"{MAX_DIGITS} digits"),
                               node.start_mark)
    return number


def _decimal(loader: _Constructor, node: yaml.Node) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")  # type: ignore[arg-type]
    try:
        number = Decimal(text)
    except ArithmeticError:  # .inf, .nan spelled the YAML way
        number = Decimal("NaN")
    return _bounded(node, number)


def _int(loader: _Constructor, node: yaml.Node) -> int:
    text = str(loader.construct_scalar(node)).replace("_", "")  # type: ignore[arg-type]
    if len(text.lstrip("+-0")) > MAX_DIGITS:  # before int(): a million digits would take seconds
        _bounded(node, Decimal("Infinity"))
    value = int(SafeConstructor.construct_yaml_int(loader, node))  # type: ignore[arg-type]
    _bounded(node, Decimal(value))
    return value


_Constructor.add_constructor("tag:yaml.org,2002:float", _decimal)  # type: ignore[type-var]
_Constructor.add_constructor("tag:yaml.org,2002:int", _int)  # type: ignore[type-var]


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases and nesting deeper than MAX_DEPTH while composing
    (before any node is built). Hand-written: PyYAML has no such options."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:  # type: ignore[override]
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise ComposerError(None, None, Text("不允许使用别名（*name）；请直接写出内容",
                                                 "aliases (*name) are not allowed in a pack; write the value out"),
                                event.start_mark)
        collection = self.check_event(CollectionStartEvent)
        if collection:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise ComposerError(None, None, Text(f"嵌套超过 {MAX_DEPTH} 层",
                                                     f"nested deeper than {MAX_DEPTH} levels"),
                                    self.peek_event().start_mark)
        try:
            return super().compose_node(parent, index)  # type: ignore[no-any-return, arg-type]
        finally:
            if collection:
                self._depth -= 1


def read_yaml(text: str) -> YamlDocument:
    """Parse one YAML document into plain data plus a map of positions.

    Raises ``yaml.YAMLError`` (with ``problem_mark``) on malformed YAML.
    """
    if len(text) > MAX_CHARS:
        raise yaml.YAMLError(Text(f"文件有 {len(text):,} 个字符，超过上限 {MAX_CHARS:,}",
                                  f"the file has {len(text):,} characters, over the limit of {MAX_CHARS:,}"))
    node = yaml.compose(text, Loader=_BoundedLoader)
    doc = YamlDocument(data=None)
    if node is None:
        return doc
    constructor = _Constructor()
    doc.data = _build(node, (), doc, constructor)
    return doc


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _build(node: yaml.Node, path: Path, doc: YamlDocument, constructor: _Constructor) -> Any:
    doc.positions[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            if isinstance(key, (dict, list)):
                raise ConstructorError(
                    None, None, "mapping keys must be plain values", key_node.start_mark)
            if key in out:
                raise ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            child = (*path, key)
            out[key] = _build(value_node, child, doc, constructor)
            doc.positions[child] = _mark(key_node)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), doc, constructor) for i, item in enumerate(node.value)]
    return constructor.construct_object(node, deep=True)
