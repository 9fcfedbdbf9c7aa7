"""The Typer application and Django start-up shared by every command module."""

from __future__ import annotations

import os

import typer
import typer.rich_utils
from rich.console import Console
from rich.text import Text

from .text import bi, said

app = typer.Typer(
    name="liangfang",
    help=bi("良方：精准扶贫建档立卡、评估、帮扶与监测系统",
            "Liangfang: precision poverty alleviation registry, assessment, planning and monitoring"),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
console = Console()
err_console = Console(stderr=True)


def _help_text_folds() -> None:
    """Help text wraps and folds; it is never cut with "…".

    Typer draws command and option help in table cells whose overflow is rich's default, "ellipsis":
    Chinese text has no spaces to wrap at, so a long line ended in "…" at 80 columns. Typer has no
    setting for it; its one function that makes each help text is wrapped so the text folds.
    """
    make = typer.rich_utils._make_rich_text
    if getattr(make, "folds", False):
        return

    def make_folding(*, text: str, style: str = "", markup_mode: typer.rich_utils.MarkupModeStrict) -> object:
        made = make(text=text, style=style, markup_mode=markup_mode)
        if isinstance(made, Text):
            made.overflow = "fold"
        return made

    make_folding.folds = True  # type: ignore[attr-defined]
    typer.rich_utils._make_rich_text = make_folding  # type: ignore[assignment]


_help_text_folds()


def setup_django() -> None:
    """Configure Django once; commands call this before touching the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liangfang.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def migrate(verbosity: int = 0) -> None:
    """Bring the database schema up to date (creates the SQLite file when missing)."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error for a user (a Text in the chosen language) and return the exit to raise."""
    err_console.print(f"[bold red]{bi('错误', 'Error')}:[/] {said(message)}")
    return typer.Exit(code)
