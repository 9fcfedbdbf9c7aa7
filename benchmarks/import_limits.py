"""Time the bounds checked before an import reads a workbook, side by side with reading it.

    .venv/bin/python benchmarks/import_limits.py [--rows 100000] [--columns 60] [--file /tmp/bounds/limits.xlsx]

Writes (once, reused) a members-like sheet of N rows and C text and number cells with the
project's streaming writer, then times in one run: ``limits.check_zip`` (zip directory, ratios,
the out-of-bounds scan of every sheet part while decompressing), a plain decompression of the
same parts with ``zipfile`` (the floor any scan pays), and python-calamine reading the workbook
into rows (what the import does next). Prints wall and CPU seconds; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _timed(label: str, work: Callable[[], object]) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    print(f"{label:<52}{time.perf_counter() - wall:>8.2f}{time.process_time() - cpu:>8.2f}")


def _make(path: Path, rows: int, columns: int) -> None:
    from liangfang.workbook_writer import WorkbookWriter

    with WorkbookWriter(path) as wb:
        ws = wb.add_sheet("成员", freeze_header=True)
        ws.append([f"列{i}" for i in range(columns)], "bold")
        for r in range(rows):
            ws.append([f"22080220100{r:05d}" if i == 0 else (f"测试{r % 997}" if i % 3 else r % 1000 + i)
                       for i in range(columns)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--columns", type=int, default=60)
    parser.add_argument("--file", type=Path, default=Path("/tmp/bounds/limits.xlsx"))
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liangfang.settings")
    import django

    django.setup()
    from python_calamine import CalamineWorkbook

    from liangfang.registry.importers.limits import ImportLimits, check_zip

    if not args.file.exists():
        args.file.parent.mkdir(parents=True, exist_ok=True)
        _make(args.file, args.rows, args.columns)
    with zipfile.ZipFile(args.file) as z:
        expanded = sum(i.file_size for i in z.infolist())
    print(f"{args.file}: {args.file.stat().st_size / 1e6:.1f} MB, {expanded / 1e6:.1f} MB expanded, "
          f"{args.rows:,} rows x {args.columns} columns")
    from benchmarks.machine import python_speed

    print(f"yardstick (10 M Python additions, ~0.4 s on a quiet core): {python_speed():.2f} s CPU")
    print(f"{'':<52}{'wall s':>8}{'cpu s':>8}")

    def inflate() -> None:
        with zipfile.ZipFile(args.file) as z:
            for info in z.infolist():
                with z.open(info) as f:
                    while f.read(8 << 20):
                        pass

    _timed("plain decompression (zipfile)", inflate)
    _timed("limits.check_zip (decompress + out-of-bounds scan)", lambda: check_zip(args.file, ImportLimits.current()))
    _timed("python-calamine read into rows (the import's read)",
           lambda: [CalamineWorkbook.from_path(str(args.file)).get_sheet_by_name(n).to_python()
                    for n in CalamineWorkbook.from_path(str(args.file)).sheet_names])


if __name__ == "__main__":
    main()
