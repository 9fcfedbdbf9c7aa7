"""A4 PDFs from HTML with WeasyPrint and Debian's Noto CJK fonts (installed at set-up, offline).

Templates are Jinja2 files in ``procedures/templates/`` with autoescaping; the data they receive is
built by ``notices`` and ``cards`` and never holds a resident ID in full, a household's phone, a
bank account or a health fact (tests read the PDFs back and check)."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

STYLE = """
@page { size: A4; margin: 18mm 16mm 18mm 16mm;
        @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; color: #555; } }
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
"""


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("liangfang.procedures", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)


def render_html(template: str, **context: Any) -> str:
    return _env().get_template(template).render(style=Markup(STYLE), **context)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def render_pdf(template: str, **context: Any) -> bytes:
    return html_to_pdf(render_html(template, **context))
