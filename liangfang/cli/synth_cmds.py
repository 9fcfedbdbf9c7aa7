"""``liangfang synth``: the synthetic Taobei-like district into the database, or a national-scale
registry as Parquet files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import typer
from rich.table import Table

from ..domain.text import message_of
from .app import app, console, fail, migrate
from .output import show as show_table
from .text import bi


@app.command("synth", help=bi(
    "生成合成登记数据：默认按洮北区文章生成一个区（129 个村，写入数据库）；"
    "给出 --households 与 --out 则按全国规模写 Parquet",
    "Synthesise registry data: by default a Taobei-like district (129 villages) into the database; with "
    "--households and --out, a national-scale registry as Parquet files"))
def synth(
    seed: int = typer.Option(2020, help=bi("随机种子（同一种子生成相同数据）", "random seed (same seed, same data)")),
    scale: float = typer.Option(1.0, help=bi("区的规模，1 = 全区（如 0.05 用于快速测试，比例不变）",
                                             "district scale, 1 = the whole district (e.g. 0.05 for quick tests; "
                                             "proportions kept)")),
    households: int = typer.Option(0, help=bi("全国规模：农户数（如 30000000）", "national scale: number of households "
                                              "(e.g. 30000000)")),
    out: Path | None = typer.Option(None, "--out", help=bi("全国规模：Parquet 输出目录",
                                                            "national scale: output folder for the Parquet files")),
    chunk: int = typer.Option(1_000_000, help=bi("全国规模：每批农户数（决定内存占用）",
                                                 "national scale: households per chunk (bounds memory)")),
    pack: str = typer.Option("cn-national", help=bi("取扶贫标准的政策包", "policy pack giving the poverty lines")),
    by: str = typer.Option("synth", help=bi("变更记录中的操作人", "actor recorded in the change log")),
) -> None:
    if households or out is not None:
        if not households or out is None:
            raise fail(bi("全国规模需要同时给出 --households 和 --out", "national scale needs both --households "
                          "and --out"))
        _national(out, households, seed, chunk, pack)
        return
    _district(seed, scale, pack, by)


def _lines(pack: str, years: tuple[int, ...]) -> dict[int, Decimal]:
    from liangfang.policy import PackError, load_pack

    try:
        loaded = load_pack(pack)
        return {year: loaded.poverty_line(year) for year in years}
    except (PackError, FileNotFoundError, KeyError) as exc:
        raise fail(bi(f"无法从政策包 {pack} 读取扶贫标准：{exc}",
                      f"cannot read poverty lines from pack {pack}: {exc}")) from None


def _district(seed: int, scale: float, pack: str, by: str) -> None:
    migrate()
    from liangfang.registry.models import Household
    from liangfang.synth.district import YEARS
    from liangfang.synth.taobei import DistrictNotEmpty, build_district

    from .progress import progress_bar

    lines = _lines(pack, YEARS)
    if not 0 < scale <= 4:
        raise fail(bi(f"--scale {scale} 应在 0 到 4 之间", f"--scale {scale} must be between 0 and 4"))
    if Household.objects.exists():
        raise fail(message_of(DistrictNotEmpty(Household.objects.count())))
    try:
        with progress_bar(bi("生成合成数据", "Synthesising the district")) as advance:
            report = build_district(seed=seed, scale=scale, by=by, progress=advance, lines=lines)
    except DistrictNotEmpty as exc:
        raise fail(message_of(exc)) from None
    table = Table(title=bi(f"合成区已写入（种子 {seed}，规模 {scale}，{report.seconds} 秒）",
                           f"synthetic district written (seed {seed}, scale {scale}, {report.seconds} s)"))
    table.add_column(bi("项目", "item"))
    table.add_column(bi("数量", "count"), justify="right")
    for zh, en, value in (
        ("行政村 / 贫困村", "villages / poor villages", f"{report.villages} / {report.poor_villages}"),
        ("农户 / 人口", "households / people", f"{report.households:,} / {report.people:,}"),
        ("建档立卡户 / 人", "registered households / people",
         f"{report.registered_households:,} / {report.registered_people:,}"),
        ("已脱贫户 / 人", "exited households / people", f"{report.exited_households:,} / {report.exited_people:,}"),
        ("未脱贫户 / 人", "remaining households / people",
         f"{report.remaining_households:,} / {report.remaining_people:,}"),
        ("贫困发生率：建档立卡时 → 2019 年末", "incidence: at registration → end of 2019",
         f"{report.incidence_at_registration}% → {report.incidence_end_2019}%"),
        ("年度收入记录", "income records", f"{report.incomes:,}"),
        ("包保部门 / 帮扶责任人 / 结对", "departments / cadres / pairings",
         f"{report.departments} / {report.cadres:,} / {report.cadre_pairings:,}"),
    ):
        table.add_row(bi(zh, en), value)
    show_table(table)


def _national(out: Path, households: int, seed: int, chunk: int, pack: str) -> None:
    from liangfang.synth.national import YEARS, write_national

    from .progress import progress_bar

    lines = _lines(pack, YEARS)
    if chunk < 1:
        raise fail(bi("--chunk 至少为 1", "--chunk must be at least 1"))
    with progress_bar(bi("生成全国规模数据", "Synthesising the national registry"), total=households) as advance:
        report = write_national(out, households=households, seed=seed, lines=lines, chunk=chunk, progress=advance)
    table = Table(title=bi(f"已写入 {out}（{report.seconds} 秒）", f"written to {out} ({report.seconds} s)"))
    table.add_column(bi("表", "table"))
    table.add_column(bi("行数", "rows"), justify="right")
    table.add_column(bi("文件大小", "file size"), justify="right")
    rows = {"regions": report.regions, "village_facilities": report.facilities, "households": report.households,
            "members": report.members, "incomes": report.incomes}
    for name, count in rows.items():
        table.add_row(name, f"{count:,}", f"{report.files[name] / 1e6:,.1f} MB")
    show_table(table)
    console.print(bi(f"建档立卡户 {report.registered:,}，其中已脱贫 {report.exited:,}，未脱贫 {report.remaining:,}",
                     f"registered households {report.registered:,}: exited {report.exited:,}, "
                     f"remaining {report.remaining:,}"))
