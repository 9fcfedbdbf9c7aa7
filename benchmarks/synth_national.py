"""Benchmark: generating the national-scale synthetic registry as Parquet (the analytic layout),
in bounded memory. Prints wall time, rows and file size per table, and the process's peak
resident memory (ru_maxrss); asserts nothing.

    .venv/bin/python benchmarks/synth_national.py                      # 30 million households
    .venv/bin/python benchmarks/synth_national.py --households 1000000
    .venv/bin/python benchmarks/synth_national.py --out /data/national --keep

The output folder is removed afterwards unless --keep is given.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from liangfang.policy import load_pack  # noqa: E402
from liangfang.synth.national import CHUNK, YEARS, write_national  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=30_000_000)
    parser.add_argument("--chunk", type=int, default=CHUNK, help="households per chunk (default %(default)s)")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the Parquet files")
    args = parser.parse_args()

    out = args.out or Path(tempfile.mkdtemp(prefix="synth-national-", dir=ROOT / "var" if (ROOT / "var").is_dir()
                                            else None))
    pack = load_pack("cn-national")
    lines = {year: pack.poverty_line(year) for year in YEARS}
    print(f"households {args.households:,}, chunk {args.chunk:,}, seed {args.seed}, out {out}", flush=True)
    done = 0
    started = time.monotonic()

    def progress(n: int) -> None:
        nonlocal done
        done += n
        print(f"  {done:>12,} households  {time.monotonic() - started:7.1f} s", flush=True)

    try:
        report = write_national(out, households=args.households, seed=args.seed, lines=lines, chunk=args.chunk,
                                progress=progress)
        wall = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
        rows = {"regions": report.regions, "village_facilities": report.facilities,
                "households": report.households, "members": report.members, "incomes": report.incomes}
        print()
        print(f"{'table':<20}{'rows':>16}{'MB':>12}")
        for name, count in rows.items():
            print(f"{name:<20}{count:>16,}{report.files[name] / 1e6:>12,.1f}")
        print(f"{'total':<20}{sum(rows.values()):>16,}{sum(report.files.values()) / 1e6:>12,.1f}")
        print()
        print(f"registered households {report.registered:,} ({100 * report.registered / report.households:.1f}%), "
              f"exited {report.exited:,}, remaining {report.remaining:,}")
        print(f"wall time        {wall:,.1f} s ({report.households / wall:,.0f} households/s, "
              f"{report.members / wall:,.0f} members/s)")
        print(f"peak memory      {peak / 2**30:.2f} GiB (ru_maxrss; target < 8 GB)")
    finally:
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
