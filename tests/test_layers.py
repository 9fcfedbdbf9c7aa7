"""The layers hold: the ground floor (``liangfang/domain``), the engine, the policy packs and the
synth's generators import without Django settings, and the engine and policy never import an app
package, absolutely or relatively (see docs/architecture.md)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import liangfang

PACKAGE = Path(liangfang.__file__).parent
APPS = ("registry", "plans", "pairing", "assessments", "accounts", "web", "cli", "procedures", "monitoring", "measures",
        "audit")
WITHOUT_DJANGO = ("domain", "engine", "policy")
# The synth's generators: every synth module but the one that loads a district into the database.
SYNTH_LOADER = "taobei"


def _modules(*folders: str) -> list[str]:
    names = []
    for folder in folders:
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _generators() -> list[str]:
    return [m for m in _modules("synth") if m.rsplit(".", 1)[-1] != SYNTH_LOADER]


def test_the_floor_the_engine_policy_and_generators_import_without_django_settings() -> None:
    modules = _modules(*WITHOUT_DJANGO) + _generators()
    assert "liangfang.domain.problems" in modules and "liangfang.synth.district" in modules
    script = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n" \
             "assert 'django.conf' not in sys.modules or not __import__('django.conf').conf.settings.configured\n"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, "-c", script, *modules], env=env, capture_output=True, text=True,
                          cwd=PACKAGE.parent)
    assert done.returncode == 0, done.stderr[-3000:]


def _imported(path: Path, root: Path = PACKAGE.parent) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, relative ones resolved."""
    package = list(path.relative_to(root).parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def _app_imports(folder: str) -> list[str]:
    bad = []
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        for line, module in _imported(path):
            parts = module.split(".")
            if module.startswith("django") or (parts[0] == "liangfang" and len(parts) > 1 and parts[1] in APPS):
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    return bad


def test_the_engine_and_policy_import_no_app_package() -> None:
    assert [bad for folder in WITHOUT_DJANGO for bad in _app_imports(folder)] == []


def test_the_import_walk_resolves_relative_imports(tmp_path: Path) -> None:
    """``from ..registry.models import X`` in the engine is the registry (so the test above can fail)."""
    module = tmp_path / "liangfang" / "engine" / "probe.py"
    module.parent.mkdir(parents=True)
    module.write_text("from ..registry.models import Household\nfrom . import facts\nimport liangfang.web.views\n")
    assert [m for _, m in _imported(module, tmp_path)] == [
        "liangfang.registry.models", "liangfang.registry.models.Household", "liangfang.engine",
        "liangfang.engine.facts", "liangfang.web.views"]
