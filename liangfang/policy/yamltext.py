"""YAML reading that keeps line numbers, so a problem in a pack can point at its line.

Floats are read as ``Decimal`` (money and rates must stay exact); every mapping key and list
item records the line and column where its value starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

Path = tuple[str | int, ...]


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


def _decimal(loader: _Constructor, node: yaml.Node) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")  # type: ignore[arg-type]
    return Decimal(text)


_Constructor.add_constructor("tag:yaml.org,2002:float", _decimal)  # type: ignore[type-var]


def read_yaml(text: str) -> YamlDocument:
    """Parse one YAML document into plain data plus a map of positions.

    Raises ``yaml.YAMLError`` (with ``problem_mark``) on malformed YAML.
    """
    node = yaml.compose(text, Loader=yaml.SafeLoader)
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
