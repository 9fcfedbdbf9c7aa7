"""Time the household list's xlsx export, and the two ways of writing its cells, in one run.

    make demo                                        # once: the demo district (85,206 households)
    .venv/bin/python benchmarks/xlsx_export.py [--households 20000]

Uses the database at hand (the demo's SQLite file, or DATABASE_URL). It times, one after the
other on the same machine: the web export of the first N households by number as a county
administrator downloads it (`liangfang.web.export.write_export`: queries, labels, masking and the
streaming writer), then the same rows, already in memory, written by the project's streaming
writer (`liangfang.workbook_writer`) and by openpyxl's write-only mode (what the exports used
before). Each file is read back with python-calamine and its rows counted. Prints wall and CPU
seconds, cells per second and file sizes; asserts nothing; contacts only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _timed(label: str, work: Callable[[], io.BytesIO], cells: int) -> io.BytesIO:
    wall, cpu = time.perf_counter(), time.process_time()
    out = work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<46}{wall:>8.2f}{cpu:>8.2f}{cells / cpu / 1e3:>16,.0f}{len(out.getvalue()) / 1e6:>8.1f}")
    return out


def _rows(book: io.BytesIO) -> list[int]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(book.getvalue()))
    return [len(workbook.get_sheet_by_name(name).to_python()) for name in workbook.sheet_names]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=20_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liangfang.settings")
    import django

    django.setup()
    from openpyxl import Workbook

    from benchmarks.machine import python_speed
    from liangfang.accounts.roles import ROLES
    from liangfang.registry.models import Household
    from liangfang.registry.selectors import top_region
    from liangfang.web.export import write_export
    from liangfang.workbook_writer import WorkbookWriter

    ids = list(Household.objects.order_by("number").values_list("pk", flat=True)[:args.households])
    if not ids:
        raise SystemExit("no households: run `make demo` (or `liangfang demo --no-serve`) first")
    qs = Household.objects.filter(pk__in=ids)
    role = ROLES["county_admin"]
    region = top_region()
    assert region is not None

    def export(households: object) -> io.BytesIO:
        """The web export (one registry layout and the overview sheet) as the download's bytes."""
        path = write_export(households, role, region)  # type: ignore[arg-type]
        data = io.BytesIO(path.read_bytes())
        path.unlink()
        return data
    print(f"yardstick: 10M Python additions took {python_speed():.2f} s of CPU (about 0.4 s on a quiet core)")
    export(Household.objects.filter(pk__in=ids[:200]))  # imports and code lists loaded
    # The same rows in memory, read back from the export itself.
    from python_calamine import CalamineWorkbook

    reference = export(qs)
    book = CalamineWorkbook.from_filelike(io.BytesIO(reference.getvalue()))
    sheets = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    cells = sum(sum(1 for v in row if v != "") for rows in sheets.values() for row in rows)
    print(f"{len(ids):,} households: {', '.join(f'{n} {len(r):,} rows' for n, r in sheets.items())}, "
          f"{cells:,} cells")
    print(f"{'':<46}{'wall s':>8}{'CPU s':>8}{'k cells/CPU s':>16}{'MB':>8}")

    exported = _timed("web export (queries, labels, masking, writer)", lambda: export(qs), cells)

    def ours() -> io.BytesIO:
        out = io.BytesIO()
        with WorkbookWriter(out) as writer:
            for name, rows in sheets.items():
                sheet = writer.add_sheet(name, freeze_header=True)
                for row in rows:
                    sheet.append([None if v == "" else v for v in row])
        return out

    def openpyxl_write_only() -> io.BytesIO:
        out = io.BytesIO()
        wb = Workbook(write_only=True)
        for name, rows in sheets.items():
            ws = wb.create_sheet(name)
            ws.freeze_panes = "A2"
            for row in rows:
                ws.append([None if v == "" else v for v in row])
        wb.save(out)
        return out

    mine = _timed("the rows alone: streaming writer", ours, cells)
    theirs = _timed("the rows alone: openpyxl write-only", openpyxl_write_only, cells)
    print(f"rows read back: export {_rows(exported)}, streaming writer {_rows(mine)}, openpyxl {_rows(theirs)}")


if __name__ == "__main__":
    main()
