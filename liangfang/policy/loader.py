"""Finding, reading and merging policy packs (``extends:``) and validating them.

>>> load_pack("cn-national").poverty_line(2020)
Decimal('4000')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..domain.text import Text, joined, lines, message_of, render
from .schema import Pack
from .yamltext import Path as DataPath
from .yamltext import read_yaml

M = TypeVar("M", bound=BaseModel)

PACKS_PACKAGE = "liangfang.policy.packs"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack: where (file, line, item) and what."""

    file: str
    line: int | None
    item: str
    message: str

    def __str__(self) -> str:
        return self.shown("both")

    def text(self) -> str:
        """Where and what, a Text when the message is one."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        item = f" [{self.item}]" if self.item else ""
        return joined(where, item, ": ", self.message)

    def shown(self, language: str) -> str:
        """The problem with its message in ``language`` (zh, en; anything else: both)."""
        return render(self.text(), language)


class PackError(ValueError):
    """Problems of a pack, one per line; raised with a Text, so a face shows one language."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(lines(p.text() for p in problems))


@dataclass
class PackSource:
    """A merged pack's raw data with the file and line each value came from."""

    data: dict[str, Any]
    origins: dict[DataPath, tuple[str, int]] = field(default_factory=dict)
    files: tuple[str, ...] = ()

    def where(self, path: DataPath) -> tuple[str, int | None]:
        probe = tuple(path)
        while probe:
            if probe in self.origins:
                return self.origins[probe]
            probe = probe[:-1]
        return (self.files[-1] if self.files else "?", None)


def shipped_pack_names() -> list[str]:
    folder = resources.files(PACKS_PACKAGE)
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def _shipped_path(name: str, package: str = PACKS_PACKAGE) -> Path | None:
    candidate = resources.files(package).joinpath(f"{name}.yaml")
    return Path(str(candidate)) if candidate.is_file() else None


def _resolve(ref: str, relative_to: Path | None, package: str = PACKS_PACKAGE) -> Path:
    """A pack reference is a shipped pack name, or a file path (relative to the extending file)."""
    if relative_to is not None:
        for candidate in (relative_to.parent / ref, relative_to.parent / f"{ref}.yaml"):
            if candidate.is_file() and candidate.resolve() != relative_to.resolve():
                return candidate
    shipped = _shipped_path(ref, package)
    if shipped is not None:
        return shipped
    path = Path(ref)
    if path.is_file():
        return path
    raise FileNotFoundError(ref)


def _merge(base: Any, override: Any) -> Any:
    """Deep merge: mappings merge key by key, ``null`` removes a key, anything else replaces."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            if value is None:
                out.pop(key, None)
            elif key in out:
                out[key] = _merge(out[key], value)
            else:
                out[key] = value
        return out
    return override


def read_source(path: Path, _seen: tuple[Path, ...] = (), package: str = PACKS_PACKAGE) -> PackSource:
    """Read a pack file and everything it extends (a shipped name is looked up in ``package``);
    raise PackError on unreadable YAML."""
    name = str(path)
    if path.resolve() in _seen:
        raise PackError([Problem(name, None, "extends", Text("循环继承", "extends forms a cycle"))])
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackError([Problem(name, None, "", Text(f"无法读取文件：{exc.strerror}",
                                                      f"cannot read file: {exc.strerror}"))]) from None
    try:
        doc = read_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or message_of(exc)
        # the reader's own refusals (yamltext) are Text already
        raise PackError([Problem(name, line, "", joined(Text("YAML 格式错误：", "malformed YAML: "),
                                                        problem))]) from None
    if not isinstance(doc.data, dict):
        raise PackError([Problem(name, 1, "", Text("政策包须为键值映射", "a pack must be a YAML mapping"))])
    own_origins = {p: (name, pos[0]) for p, pos in doc.positions.items()}
    ref = doc.data.get("extends")
    if not ref:
        return PackSource(data=doc.data, origins=own_origins, files=(name,))
    try:
        base_path = _resolve(str(ref), path, package)
    except FileNotFoundError:
        raise PackError([Problem(name, doc.line_of(("extends",)), "extends",
                                 Text(f"找不到被继承的政策包 {ref!r}", f"extended pack {ref!r} not found"))]) from None
    base = read_source(base_path, (*_seen, path.resolve()), package)
    merged = _merge({k: v for k, v in base.data.items() if k != "extends"}, doc.data)
    origins = dict(base.origins)
    origins.update(own_origins)
    return PackSource(data=merged, origins=origins, files=(*base.files, name))


def _item(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)


def validate_source(source: PackSource) -> Pack:
    """Check the merged data against the schema; PackError lists every problem with its line."""
    return validated(Pack, source)


def validated(model: type[M], source: PackSource) -> M:
    """``source`` checked against ``model`` (a pack's schema); PackError lists every problem with its line."""
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            # pydantic adds the validator's own name for model validators; keep data keys only
            file, line = source.where(loc)
            problems.append(Problem(file, line, _item(loc), _message(err)))
        raise PackError(problems) from None


def _message(err: Any) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return Text("缺少必填项", "required item missing")
    if kind == "extra_forbidden":
        return Text("未知的项（拼写错误？）", "unknown item (misspelt?)")
    raised = (err.get("ctx") or {}).get("error")
    if isinstance(raised, ValueError):  # a validator's own message: a Text when it says one
        return message_of(raised)
    msg = str(err.get("msg", ""))
    return msg.removeprefix("Value error, ")


def load_pack_file(path: str | Path) -> Pack:
    return validate_source(read_source(Path(path)))


@cache
def _load_shipped(name: str) -> Pack:
    path = _shipped_path(name)
    if path is None:
        known = ", ".join(shipped_pack_names())
        raise PackError([Problem(name, None, "", Text(f"没有名为 {name!r} 的政策包；可用：{known}",
                                                      f"no shipped pack named {name!r}; available: {known}"))])
    return load_pack_file(path)


def load_pack(name_or_path: str | Path) -> Pack:
    """A shipped pack by name (``cn-national``) or a pack file by path; validated, cached by name."""
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or text.endswith((".yaml", ".yml")) or "/" in text:
        return load_pack_file(Path(text))
    return _load_shipped(text)
