"""Every environment variable the code reads is documented in the README's configuration table."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import liangfang

PACKAGE = Path(liangfang.__file__).parent
README = PACKAGE.parent / "README.md"
READERS = {"get", "getenv", "env_bool", "env_secret"}  # os.environ.get, os.getenv, settings' typed helpers


def variables_read() -> dict[str, str]:
    """Each variable name the package reads, with where it is first read."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            name: str | None = None
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
                on_environ = isinstance(func, ast.Attribute) and (
                    (isinstance(func.value, ast.Attribute) and func.value.attr == "environ")
                    or (isinstance(func.value, ast.Name) and func.value.id in ("os", "environ")))
                value = node.args[0].value
                if called in READERS and (on_environ or called.startswith("env_")) and isinstance(value, str):
                    name = value
                    if called == "env_secret":
                        found.setdefault(f"{name}_FILE", f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
            elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and \
                    node.value.attr == "environ" and isinstance(node.slice, ast.Constant) and \
                    isinstance(node.slice.value, str):
                name = node.slice.value
            if isinstance(name, str):
                found.setdefault(name, f"{path.relative_to(PACKAGE.parent)}:{getattr(node, 'lineno', 0)}")
    return found


def documented() -> set[str]:
    text = README.read_text("utf-8")
    table = text[text.index("## Configuration"):]
    table = table[:table.index("\n## ", 1)]
    return set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))


def test_every_variable_read_is_in_the_readmes_configuration_table() -> None:
    read = variables_read()
    assert {"DATABASE_URL", "LIANGFANG_LANG", "LIANGFANG_SECRET_KEY_FILE"} <= set(read)  # the scan finds them
    missing = {name: where for name, where in read.items() if name not in documented()}
    assert missing == {}, f"document these in README.md's configuration table: {missing}"
