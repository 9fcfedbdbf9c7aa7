"""Text that a spreadsheet would run as a formula, kept inert in every file the system writes.

A cell's text starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
programs skip before looking) is a formula to Excel and LibreOffice once the file is saved as CSV
and opened again, or typed over: a name ``=HYPERLINK("http://…","点此")`` would become a live link.
The writers put an apostrophe before such text, as Excel itself shows a text cell that starts
like a formula; the importer takes it off again, so an export imports back to the values it holds.

The rule is reversible for every text: an apostrophe is added before text starting with one of
those characters, and before text made of apostrophes followed by one of them (``'=1`` is
written ``''=1``); reading takes one apostrophe off exactly such text, and leaves ``'abc`` alone.
(Hand-written: the OWASP "CSV injection" advice is a rule, not a library.)
"""

from __future__ import annotations

ACTIVE = frozenset("=+-@\t\r")


def _guarded(text: str) -> bool:
    """Text a spreadsheet could run, once any apostrophes before it are taken off."""
    return text.lstrip("'")[:1] in ACTIVE


def make_inert(text: str) -> str:
    """``text`` as written to a cell: an apostrophe first when a spreadsheet could run it."""
    return "'" + text if _guarded(text) else text


def undo_inert(text: str) -> str:
    """The text ``make_inert`` was given, from what it wrote (other text unchanged)."""
    return text[1:] if text[:1] == "'" and _guarded(text) else text
