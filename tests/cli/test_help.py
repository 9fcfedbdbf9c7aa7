"""Every command and option is documented, in Chinese with English."""

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from liangfang.cli import app

runner = CliRunner()


def _commands() -> dict[str, Any]:
    group: Any = typer.main.get_command(app)
    return dict(group.commands)


def test_top_level_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in _commands():
        assert name in result.output


@pytest.mark.parametrize("name", sorted(_commands()))
def test_each_command_has_bilingual_help_and_documented_options(name: str) -> None:
    command = _commands()[name]
    assert command.help and " / " in command.help, f"{name} needs help text in zh / en"
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option" and param.name != "help":
            assert param.help, f"{name} --{param.name} has no help text"
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output


def test_readme_mentions_every_command() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for name in _commands():
        assert f"liangfang {name}" in readme, f"README.md does not document `liangfang {name}`"
