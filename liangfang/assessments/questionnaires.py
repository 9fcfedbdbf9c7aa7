"""Printable questionnaires of a verification sample (PDF, WeasyPrint): one A4 page per household,
with what the field team may see (the same masking as the field list) and the questions of the
workbook's result columns, in the same order."""

from __future__ import annotations

from pathlib import Path

from django.utils.html import escape

from .field_workbook import APPROVAL_COLUMNS, ITEM_COLUMNS, KIND_TEXT, field_rows
from .sampling_models import VerificationSample

CSS = """
@page { size: A4; margin: 12mm 14mm; }
body { font-family: "Noto Sans CJK SC", "Noto Sans CJK", sans-serif; font-size: 9.5pt; }
section { page-break-after: always; page-break-inside: avoid; }
h1 { font-size: 13pt; margin: 0 0 3mm; }
table { width: 100%; border-collapse: collapse; margin-bottom: 3mm; }
td, th { border: 0.4pt solid #555; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
th { width: 45%; background: #eef2f6; }
.box { display: inline-block; width: 4mm; height: 4mm; border: 0.6pt solid #000; margin: 0 1mm 0 4mm; }
"""


def _choices(*labels: str) -> str:
    return "".join(f'<span class="box"></span>{escape(label)}' for label in labels)


def questionnaire_html(sample: VerificationSample) -> str:
    pages = []
    for row, head in field_rows(sample):
        household = row.household
        facts = [("户编号 household number", household.number), ("行政村 village", row.village.name),
                 ("村民小组 village group", household.group_name), ("户主 head", head),
                 ("类别 kind", KIND_TEXT[row.kind]), ("登记人数 registered people", getattr(row, "registered", ""))]
        questions = [("是否找到 found", _choices("是", "否")), ("核实人数 people found", ""),
                     ("核实人均纯收入（元）per-capita net income (yuan)", "")]
        questions += [(f"{c.zh} {c.en}", _choices("是", "否")) for c in ITEM_COLUMNS]
        questions += [(f"{c.zh} {c.en}", _choices("认可", "不认可")) for c in APPROVAL_COLUMNS]
        questions += [("备注 notes", "<br><br><br>")]
        pages.append(
            f"<section><h1>第三方评估入户核查表 · 样本 {sample.pk} · {sample.year} 年</h1>"
            "<table>" + "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts) + "</table>"
            "<table>" + "".join(f"<tr><th>{escape(q)}</th><td>{answer}</td></tr>" for q, answer in questions)
            + "</table><p>调查员签名 surveyor ____________　日期 date ____________</p></section>")
    return f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><style>{CSS}</style></head><body>" \
           + "".join(pages) + "</body></html>"


def write_questionnaires(sample: VerificationSample, path: Path) -> int:
    """Write the questionnaires as a PDF; returns the number of pages."""
    from weasyprint import HTML

    document = HTML(string=questionnaire_html(sample)).render()
    document.write_pdf(path)
    return len(document.pages)
