"""A4 PDFs from HTML with WeasyPrint and Debian's Noto CJK fonts (installed at set-up, offline).

Templates are Jinja2 files in ``procedures/templates/`` with autoescaping; the data they receive is
built by ``notices`` and ``cards`` and never holds a resident ID in full, a household's phone, a
bank account or a health fact (tests read the PDFs back and check)."""

from __future__ import annotations

import io
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

# Page numbers "n / N" on notices only: a card is one page, and the total makes WeasyPrint lay out
# every page again (about a sixth of a 1,000-card village's time).
PAGE_NUMBERS = """
@page { @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; color: #555; } }
"""
STYLE = """
@page { size: A4; margin: 18mm 16mm 18mm 16mm; }
html { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; font-size: 10.5pt; color: #000; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 4mm; letter-spacing: 1pt; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; }
p { margin: 1.5mm 0; line-height: 1.5; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0; }
th, td { border: 0.6pt solid #333; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
th { background: #eee; font-weight: bold; }
td.num, th.num { text-align: right; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
.card { page-break-after: always; }
.card:last-child { page-break-after: auto; }
.muted { color: #444; font-size: 9pt; }
.sign { margin-top: 10mm; display: flex; justify-content: space-between; }
.sign span { margin-right: 20mm; }
"""


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("liangfang.procedures", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)


def render_html(template: str, *, page_numbers: bool = True, **context: Any) -> str:
    style = STYLE + (PAGE_NUMBERS if page_numbers else "")
    return _env().get_template(template).render(style=Markup(style), **context)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def render_pdf(template: str, **context: Any) -> bytes:
    return html_to_pdf(render_html(template, **context))


def workers() -> int:
    """How many processes lay out a long document's parts at once (``LIANGFANG_PDF_WORKERS``,
    default the machine's cores, at most 4)."""
    from django.conf import settings

    return max(1, int(getattr(settings, "LIANGFANG_PDF_WORKERS", 0) or min(4, os.cpu_count() or 1)))


def htmls_to_pdf(parts: Sequence[str]) -> bytes:
    """Several HTML documents as one PDF, their pages in order. WeasyPrint lays out about 15 card
    pages a second on one core here and cannot use a second one itself: the parts are laid out in
    parallel processes (started fresh: no Django, no database connection in them) and joined with
    pypdf."""
    if len(parts) == 1 or workers() == 1:
        pdfs = [html_to_pdf(p) for p in parts]
    else:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(workers(), len(parts)), mp_context=ctx) as pool:
            pdfs = list(pool.map(html_to_pdf, parts))
    if len(pdfs) == 1:
        return pdfs[0]
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
