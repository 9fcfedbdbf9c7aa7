"""``liangfang measures``: poverty and inequality measures of a region with standard errors."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from ..domain.text import message_of
from .app import app, console, fail, migrate
from .output import FORMAT_HELP, Listing, OutputFormat, emit
from .text import bi, language


def _number(value: float) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.4f}"


def _row(table: Table, name: str, estimate: Any) -> None:
    from liangfang.measures.arguments import MeasureError

    if isinstance(estimate, MeasureError):
        table.add_row(name, "—", "—", bi(f"无法计算：{estimate}", f"not defined: {estimate}"))
        return
    interval = "—" if math.isnan(estimate.low) else f"[{estimate.low:.4f}, {estimate.high:.4f}]"
    table.add_row(name, _number(estimate.value), _number(estimate.se), interval)


def group_table(report: Any, group: Any) -> Table:
    from liangfang.measures.arguments import MeasureError
    from liangfang.measures.estimates import INCOME_MEASURES

    zh, en = ("全部", "all") if not group.key else (group.label, group.label)
    table = Table(title=bi(f"{zh}：{group.households:,} 户 {group.people:,.0f} 人",
                           f"{en}: {group.households:,} households, {group.people:,.0f} people"),
                  title_justify="left")
    for heading, justify in ((bi("指标", "measure"), "left"), (bi("估计值", "estimate"), "right"),
                             (bi("标准误", "SE"), "right"), (bi("95% 置信区间", "95% CI"), "left")):
        table.add_column(heading, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for spec in INCOME_MEASURES:
        _row(table, bi(spec.zh, spec.en), group.income[spec.key])
    af = group.alkire_foster
    if isinstance(af, MeasureError):
        table.add_row(bi("多维贫困 (Alkire–Foster)", "multidimensional (Alkire–Foster)"), "—", "—", str(af))
        return table
    k = report.measures.k
    _row(table, bi(f"多维贫困发生率 H（k={k:.3g}）", f"multidimensional headcount H (k={k:.3g})"), af.H)
    _row(table, bi("平均剥夺份额 A", "intensity A"), af.A)
    _row(table, bi("多维贫困指数 M0 = H·A", "adjusted headcount M0 = H·A"), af.M0)
    dims = report.dimensions
    for dim, headcount in zip(dims, af.censored_headcounts, strict=True):
        _row(table, bi(f"  删减剥夺率：{dim.zh}", f"  censored headcount: {dim.en}"), headcount)
    for dim, share in zip(dims, af.contributions, strict=True):
        _row(table, bi(f"  对 M0 的贡献：{dim.zh}", f"  contribution to M0: {dim.en}"), share)
    return table


@app.command(help=bi("一个区划的贫困与不平等指标（FGT、Watts、Sen、基尼、泰尔、阿特金森、Alkire–Foster 多维贫困），"
                     "附标准误与 95% 置信区间；可按乡镇、村、性别、年龄组或致贫原因分组",
                     "Poverty and inequality measures of a region (FGT, Watts, Sen, Gini, Theil, Atkinson, "
                     "Alkire–Foster) with standard errors and 95% intervals, optionally by township, village, sex, "
                     "age group or cause"))
def measures(
    region: str = typer.Option(..., "--region", help=bi("区划代码（县、乡镇或村）", "region code (county, township or "
                                                                               "village)")),
    year: int = typer.Option(..., "--year", help=bi("年度", "year")),
    line: float | None = typer.Option(None, "--line", help=bi("贫困线（元；默认政策包当年扶贫标准）",
                                                              "poverty line in yuan (default: the pack's line)")),
    by: str | None = typer.Option(None, "--by", help=bi("分组：township、village、sex、age_group、cause",
                                                        "group by township, village, sex, age_group or cause")),
    k: float | None = typer.Option(None, "--k", help=bi("多维贫困的剥夺份额临界值（0<k≤1，默认 1/3）",
                                                        "multidimensional cutoff k, a share 0<k≤1 (default 1/3)")),
    pack: str = typer.Option("cn-national", "--pack", help=bi("政策包名称或文件", "pack name or file")),
    engine: str = typer.Option("auto", "--engine", help=bi("auto：本系统数据库；duckdb：Parquet 数据目录",
                                                           "auto: this system's database; duckdb: a Parquet folder")),
    data: Path | None = typer.Option(None, "--data", help=bi("Parquet 数据目录（duckdb）", "Parquet folder (duckdb)")),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP),
) -> None:
    from liangfang.measures.area import DEFAULT_K, RegionNotFound, area_report
    from liangfang.measures.arguments import MeasureError
    from liangfang.measures.report import GROUPINGS
    from liangfang.policy import PackError, load_pack

    if by is not None and by not in GROUPINGS:
        raise fail(bi(f"--by 只能是 {'、'.join(GROUPINGS)}，而不是 {by}",
                      f"--by must be one of {', '.join(GROUPINGS)}, not {by}"))
    if engine not in ("auto", "duckdb"):
        raise fail(bi(f"未知引擎 {engine}（可选 auto、duckdb）", f"unknown engine {engine} (auto or duckdb)"))
    try:
        policy = load_pack(pack)
    except PackError as err:
        raise fail(message_of(err)) from None
    lang = "en" if language() == "en" else "zh"
    try:
        session = _session(engine, data)
        report = area_report(session, policy, year, region, line=line, by=by, k=DEFAULT_K if k is None else k,
                             lang=lang)
    except (RegionNotFound, MeasureError, FileNotFoundError) as err:
        raise fail(message_of(err)) from None
    if fmt is OutputFormat.table:
        print_report(report)
    else:
        emit(report_listing(report), fmt)


def report_listing(report: Any) -> Listing:
    """Every estimate of every group as a row, for a script: the group, the measure's key and name, the
    estimate with its standard error and 95% interval (blank where a measure is not defined)."""
    from liangfang.measures.arguments import MeasureError
    from liangfang.measures.estimates import INCOME_MEASURES

    listing = Listing(bi("贫困与不平等指标", "poverty and inequality measures"), [
        ("region", bi("区划", "region")), ("year", bi("年度", "year")), ("line", bi("贫困线", "line")),
        ("group", bi("分组", "group")), ("households", bi("户数", "households")), ("measure", bi("代码", "key")),
        ("name", bi("指标", "measure")), ("estimate", bi("估计值", "estimate")), ("se", bi("标准误", "SE")),
        ("low", bi("95% 下限", "95% low")), ("high", bi("95% 上限", "95% high")), ("note", bi("说明", "note"))])

    def add(group: Any, key: str, name: str, estimate: Any) -> None:
        base = dict(region=report.code, year=report.year, line=float(report.line), group=group.key or "all",
                    households=group.households, measure=key, name=name)
        if isinstance(estimate, MeasureError):
            listing.add(**base, note=str(estimate))
            return
        listing.add(**base, **{k: None if v is None or math.isnan(v) else v for k, v in (
            ("estimate", estimate.value), ("se", estimate.se), ("low", estimate.low), ("high", estimate.high))})

    for group in report.measures.groups:
        for spec in INCOME_MEASURES:
            add(group, spec.key, bi(spec.zh, spec.en), group.income[spec.key])
        af = group.alkire_foster
        if isinstance(af, MeasureError):
            add(group, "alkire_foster", bi("多维贫困 (Alkire–Foster)", "multidimensional (Alkire–Foster)"), af)
            continue
        for key, zh, en, estimate in (("af_H", "多维贫困发生率 H", "multidimensional headcount H", af.H),
                                      ("af_A", "平均剥夺份额 A", "intensity A", af.A),
                                      ("af_M0", "多维贫困指数 M0", "adjusted headcount M0", af.M0)):
            add(group, key, bi(zh, en), estimate)
        for dim, headcount, share in zip(report.dimensions, af.censored_headcounts, af.contributions, strict=True):
            add(group, f"af_censored_{dim.name}", bi(f"删减剥夺率：{dim.zh}", f"censored headcount: {dim.en}"),
                headcount)
            add(group, f"af_contribution_{dim.name}", bi(f"对 M0 的贡献：{dim.zh}", f"contribution to M0: {dim.en}"),
                share)
    return listing


def _session(engine: str, data: Path | None) -> Any:
    from liangfang.engine.session import dbapi_session, duckdb_session, parquet_views

    if engine == "duckdb":
        if data is None:
            raise fail(bi("--engine duckdb 需要 --data 目录", "--engine duckdb needs --data DIR"))
        from liangfang.engine.duck import connect

        session = duckdb_session(connect())
        parquet_views(session, data)
        return session
    if data is not None:
        raise fail(bi("--data 仅用于 --engine duckdb", "--data is for --engine duckdb only"))
    migrate()  # as every command on the database: a new installation's schema first
    from django.db import connection

    from liangfang.assessments.services import database_dialect

    return dbapi_session(connection, database_dialect())


def print_report(report: Any) -> None:
    note = ""
    if report.line_reliability in ("UNCONFIRMED", "ANALOGUE"):
        note = bi("（该年扶贫标准未经核实）", " (this year's line is unconfirmed)")
    console.print(bi(f"[bold]{report.name}（{report.code}）{report.year} 年[/]，政策包 {report.pack}，"
                     f"贫困线 {report.line:,.2f} 元{note}",
                     f"[bold]{report.name} ({report.code}) {report.year}[/], pack {report.pack}, "
                     f"poverty line {report.line:,.2f} yuan{note}"), highlight=False)
    console.print(bi("收入指标按人计（每人取所在户的人均纯收入）；标准误按户为群的泰勒线性化计算，把登记数据视为超总体的一次抽样；"
                     "多维指标的维度为政策包的两不愁三保障指标，等权。",
                     "Income measures are per person (each member has the household's per-capita net income); "
                     "standard errors by Taylor linearisation with households as clusters, the register taken as "
                     "one draw from a super-population; the multidimensional dimensions are the pack's 两不愁三保障 "
                     "indicators, equally weighted."), highlight=False)
    if report.households_without_income:
        console.print(bi(f"[yellow]{report.households_without_income:,} 户没有当年收入记录，未计入收入指标[/]",
                         f"[yellow]{report.households_without_income:,} households have no income record for the "
                         "year and are left out of the income measures[/]"), highlight=False)
    for group in report.measures.groups:
        console.print(group_table(report, group))
