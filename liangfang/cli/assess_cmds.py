"""``liangfang assess``, ``explain``, ``verification`` and ``export-parquet``."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import typer

from ..domain.text import Text, message_of
from .app import app, console, fail, migrate, setup_django
from .output import FORMAT_HELP, Listing, OutputFormat, emit, note, summary
from .progress import progress_bar
from .text import bi, language, said

MARKS = {"pass": "[green]✓[/]", "fail": "[red]✗[/]", "no_data": "[yellow]?[/]", "pending": "[yellow]…[/]"}
VERDICT_STYLE = {"pass": "green", "fail": "red", "no_data": "yellow", "pending": "yellow"}


def _lang() -> str:
    return "en" if language() == "en" else "zh"


def _pct(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def summary_listing(summary: dict[str, Any], year: int, pack: str) -> Listing:
    """An assessment's summary, one figure a row (``key`` names it for scripts)."""
    h, v = summary["households"], summary["villages"]
    listing = Listing(bi(f"{year} 年退出评估（{pack}）", f"{year} exit assessment ({pack})"),
                      [("key", bi("代码", "key")), ("item", bi("项目", "item")), ("value", bi("结果", "result"))],
                      numbers=frozenset({"value"}), machine=frozenset({"key"}))
    add = listing.add
    add(key="households_assessed", item=bi("评估户数", "households assessed"), value=h["assessed"])
    add(key="households_meeting", item=bi("达到脱贫标准", "meeting the exit standard"), value=h["meeting"],
        _shown={"value": f"{h['meeting']:,}（{_pct(h['meeting'], h['assessed'])}）"})
    add(key="households_failing", item=bi("未达标户", "households failing the standard"), value=h["failing"])
    add(key="households_no_data", item=bi("数据缺失无法判定户", "households that cannot be judged (data missing)"),
        value=h["no_data"])
    for key, zh, en in (
            ("poor", "未脱贫{}（按状态，贫困发生率口径）", "poor by status: {} (incidence)"),
            ("should_exit", "应退未退{}（未脱贫但达标）", "meeting the standard, not exited: {}"),
            ("suspected_wrong_exit", "疑似错退{}（已脱贫但未达标）", "exited but failing the standard: {}")):
        households = h["poor_households" if key == "poor" else f"{key}_households"]
        people = h["poor_population" if key == "poor" else f"{key}_people"]
        add(key=f"{key}_households", item=bi(zh.format("户"), en.format("households")), value=households)
        add(key=f"{key}_people", item=bi(zh.format("人口"), en.format("people")), value=people)
    # 出列 applies to poor villages; the others' village indicators are reported, not a verdict
    add(key="poor_villages", item=bi("贫困村", "poor villages"), value=v["poor_villages"])
    add(key="poor_villages_meeting", item=bi("贫困村达到出列标准", "poor villages meeting the exit standard"),
        value=v["poor_meeting"])
    for c in summary["counties"]:
        verdict = c["verdict"]
        text = {"pass": bi("达到摘帽标准", "meets the standard"), "fail": bi("未达到", "does not meet"),
                "no_data": bi("无法判定（缺数据）", "cannot be judged (data missing)"),
                "pending": bi("计算指标待第三方评估", "awaiting verification")}[verdict]
        incidence = None if c["poverty_incidence"] is None else Decimal(c["poverty_incidence"])
        add(key=f"county_{c['code']}_poverty_incidence",
            item=bi(f"县 {c['code']} 贫困发生率（%）", f"county {c['code']} poverty incidence (%)"), value=incidence,
            _shown={"value": f"{'—' if incidence is None else f'{incidence:.3f}%'}（{c['poor_population']:,} / "
                             f"{c['rural_population']:,}）"})
        add(key=f"county_{c['code']}_verdict", item=bi(f"县 {c['code']} 结论", f"county {c['code']} verdict"),
            value=verdict, _shown={"value": text})
    return listing


