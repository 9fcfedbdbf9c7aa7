"""Listings on the command line that never cut an identifier, a number or a message.

A rich table squeezes columns to fit the terminal and cuts what does not fit with "…" (an 80-column
terminal turned household numbers into ``2208021052010…`` and a reason into one character per
line). ``show(table)`` prints a table only when every column can keep its identifiers whole and its
text at a readable width; otherwise it prints one record per block (``header: value`` lines that
wrap). Identifier-like columns (every cell ASCII without spaces: numbers, codes, dates, money) keep
their full width; text columns fold rather than end in "…".

``emit(listing, fmt)`` writes a listing as a table, as CSV (a header, UTF-8 with a byte-order mark
so that Excel reads the Chinese) or as JSON (one object per line, for ``jq`` and pandas).
"""

from __future__ import annotations

import csv
import enum
import io
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .app import console, err_console
from .text import bi

# Cells of these characters stay whole: digits, letters, codes, dates, amounts, percentages.
_UNBREAKABLE = re.compile(r"[!-~—–]*")
TEXT_MIN_WIDTH = 8
HEADER_WORD = 8


class OutputFormat(enum.StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


FORMAT_HELP = bi("输出格式：table 表格（默认）、csv（带表头，UTF-8 BOM，可用 Excel 打开）、json（每行一个对象）",
                 "output format: table (default), csv (with a header, UTF-8 with BOM for Excel) or json "
                 "(one object per line)")


def _plain(cell: Any) -> Text:
    if isinstance(cell, Text):
        return cell
    return Text.from_markup(str(cell)) if isinstance(cell, str) else Text(str(cell))


def _lines_of(text: Text) -> list[str]:
    return text.plain.split("\n") or [""]


def _column_needs(table: Table) -> tuple[list[bool], list[int], list[int]]:
    """For each column: whether its cells are unbreakable, its natural width and its least readable width."""
    whole, natural, least = [], [], []
    for column in table.columns:
        lines = [line for cell in column.cells for line in _lines_of(_plain(cell))]
        unbreakable = bool(lines) and all(_UNBREAKABLE.fullmatch(line) for line in lines)
        # the header's longest word, up to HEADER_WORD (a longer header folds inside the column)
        word = min(HEADER_WORD, max((cell_len(w) for w in _plain(column.header).plain.split()), default=1))
        wide = max(max((cell_len(line) for line in lines), default=1), word, 1)
        whole.append(unbreakable)
        natural.append(wide)
        least.append(wide if unbreakable else min(wide, max(TEXT_MIN_WIDTH, word)))
    return whole, natural, least


def _widths(table: Table, width: int) -> list[int] | None:
    """Column widths (without padding) that fit ``width`` with every identifier whole, or None.

    Rich's own squeezing ignores a column's minimum when it re-measures and can overrun the width
    or cut a cell, so the widths are chosen here: the widest text column gives way first."""
    _, natural, least = _column_needs(table)
    left, right = table.padding[3], table.padding[1]
    borders = (len(table.columns) + 1) if table.box else 0
    available = width - borders - (left + right) * len(table.columns)
    widths = list(natural)
    while sum(widths) > available:
        shrinkable = [i for i, w in enumerate(widths) if w > least[i]]
        if not shrinkable:
            return None
        widest = max(shrinkable, key=lambda i: widths[i])
        # down to the next widest column (or its least width), then the two give way in turn
        second = max((widths[i] for i in shrinkable if i != widest), default=least[widest])
        step = min(sum(widths) - available, widths[widest] - max(least[widest], second))
        widths[widest] -= max(1, step)
    return widths


def fits(table: Table, width: int) -> bool:
    """Whether ``table`` can be drawn ``width`` columns wide with every identifier whole."""
    return _widths(table, width) is not None


def _prepare(table: Table, widths: list[int]) -> None:
    for column, width in zip(table.columns, widths, strict=True):
        column.overflow = "fold"
        column.no_wrap = False
        column.width = width  # fixed: rich does not squeeze it further; the header wraps inside it
        column.min_width = column.max_width = column.ratio = None
    table.expand = False


def print_blocks(table: Table, out: Console | None = None) -> None:
    """The table as one record per block: ``header: value`` per line, long values wrapping."""
    out = out or console
    if table.title:
        out.print(Text.assemble(("── ", "dim"), _plain(table.title), (" ──", "dim")))
    headers = [_plain(c.header).plain.replace("\n", " ") for c in table.columns]
    rows = list(zip(*(list(c.cells) for c in table.columns), strict=True)) if table.columns else []
    for i, row in enumerate(rows):
        if i:
            out.print()
        for header, cell in zip(headers, row, strict=True):
            value = _plain(cell)
            if value.plain in ("", "—"):  # nothing to say
                continue
            line = Text.assemble((f"{header}: ", "bold"), value)
            line.overflow = "fold"
            out.print(line, highlight=False)
    out.print()


def show(table: Table, out: Console | None = None) -> None:
    """Print ``table`` if it fits whole, else one record per block; nothing is ever cut with "…"."""
    out = out or console
    widths = _widths(table, out.width) if table.columns else None
    if widths is not None:
        _prepare(table, widths)
        out.print(table)
    else:
        print_blocks(table, out)


@dataclass
class Listing:
    """Rows of one kind: ``columns`` are (key, header) pairs; each row maps keys to plain values.

    ``numbers`` are right-aligned, an integer among them shown with thousands separators on screen
    (CSV and JSON get the plain value); ``machine`` columns (codes for scripts) are left out of the
    table; ``shown`` holds a row's on-screen text of a value where it differs (``add(_shown=...)``)."""

    title: str
    columns: Sequence[tuple[str, str]]
    rows: list[dict[str, Any]] = field(default_factory=list)
    styles: dict[str, str] = field(default_factory=dict)
    numbers: frozenset[str] = frozenset()
    machine: frozenset[str] = frozenset()
    shown: list[dict[str, str]] = field(default_factory=list)

    def add(self, _shown: dict[str, str] | None = None, **values: Any) -> None:
        self.rows.append(values)
        self.shown.append(_shown or {})

    def table(self) -> Table:
        table = Table(title=self.title)
        # a column no row fills (a problem none of them has) is left out of the table, not of CSV or JSON
        columns = [(k, h) for k, h in self.columns
                   if k not in self.machine and any(row.get(k) is not None for row in self.rows)]
        for key, header in columns:
            table.add_column(header, style=self.styles.get(key), justify="right" if key in self.numbers else "left")
        shown = self.shown + [{}] * (len(self.rows) - len(self.shown))
        for row, texts in zip(self.rows, shown, strict=True):
            table.add_row(*(Text(texts[key] if key in texts else _text(row.get(key), key in self.numbers))
                            for key, _ in columns))
        return table


def summary(title: str) -> Listing:
    """A report's figures, one a row: ``key`` (a stable name for scripts), ``item`` and ``value``."""
    return Listing(title, [("key", bi("代码", "key")), ("item", bi("项目", "item")), ("value", bi("数值", "value"))],
                   numbers=frozenset({"value"}), machine=frozenset({"key"}))


def _text(value: Any, number: bool = False) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return bi("是", "yes") if value else bi("否", "no")
    if number and isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal) and value.is_finite():  # a number for a script: 7100, 12.5
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


