"""The README's images of a notice and a household card, from the demo database:

    make demo        # once
    .venv/bin/python scripts/pdf_images.py

Renders the first page of a village's exit notice (公示) and of a household card (明白卡) of the
same village as PDFs, then as PNG with poppler's pdftoppm, into docs/."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _png(pdf: bytes, target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "page.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(source),
                        str(target.with_suffix(""))], check=True)
    print(target)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liangfang.settings")
    import django

    django.setup()
    from django.db.models import Count

    from liangfang.procedures.cards import cards_pdf
    from liangfang.procedures.models import Notice
    from liangfang.procedures.notice_pdf import notice_pdf

    notice = (Notice.objects.filter(type="notice").annotate(n=Count("cases__subjects"))
              .order_by("-n", "-posted_on", "pk").first())
    if notice is None:
        raise SystemExit("no notice in the database: run `make demo` first")
    case = notice.cases.get()
    household = case.subjects.select_related("household__village__parent").first().household
    _png(notice_pdf(notice), ROOT / "docs" / "procedures-notice.png")
    _png(cards_pdf([household], case.year), ROOT / "docs" / "procedures-card.png")


if __name__ == "__main__":
    main()