def _verification_file(path: Path | None) -> tuple[Any, ...]:
    if path is None:
        return ()
    import yaml

    from liangfang.engine.statements import Verification

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise fail(bi(f"无法读取核查数据文件 {path}：{err}", f"cannot read verification file {path}: {err}")) from None
    items = []
    for code, figures in raw.items():
        figures = figures or {}
        unknown = set(figures) - {"wrong_exit_rate", "missed_poor_rate", "public_approval", "missed_poor_people",
                                  "wrong_exit_people"}
        if unknown:
            raise fail(bi(f"{path}：县 {code} 有未知的项 {sorted(unknown)}",
                          f"{path}: county {code}: unknown {sorted(unknown)}"))

        def dec(name: str, figures: dict[str, Any] = figures) -> Decimal | None:
            return None if figures.get(name) is None else Decimal(str(figures[name]))

        def num(name: str, figures: dict[str, Any] = figures) -> int | None:
            return None if figures.get(name) is None else int(figures[name])
        items.append(Verification(str(code), dec("wrong_exit_rate"), dec("missed_poor_rate"), dec("public_approval"),
                                  num("missed_poor_people"), num("wrong_exit_people")))
    return tuple(items)


@app.command(help=bi("按政策包评估全部农户、行政村和县，并保存带日期的结果",
                     "Assess every household, village and county against the year's policy pack and store "
                     "the dated results"))
def assess(
    year: int = typer.Option(..., "--year", help=bi("评估年度", "assessment year")),
    pack: str = typer.Option("cn-national", "--pack", help=bi("政策包名称或文件", "pack name or file")),
    engine: str = typer.Option("auto", "--engine",
                               help=bi("auto：本系统数据库（SQLite/PostgreSQL）；duckdb：Parquet 数据目录",
                                       "auto: this system's database (SQLite/PostgreSQL); duckdb: a Parquet folder")),
    data: Path | None = typer.Option(None, "--data", help=bi("Parquet 数据目录（duckdb）", "Parquet folder (duckdb)")),
    out: Path | None = typer.Option(None, "--out", help=bi("结果目录（duckdb；默认 DATA/results/包/年度）",
                                                          "results folder (duckdb; default DATA/results/PACK/YEAR)")),
    verification: Path | None = typer.Option(
        None, "--verification", help=bi("第三方评估数据 YAML（duckdb；数据库模式用 liangfang verification）",
                                         "third-party figures YAML (duckdb; for the database use `liangfang "
                                         "verification`)")),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP),
) -> None:
    if engine not in ("auto", "duckdb"):
        raise fail(bi(f"未知引擎 {engine}（可选 auto、duckdb）", f"unknown engine {engine} (auto or duckdb)"))
    if engine == "duckdb":
        _assess_duckdb(year, pack, data, out, verification, fmt)
        return
    if data is not None or out is not None:
        raise fail(bi("--data/--out 仅用于 --engine duckdb", "--data/--out are for --engine duckdb only"))
    migrate()
    assess_database(year, pack, by="cli", fmt=fmt)


def _print_problems(err: Any) -> None:
    for p in err.problems:
        console.print(f"[red]✗[/] {p.field} = {p.value}: {said(p.message)}", highlight=False)


def assess_database(year: int, pack: str, *, by: str, fmt: OutputFormat = OutputFormat.table) -> None:
    """Assess this system's database for ``year``, store the run and print its summary."""
    from liangfang.assessments.services import assessment_run
    from liangfang.domain.problems import ValidationFailed

    try:
        with progress_bar(bi("评估中", "assessing")) as advance:
            run = assessment_run(year=year, pack=pack, by=by, progress=advance.steps())
    except ValidationFailed as err:
        _print_problems(err)
        raise fail(bi("评估未运行，未写入任何结果", "the assessment did not run; nothing was written")) from None
    emit(summary_listing(run.summary, year, f"{run.pack} {run.pack_version}"), fmt)
    note(bi(f"结果已保存（{run.engine}，第 {run.pk} 次评估）；逐户说明：liangfang explain 户编号 "
                     f"--year {year}",
                     f"results stored ({run.engine}, run {run.pk}); explain one: liangfang explain NUMBER "
                     f"--year {year}"), fmt)


def _assess_duckdb(year: int, pack_name: str, data: Path | None, out: Path | None,
                   verification: Path | None, fmt: OutputFormat = OutputFormat.table) -> None:
    from liangfang.domain.problems import ValidationFailed
    from liangfang.engine.duck import assess_parquet
    from liangfang.policy import pack_for_year

    if data is None:
        raise fail(bi("--engine duckdb 需要 --data 目录", "--engine duckdb needs --data DIR"))
    inputs = _verification_file(verification)
    try:
        pack = pack_for_year(pack_name, year)
        with progress_bar(bi("评估中（DuckDB）", "assessing (DuckDB)")) as advance:
            result = assess_parquet(data, pack, year, out=out, verification=inputs, progress=advance.steps())
    except ValidationFailed as err:
        _print_problems(err)
        raise fail(bi("评估未运行，未写入任何结果", "the assessment did not run; nothing was written")) from None
    except FileNotFoundError as err:
        raise fail(message_of(err)) from None
    emit(summary_listing(result.summary, year, f"{pack.pack} {pack.version}"), fmt)
    note(bi(f"结果已写入 {result.out_dir}", f"results written to {result.out_dir}"), fmt)


