"""The examples in the package's docstrings run as tests: an example that no longer holds fails."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import liangfang

PACKAGE = Path(liangfang.__file__).parent


def _with_examples() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if ">>> " in path.read_text("utf-8"):
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = _with_examples()


def test_the_examples_are_found() -> None:
    assert {"liangfang.policy.years", "liangfang.domain.text", "liangfang.plans.delivery_rules"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0  # a module whose examples all need a database marks them +SKIP