def write_csv(listings: Sequence[Listing]) -> str:
    """CSV text with a byte-order mark: one header (the union of the listings' columns), then every row."""
    columns: dict[str, str] = {}
    for listing in listings:
        for key, header in listing.columns:
            columns.setdefault(key, header)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns.values())
    for listing in listings:
        for row in listing.rows:
            writer.writerow("" if row.get(key) is None else _json_value(row.get(key)) for key in columns)
    return "\ufeff" + buffer.getvalue()


def write_json_lines(listings: Sequence[Listing]) -> str:
    lines = [json.dumps({key: _json_value(value) for key, value in row.items()}, ensure_ascii=False)
             for listing in listings for row in listing.rows]
    return "".join(line + "\n" for line in lines)


def note(text: str, fmt: OutputFormat | str = OutputFormat.table) -> None:
    """A line around a listing (a hint, where results went): on standard output with a table, on
    standard error with CSV or JSON so that the piped data stays data."""
    (console if OutputFormat(fmt) is OutputFormat.table else err_console).print(text, highlight=False)


def emit(listings: Listing | Sequence[Listing], fmt: OutputFormat | str = OutputFormat.table) -> None:
    """Write the listing(s) to standard output in ``fmt``; CSV and JSON bypass rich so nothing is wrapped."""
    items = [listings] if isinstance(listings, Listing) else list(listings)
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.table:
        for listing in items:
            if listing.rows:
                show(listing.table())
            else:
                console.print(Text.assemble(("── ", "dim"), listing.title, (" ──", "dim")), bi("无", "none"))
        return
    text = write_csv(items) if fmt is OutputFormat.csv else write_json_lines(items)
    sys.stdout.write(text)
    sys.stdout.flush()