@app.command(help=bi("逐项说明一户（户编号或成员身份证号）、一个村（--village）或县（--county）的评估结果",
                     "Explain the result for a household (number or a member's resident ID), a village "
                     "(--village) or the county (--county)"))
def explain(
    query: str | None = typer.Argument(None, help=bi(
        "户编号、身份证号或成员姓名；与 --county 同用时为县代码或名称",
        "household number, resident ID or a member's name; a county's code or name with --county")),
    year: int = typer.Option(..., "--year", help=bi("评估年度", "assessment year")),
    pack: str | None = typer.Option(None, "--pack", help=bi("政策包（默认该年最近一次评估）",
                                                            "pack (default: the year's latest run)")),
    village: str | None = typer.Option(None, "--village", help=bi("行政村代码或名称", "village code or name")),
    county: bool = typer.Option(False, "--county", help=bi("说明县级结果", "explain the county result")),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP),
) -> None:
    setup_django()
    from liangfang.assessments import selectors
    from liangfang.domain.problems import NotFound

    from .region_cmds import resolve_region

    lang = _lang()
    try:
        run = selectors.run_for(year, pack)
        if village:
            explanations = [selectors.area_explanation(run, resolve_region(village, "village"), lang)]
        elif county:
            regions = [resolve_region(query, "county")] if query else selectors.counties_in(run)
            explanations = [selectors.area_explanation(run, r, lang) for r in regions]
        elif query:
            explanations = [selectors.household_explanation(run, _household(query), lang)]
        else:
            raise fail(bi("请给出户编号或身份证号，或用 --village / --county",
                          "give a household number or resident ID, or --village / --county"))
    except NotFound as err:
        raise fail(said(err.message)) from None
    policy = run.policy()
    if fmt is not OutputFormat.table:
        _emit_explanations(run, explanations, lang, fmt)
        return
    for e in explanations:
        what = {"household": bi("户", "household"), "village": bi("村", "village"), "county": bi("县", "county")}
        console.print(f"[bold]{what[e.level]} {e.subject}[/] — {run.year} {run.pack} {run.pack_version}: "
                      f"[{VERDICT_STYLE[e.verdict]}]{e.verdict_text}[/]", highlight=False)
        for line in e.lines:
            console.print(f" {MARKS[line.status]} {line.text(lang)}", highlight=False)
            for member in line.members:
                console.print(f"     · {member}", highlight=False)
        if e.level == "county" and e.region is not None:
            from liangfang.assessments.verification_notes import verification_notes

            for note in verification_notes(e.region, run.year, policy, lang):
                console.print(f"   [cyan]ⓘ[/] {note}", highlight=False)
    entry = policy.poverty_lines.years.get(run.year)
    if entry is not None and entry.source.reliability.value in ("UNCONFIRMED", "ANALOGUE"):
        note = bi(f"注：{run.year} 年扶贫标准 {entry.amount:,} 元未经核实，仅供参考（{entry.source.note}）",
                  f"note: the {run.year} line of {entry.amount:,} yuan is unconfirmed ({entry.source.note})")
        console.print(f"[yellow]{note}[/]", highlight=False)


def _emit_explanations(run: Any, explanations: list[Any], lang: str, fmt: OutputFormat) -> None:
    """Each indicator line of each explanation as a row, for a script: the subject, its verdict, the
    line's status and words, and the members it names."""
    listing = Listing(bi("评估说明", "explanation"), [
        ("level", bi("层级", "level")), ("subject", bi("对象", "subject")), ("year", bi("年度", "year")),
        ("pack", bi("政策包", "pack")), ("verdict", bi("结论", "verdict")), ("status", bi("该项", "status")),
        ("text", bi("说明", "text")), ("members", bi("成员", "members"))])
    for e in explanations:
        for line in e.lines:
            listing.add(level=e.level, subject=e.subject, year=run.year, pack=f"{run.pack} {run.pack_version}",
                        verdict=e.verdict, status=line.status, text=line.text(lang),
                        members="；".join(str(m) for m in line.members) or None)
    emit(listing, fmt)


