"""Fixtures shared by the whole suite."""

from collections.abc import Iterator

import pytest

from liangfang.cli.app import console, err_console


@pytest.fixture(autouse=True)
def wide_console() -> Iterator[None]:
    """Command output is laid out for a 200-column terminal in every test, whatever terminal
    (or none) the suite runs under, so assertions on table rows do not depend on wrapping."""
    saved = [(c, c._width) for c in (console, err_console)]
    for c, _ in saved:
        c.width = 200
    yield
    for c, width in saved:
        c._width = width
