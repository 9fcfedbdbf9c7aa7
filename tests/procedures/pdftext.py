"""Reading PDFs back: the text as pdftotext (poppler) and pypdf see it, and the page count."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile

from pypdf import PdfReader


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def text(pdf: bytes) -> str:
    """Both extractions joined, whitespace removed (a number split over a line still matches)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        poppler = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, check=True,
                                 text=True).stdout
    reader = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", "", poppler + "\n" + reader)


def assert_free_of(pdf: bytes, secrets: list[str]) -> str:
    found = text(pdf)
    assert found, "no text extracted"
    leaked = [s for s in secrets if s and re.sub(r"\s+", "", s) in found]
    assert not leaked, f"the PDF shows {leaked}"
    return found
