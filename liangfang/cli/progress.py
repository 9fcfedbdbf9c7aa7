"""Progress bars for long commands (rich): on standard error, and only when it is a terminal.

Output redirected to a file or a pipe gets no bars or spinners: only the command's results."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from .app import err_console
from .text import said


class Advance:
    """A callback for services: ``advance(n)`` moves the bar; ``advance.set_total(n)`` sizes it."""

    def __init__(self, progress: Progress, task: object) -> None:
        self._progress = progress
        self._task = task

    def __call__(self, n: int = 1) -> None:
        self._progress.advance(self._task, n)  # type: ignore[arg-type]

    def set_total(self, total: int) -> None:
        self._progress.update(self._task, total=total)  # type: ignore[arg-type]

    def describe(self, text: str) -> None:
        self._progress.update(self._task, description=text)  # type: ignore[arg-type]

    def steps(self, extra: int = 0) -> Callable[[str, int, int], None]:
        """A callback for the engine's ``progress(label, done, total)``: one step of the bar per call,
        labelled, on a bar of ``total + extra`` steps (``extra`` for the caller's own steps after)."""

        def step(label: str, done: int, total: int) -> None:
            self.set_total(total + extra)
            self.describe(said(label))  # the engine's labels are Texts: in the chosen language
            self(1)

        return step


def live_progress(*columns: ProgressColumn | str, transient: bool = False) -> Progress:
    """A rich Progress on standard error, drawn only when standard error is a terminal."""
    return Progress(*columns, console=err_console, transient=transient, disable=not err_console.is_terminal)


@contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator[Advance]:
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    with live_progress(*columns) as progress:
        task = progress.add_task(description, total=total)
        yield Advance(progress, task)
