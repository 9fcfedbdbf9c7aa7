"""The ``liangfang`` command. Each module below adds its commands to the shared app."""

from __future__ import annotations

from importlib import import_module

from .app import app

# One module per concern; each registers its commands on ``app`` when imported.
COMMAND_MODULES = (
    "liangfang.cli.setup_cmds",
    "liangfang.cli.io_cmds",
    "liangfang.cli.policy_cmds",
    "liangfang.cli.assess_cmds",
    "liangfang.cli.account_cmds",
    "liangfang.cli.synth_cmds",
    "liangfang.cli.plan_cmds",
    "liangfang.cli.audit_cmds",
    "liangfang.cli.calendar_cmds",
    "liangfang.cli.monitor_cmds",
    "liangfang.cli.measures_cmds",
    "liangfang.cli.sample_cmds",
    "liangfang.cli.region_cmds",
)

for _name in COMMAND_MODULES:
    import_module(_name)


def main() -> None:
    app()


__all__ = ["app", "main"]