def _household(query: str) -> Any:
    """The household a number, a resident ID or a person's name names; asks (on a terminal) when a
    name matches several, else lists them and says to give the number."""
    import sys

    from liangfang.assessments import selectors
    from liangfang.domain.problems import NotFound
    from liangfang.registry.household_search import households_named

    try:
        return selectors.find_household(query)
    except NotFound:
        matches = households_named(query)
        if not matches:
            raise
    if len(matches) == 1:
        return matches[0].household
    listing = Listing(bi(f"有 {len(matches)} 户有名为 {query} 的成员", f"{len(matches)} households have a member "
                         f"called {query}"), [
        ("choice", bi("序号", "no.")), ("number", bi("户编号", "household")), ("village", bi("村", "village")),
        ("head", bi("户主", "head")), ("member", bi("成员", "member"))])
    for i, m in enumerate(matches, 1):
        listing.add(choice=i, number=m.household.number, village=m.household.village.name, head=m.head,
                    member=m.matched)
    emit(listing)
    if not sys.stdin.isatty():
        raise fail(bi("请用户编号指明是哪一户", "give the household number to say which one"))
    while True:
        choice = typer.prompt(bi("请输入序号", "which one (number)"), type=int)
        if 1 <= choice <= len(matches):
            return matches[choice - 1].household


@app.command(help=bi("录入县的第三方评估数据（错退率、漏评率、群众认可度），供县级指标使用",
                     "Record a county's third-party verification figures for the county indicators"))
def verification(
    county: str = typer.Option(..., "--county", help=bi("县的代码或名称（或名称中唯一的一部分）",
                                                        "the county's code or name (or a unique part of it)")),
    year: int = typer.Option(..., "--year", help=bi("年度", "year")),
    wrong_exit_rate: Decimal | None = typer.Option(None, "--wrong-exit-rate",
                                                   help=bi("错退率（%）", "wrong-exit rate (%)")),
    missed_poor_rate: Decimal | None = typer.Option(None, "--missed-poor-rate",
                                                    help=bi("漏评率（%）", "missed-poor rate (%)")),
    approval: Decimal | None = typer.Option(None, "--approval", help=bi("群众认可度（%）", "public approval (%)")),
    missed_people: int | None = typer.Option(None, "--missed-people", help=bi("漏评人口", "missed poor people")),
    wrong_exit_people: int | None = typer.Option(None, "--wrong-exit-people",
                                                 help=bi("错退人口", "wrongly exited people")),
    source: str = typer.Option("", "--source", help=bi("来源说明", "where the figures come from")),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP),
) -> None:
    migrate()
    from liangfang.assessments.services import verification_record
    from liangfang.domain.problems import ValidationFailed

    from .region_cmds import resolve_region

    region = resolve_region(county, "county")
    try:
        record = verification_record(county_code=region.code, year=year, by="cli", source=source,
                            wrong_exit_rate=wrong_exit_rate,
                            missed_poor_rate=missed_poor_rate, public_approval=approval,
                            missed_poor_people=missed_people, wrong_exit_people=wrong_exit_people)
    except ValidationFailed as err:
        for p in err.problems:
            console.print(f"[red]✗[/] {p.field} = {p.value}: {said(p.message)}", highlight=False)
        raise fail(bi("未保存", "nothing was saved")) from None
    listing = summary(bi(f"{region.name}（{region.code}）{year} 年第三方评估数据",
                         f"{region.name} ({region.code}) {year}: verification figures"))
    for key, zh, en in (("wrong_exit_rate", "错退率（%）", "wrong-exit rate (%)"),
                        ("missed_poor_rate", "漏评率（%）", "missed-poor rate (%)"),
                        ("public_approval", "群众认可度（%）", "public approval (%)"),
                        ("missed_poor_people", "漏评人口", "missed poor people"),
                        ("wrong_exit_people", "错退人口", "wrongly exited people")):
        listing.add(key=key, item=bi(zh, en), value=getattr(record, key))
    listing.add(key="source", item=bi("来源", "source"), value=record.source)
    emit(listing, fmt)
    note(bi(f"已保存 {region.name}（{region.code}）{year} 年第三方评估数据；重新运行 "
                     f"liangfang assess --year {year} 生效",
                     f"saved for {region.name} ({region.code}) {year}; run `liangfang assess --year {year}` "
                     "again to use them"), fmt)


