"""``policy check``: every problem in a pack file, each with file, line, item and what is wrong."""

from __future__ import annotations

from pathlib import Path

from ..domain.text import Text, render
from .loader import PackError, PackSource, Problem, read_source, validate_source
from .schema import Pack

LEVEL_KEYS = {"household": "household_indicators", "village": "village_indicators", "county": "county_indicators"}


def check_pack_file(path: str | Path) -> tuple[Pack | None, list[Problem]]:
    """Schema, rules (for every year the pack covers) and the poverty-line table."""
    try:
        source = read_source(Path(path))
        pack = validate_source(source)
    except PackError as err:
        return None, err.problems
    return pack, check_pack(pack, source)


def check_pack(pack: Pack, source: PackSource) -> list[Problem]:
    # the engine is imported here, not at module level: loading a pack must not need it
    from ..engine.compiled import CompileError, compile_pack

    problems: list[Problem] = []
    first, last = pack.years
    for year in range(first, last + 1):
        if year not in pack.poverty_lines.years:
            file, line = source.where(("poverty_lines", "years"))
            problems.append(Problem(file, line, "poverty_lines",
                                    Text(f"{year} 年无扶贫标准（政策包适用 {first}–{last} 年）",
                                         f"no poverty line for {year}")))
    seen: set[tuple[str, str, str, str]] = set()
    for year in range(first, last + 1):
        try:
            compile_pack(pack, year)
        except CompileError as err:
            for p in err.problems:
                key = (p.level, p.indicator, p.field, p.message.split(" (known")[0])
                if key in seen:
                    continue
                seen.add(key)
                path = (LEVEL_KEYS[p.level], p.indicator, *p.field.split("."))
                file, line = source.where(path)
                if line is not None and p.field in ("rule", "applies"):
                    line += p.line - 1
                zh, en = render(p.message, "zh"), render(p.message, "en")
                if p.field in ("rule", "applies"):
                    zh += f"（表达式第 {p.line} 行第 {p.column} 列）"
                    en += f" (expression line {p.line}, column {p.column})"
                problems.append(Problem(file, line, ".".join(str(x) for x in path), Text(zh, en)))
    return problems