@app.command("export-parquet", help=bi("把登记数据按分析布局导出为 Parquet（供 DuckDB 评估）",
                                       "Export the registry to Parquet in the analytic layout (for DuckDB)"))
def export_parquet(out: Path = typer.Option(..., "--out", help=bi("输出目录", "output folder"))) -> None:
    setup_django()
    from django.db import connection

    from liangfang.assessments.services import database_dialect
    from liangfang.engine.export import export_layout
    from liangfang.layout import TABLES

    with progress_bar(bi("导出", "exporting"), total=len(TABLES)) as advance:
        current = {"table": ""}

        def step(table: str, rows: int) -> None:
            if table != current["table"]:
                if current["table"]:
                    advance(1)
                current["table"] = table
            advance.describe(f"{table}: {rows:,}")
        written = export_layout(connection, database_dialect(), out, progress=step)
        advance(1)
    for name, rows in written.items():
        console.print(f"  {name}.parquet  {rows:,}")
    console.print(bi(f"已导出到 {out}", f"exported to {out}"))


@app.command(help=bi("列出一个区域的应退未退户、疑似错退户和数据缺失户（按指标）",
                     "List a region's households meeting the standard but not exited (应退未退), exited but "
                     "failing it (疑似错退), and those an indicator cannot judge for missing data"))
def differences(
    region: str = typer.Argument(..., help=bi("区划代码（县、乡镇或行政村）",
                                              "region code (county, township or village)")),
    year: int = typer.Option(..., "--year", help=bi("评估年度", "assessment year")),
    pack: str | None = typer.Option(None, "--pack", help=bi("政策包（默认该年最近一次评估）",
                                                            "pack (default: the year's latest run)")),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP),
) -> None:
    setup_django()
    from liangfang.assessments import selectors
    from liangfang.assessments.differences import Listed, area_differences
    from liangfang.domain.problems import NotFound
    from liangfang.registry.models import Region

    lang = _lang()
    try:
        run = selectors.run_for(year, pack)
        area = Region.objects.filter(code=region).first()
        if area is None:
            raise NotFound(Text(f"找不到区划 {region}",
                                f"no region {region}"))
    except NotFound as err:
        raise fail(message_of(err)) from None
    found = area_differences(run, area)
    policy = run.policy()
    indicators = policy.indicators("household")
    if fmt is not OutputFormat.table:
        listing = Listing(bi("差异", "differences"), [
            ("kind", bi("类别", "kind")), ("indicator", bi("指标", "indicator")),
            ("household", bi("户编号", "household")),
            ("village", bi("村", "village")), ("people", bi("人数", "people"))])
        for kind, indicator, rows in (("should_exit", None, found.should_exit),
                                      ("suspected_wrong_exit", None, found.suspected_wrong_exit),
                                      *(("data_gap", name, rows) for name, rows in found.data_gaps.items())):
            for h in rows:
                listing.add(kind=kind, indicator=indicator, household=h.number, village=h.village, people=h.people)
        emit(listing, fmt)
        return

    def show(title: str, rows: list[Listed]) -> None:
        console.print(f"[bold]{title}[/]：{len(rows):,}" if lang == "zh" else f"[bold]{title}[/]: {len(rows):,}",
                      highlight=False)
        for h in rows:
            console.print(f"  {h.number}  {h.village}  {h.people} {bi('人', 'people')}", highlight=False)
    console.print(f"{area.name}（{area.code}）— {run.year} {run.pack} {run.pack_version}", highlight=False)
    show(bi("应退未退（未脱贫但达到标准）", "meeting the standard but not exited"), found.should_exit)
    show(bi("疑似错退（已脱贫但未达到标准）", "exited but failing the standard"), found.suspected_wrong_exit)
    console.print(bi(f"数据缺失无法判定的户（按指标，共 {found.data_gap_households:,} 户）",
                     f"households lacking data, per indicator ({found.data_gap_households:,} in all)"),
                  highlight=False)
    for name, rows in found.data_gaps.items():
        label = name if name not in indicators else (
            indicators[name].name.zh if lang == "zh" else indicators[name].name.en)
        show(f"  {label}", rows)
