"""``liangfang monitor screen|apply|report``: dynamic monitoring from the command line (the same
engine and services as the web pages)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.markup import escape

from ..domain.text import message_of
from .app import app, console, fail, migrate
from .output import FORMAT_HELP, Listing, OutputFormat, emit, note, summary
from .text import bi, language

monitor_app = typer.Typer(help=bi("防止返贫动态监测：排查、月报、部门预警", "Dynamic monitoring: screening, monthly "
                                  "report, department warnings"), no_args_is_help=True)
app.add_typer(monitor_app, name="monitor")


def _lang() -> str:
    return "en" if language() == "en" else "zh"


def _pack(name: str | None):  # type: ignore[no-untyped-def]
    from liangfang.monitoring.packs import current_monitoring_pack
    from liangfang.policy.loader import PackError
    from liangfang.policy.monitoring import load_monitoring_pack

    try:
        return load_monitoring_pack(name) if name else current_monitoring_pack()
    except (PackError, FileNotFoundError) as exc:
        raise fail(message_of(exc)) from None


@monitor_app.command("screen", help=bi(
    "按月排查：列出各村的线索及理由（收入按该月之前12个月计算）；--record 登记为干部排查线索",
    "Screen a month: leads per village with why (income over the 12 months before the month); --record "
    "records them as cadre-screening leads"))
def screen(
    year: int = typer.Option(..., help=bi("年度", "year")),
    month: int = typer.Option(12, help=bi("月份（1–12）", "month (1–12)")),
    region: str | None = typer.Option(None, "--region", help=bi("只列此区划代码以下", "only under this region code")),
    pack: str | None = typer.Option(None, help=bi("监测政策包（默认吉林示例）", "monitoring pack (default: the Jilin "
                                                                            "example)")),
    record: bool = typer.Option(False, "--record", help=bi("登记为线索", "record the leads")),
    engine: str = typer.Option("database", help=bi("database 或 duckdb", "database or duckdb")),
    data: Path | None = typer.Option(None, "--data", help=bi("duckdb：Parquet 目录", "duckdb: the Parquet folder")),
    batch: int | None = typer.Option(None, "--batch", min=1, help=bi(
        "duckdb：按农户编号分批运行，每批约此户数（至多500万户，默认为内存允许的最多户数）",
        "duckdb: run in rounds of about this many households by id (at most 5 million; by default as many "
        "as memory allows)")),
    found_on: str | None = typer.Option(None, "--found-on", help=bi("--record：发现日期 YYYY-MM-DD（默认今天）",
                                                                     "--record: the date found, YYYY-MM-DD "
                                                                     "(default today)")),
    by: str = typer.Option("cli", help=bi("登记人", "recorded by")),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP),
) -> None:
    from liangfang.policy.monitoring import UnknownYearError
    from liangfang.procedures.workdays import OutsideCalendar

    try:
        found = dt.date.fromisoformat(found_on) if found_on else dt.date.today()
    except ValueError:
        raise fail(bi(f"--found-on {found_on!r} 须为 YYYY-MM-DD", f"--found-on {found_on!r} must be YYYY-MM-DD")) \
            from None

    loaded = _pack(pack)
    if not 1 <= month <= 12:
        raise fail(bi(f"--month {month} 须为 1–12", f"--month {month} must be 1–12"))
    try:
        if engine == "duckdb":
            if data is None:
                raise fail(bi("--engine duckdb 需要 --data 目录", "--engine duckdb needs --data FOLDER"))
            _screen_duckdb(data, loaded, year, month, batch)
            return
        if engine != "database":
            raise fail(bi(f"未知的引擎 {engine}", f"unknown engine {engine}"))
        _screen_database(loaded, year, month, region, record, found, by, fmt)
    except (UnknownYearError, OutsideCalendar) as exc:
        raise fail(message_of(exc)) from None


def _screen_database(pack, year: int, month: int, region_code: str | None, record: bool,  # type: ignore[no-untyped-def]
                     found: dt.date, by: str, fmt: OutputFormat = OutputFormat.table) -> None:
    migrate()
    from liangfang.monitoring.screening import run_monitoring_month
    from liangfang.registry.models import Household, Region

    from .region_cmds import resolve_region

    region = resolve_region(region_code) if region_code else None
    run = run_monitoring_month(year, month, region=region, pack=pack)
    leads = run.leads()
    lang = _lang()
    explainer = run.explainer
    numbers = dict(Household.objects.filter(id__in=[r.household_id for r in leads]).values_list("id", "number"))
    villages = {v.pk: v for v in Region.objects.filter(id__in={r.village_id for r in leads})}
    if fmt is not OutputFormat.table:
        listing = Listing(bi("线索", "leads"), [
            ("village", bi("村代码", "village code")), ("village_name", bi("村", "village")),
            ("household", bi("户编号", "household")), ("category", bi("类别", "category")),
            ("risk_types", bi("风险类型", "risk types")), ("why", bi("理由", "why"))])
        for result in sorted(leads, key=lambda r: (villages[r.village_id].code, numbers[r.household_id])):
            village = villages[result.village_id]
            listing.add(village=village.code, village_name=village.name, household=numbers[result.household_id],
                        category=result.category, risk_types=" ".join(result.risk_types(pack)),
                        why="；".join(explainer.why(result, lang)))
        emit(listing, fmt)
    note(bi(f"{year}年{month}月排查（收入计算期：之前{pack.whole('income_window_months')}个月；监测线 "
            f"{pack.monitoring_line(year):,} 元）：线索 {len(leads):,} 户",
            f"screening {year}-{month:02d} (income over the {pack.whole('income_window_months')} months "
            f"before; line {pack.monitoring_line(year):,} yuan): {len(leads):,} lead(s)"), fmt)
    if fmt is OutputFormat.table:  # (the listing above said it all as data)
        for village_id in sorted(villages, key=lambda v: villages[v].code):
            village = villages[village_id]
            mine = sorted((r for r in leads if r.village_id == village_id), key=lambda r: numbers[r.household_id])
            count = bi(f"{len(mine)} 户", f"{len(mine)} lead(s)")
            console.print(f"\n[bold]{escape(village.name)} {village.code}[/] — {count}")
            for result in mine:
                category = pack.categories[result.category].name
                risks = [pack.risk_types[r].name for r in result.risk_types(pack)]
                sep = "、" if lang == "zh" else ", "
                console.print(f"  {numbers[result.household_id]}  {category.zh if lang == 'zh' else category.en}  "
                              f"{sep.join(r.zh if lang == 'zh' else r.en for r in risks)}", soft_wrap=True)
                for sentence in explainer.why(result, lang):
                    console.print(f"    · {escape(sentence)}", soft_wrap=True)
    if record:
        from liangfang.monitoring.services.leads import screening_leads

        outcome = screening_leads(run, found_on=found, by=by)
        note(bi(f"\n已登记线索 {len(outcome.created):,} 条；跳过 {len(outcome.skipped):,} 户"
                "（已是监测对象或已有线索）",
                f"\nrecorded {len(outcome.created):,} leads; skipped {len(outcome.skipped):,} households "
                "(already objects or with an open lead)"), fmt)
        if outcome.created:
            from liangfang.monitoring.deadlines import lead_deadlines

            provisional = lead_deadlines(pack, found).provisional
            if provisional is not None:  # counted through a year whose holidays are not published (or confirmed)
                said = bi(f"期限暂定：{provisional.zh}", f"deadlines provisional: {provisional.en}")
                note(f"[yellow]{escape(said)}[/]", fmt)


def _screen_duckdb(data: Path, pack, year: int, month: int,  # type: ignore[no-untyped-def]
                   batch: int | None = None) -> None:
    import time

    import duckdb

    from liangfang.engine.monitor.plan import leads_and_objects
    from liangfang.engine.monitor.run import monitoring_parquet_views, run_month
    from liangfang.engine.session import duckdb_session

    started = time.perf_counter()
    session = duckdb_session(duckdb.connect())
    try:
        monitoring_parquet_views(session, data)
    except FileNotFoundError as exc:
        raise fail(message_of(exc)) from None
    compiled, results = run_month(session, pack, year, month, where=leads_and_objects(), batch=batch)
    leads = [r for r in results.values() if r.is_lead]
    eliminable = [r for r in results.values() if r.elimination == "pass"]
    by_rule: dict[str, int] = {}
    for r in leads:
        for name, status in r.screening.items():
            if status == "pass":
                by_rule[name] = by_rule.get(name, 0) + 1
    console.print(bi(f"{year}年{month}月（DuckDB，{data}）：线索 {len(leads):,} 户，可风险消除 {len(eliminable):,} 户，"
                     f"{time.perf_counter() - started:.1f} 秒",
                     f"{year}-{month:02d} (DuckDB, {data}): {len(leads):,} leads, {len(eliminable):,} objects "
                     f"eligible for elimination, {time.perf_counter() - started:.1f} s"))
    for name, count in by_rule.items():
        rule = compiled.pack.screening_rules[name].name
        console.print(f"  {bi(rule.zh, rule.en)}: {count:,}")


def _day(option: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(bi(f"{option} {text!r} 须为 YYYY-MM-DD", f"{option} {text!r} must be YYYY-MM-DD")) from None


@monitor_app.command("apply", help=bi(
    "登记农户自主申报：申请日期、授权承诺书（签署日期和扫描件）、风险类型、申请理由；成为待核查线索",
    "Record a household's own application: its date, the signed consent (date and scan), risk types, what "
    "the household says; it becomes an open lead"))
def apply(
    number: str = typer.Argument(..., help=bi("户编号", "household number")),
    on: str = typer.Option(..., "--date", help=bi("申请日期 YYYY-MM-DD", "date of the application, YYYY-MM-DD")),
    consent_on: str = typer.Option(..., "--consent-date", help=bi("授权承诺书签署日期 YYYY-MM-DD",
                                                                  "date the consent was signed, YYYY-MM-DD")),
    consent: Path = typer.Option(..., "--consent", help=bi("签署的授权承诺书（PDF、JPEG 或 PNG）",
                                                           "the signed consent (PDF, JPEG or PNG)")),
    risk: list[str] = typer.Option(..., "--risk", help=bi("风险类型代码（可重复）", "risk type code (repeatable)")),
    statement: str = typer.Option(..., "--statement", help=bi("申请理由（农户所述的困难）",
                                                              "why the household applies, in its words")),
    by: str = typer.Option("cli", help=bi("登记人", "recorded by")),
) -> None:
    migrate()
    from liangfang.domain.problems import ValidationFailed
    from liangfang.monitoring.services.leads import application_record
    from liangfang.procedures.services.attachments import Upload, max_bytes
    from liangfang.registry.models import Household

    from .text import said

    found, signed = _day("--date", on), _day("--consent-date", consent_on)
    household = Household.objects.filter(number=number.strip()).first()
    if household is None:
        raise fail(bi(f"没有户编号为 {number} 的农户", f"no household numbered {number}"))
    try:
        with consent.open("rb") as f:
            content = f.read(max_bytes() + 1)  # bounded: a larger file is then refused by its size
    except OSError as exc:
        raise fail(bi(f"无法读取 {consent}：{exc.strerror}", f"cannot read {consent}: {exc.strerror}")) from None
    try:
        lead = application_record(household=household, found_on=found, consent_on=signed, risk_types=risk,
                                  statement=statement, consent=Upload("consent", consent.name, content), by=by)
    except ValidationFailed as err:
        for p in err.problems:
            console.print(f"[red]✗[/] {p.field} = {escape(str(p.value))}: {escape(said(p.message))}",
                          highlight=False)
        raise fail(bi("未登记", "nothing was recorded")) from None
    console.print(bi(f"已登记农户 {household.number} 的申请（线索 #{lead.pk}）：入户核查期限 {lead.home_check_due}，"
                     f"识别办结期限 {lead.identification_due}",
                     f"recorded household {household.number}'s application (lead #{lead.pk}): home check due "
                     f"{lead.home_check_due}, identification due {lead.identification_due}"), highlight=False)


@monitor_app.command("recount", help=bi(
    "按现行节假日安排重算待办线索的期限（国务院公布或更正某年节假日、升级日历数据后运行）；改动记入变更记录",
    "Count open leads' deadlines again with the calendar as it is now (run after a year's holidays are "
    "published or corrected and the calendar data upgraded); each change goes into the change record"))
def recount(
    dry_run: bool = typer.Option(False, "--dry-run", help=bi("只列出将改动的期限，不保存", "list the changes only")),
    by: str = typer.Option("cli", help=bi("操作人", "done by")),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP),
) -> None:
    migrate()
    from liangfang.monitoring.services.leads import leads_deadlines_recount

    changed = leads_deadlines_recount(by=by, dry_run=dry_run)
    listing = Listing(bi("期限改动的线索", "leads whose deadlines change"), [
        ("lead", bi("线索", "lead")), ("household", bi("户编号", "household")),
        ("home_check_was", bi("原入户核查期限", "home check due, was")),
        ("home_check_due", bi("入户核查期限", "home check due")),
        ("identification_was", bi("原识别办结期限", "identification due, was")),
        ("identification_due", bi("识别办结期限", "identification due"))])
    for r in changed:
        listing.add(lead=r.lead.pk, household=r.lead.household.number, home_check_was=str(r.home_check[0]),
                    home_check_due=str(r.home_check[1]), identification_was=str(r.identification[0]),
                    identification_due=str(r.identification[1]))
    emit([listing], fmt)
    verb = bi("将改动", "would change") if dry_run else bi("已改动", "changed")
    note(bi(f"{verb} {len(changed)} 条线索的期限", f"{verb} the deadlines of {len(changed)} lead(s)"), fmt)


@monitor_app.command("report", help=bi("月报：某区划某月的监测对象、新增、消除、逾期线索、开发式帮扶占比（Excel）",
                                       "Monthly report: objects, new, eliminated, overdue leads, share with a "
                                       "development measure, for a region and month (Excel)"))
def report(
    region: str = typer.Option(..., "--region", help=bi("区划代码", "region code")),
    month: str = typer.Option(..., "--month", help=bi("月份 YYYY-MM", "month YYYY-MM")),
    output: Path | None = typer.Option(None, "-o", "--output", help=bi("同时写入 .xlsx 文件（含各户名单）",
                                                                      "also write an .xlsx file (with the lists)")),
    without_health: bool = typer.Option(False, "--without-health", help=bi(
        "文件交给无权查看健康信息的人：不含各户风险类型和依据，因病、因残户数过少时不含按风险类型的统计",
        "the file is for someone without health facts: no household's risk types or reasons, and no counts "
        "by risk type when illness or disability counts too few households")),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP),
) -> None:
    migrate()
    from liangfang.disclosure import MASKED, MASKED_WITHOUT_HEALTH
    from liangfang.monitoring.report import write_month_report

    try:
        year, number = (int(part) for part in month.split("-"))
        dt.date(year, number, 1)
    except ValueError:
        raise fail(bi(f"--month {month!r} 须为 YYYY-MM，如 2023-06", f"--month {month!r} must be YYYY-MM, e.g. "
                      "2023-06")) from None
    if output is not None and output.suffix.lower() != ".xlsx":
        raise fail(bi(f"{output}：输出文件须以 .xlsx 结尾", f"{output}: the output file must end in .xlsx"))
    from .region_cmds import resolve_region

    found = resolve_region(region)
    emit(_month_listing(found, year, number), fmt)
    if output is None:
        return
    counts = write_month_report(output, found, year, number,
                                reader=MASKED_WITHOUT_HEALTH if without_health else MASKED)
    note(bi(f"已写入 {output}：监测对象 {counts['objects']:,} 户，线索 {counts['leads']:,} 条",
                     f"written {output}: {counts['objects']:,} objects, {counts['leads']:,} leads"), fmt)


def _month_listing(region, year: int, month: int) -> Listing:  # type: ignore[no-untyped-def]
    """The month's figures (the workbook's first sheet), one a row; the monitoring line says whether
    it is confirmed."""
    from liangfang.monitoring.selectors import month_figures

    pack = _pack(None)
    f = month_figures(region, year, month)
    listing = summary(bi(f"{region.name}（{region.code}）{year} 年 {month} 月防返贫监测",
                         f"{region.name} ({region.code}) {year}-{month:02d}: monitoring"))
    line = pack.monitoring_line_entry(year)
    listing.add(key="monitoring_line", item=bi("监测线（元）", "monitoring line (yuan)"),
                value=pack.monitoring_line(year))
    listing.add(key="monitoring_line_reliability", item=bi("监测线可靠性", "line reliability"),
                value=line.source.reliability.value)
    for key, zh, en in (("objects", "月末监测对象（户）", "objects at month end"),
                        ("people", "月末监测对象（人）", "people in objects"), ("new", "本月新增", "new this month"),
                        ("eliminated", "本月风险消除", "eliminated this month"),
                        ("open_leads", "待办线索", "open leads"),
                        ("overdue_home_checks", "逾期未入户核查", "home checks overdue"),
                        ("overdue_identifications", "逾期未完成识别", "identifications overdue"),
                        ("with_development_measure", "有开发式措施的对象", "objects with a development measure"),
                        ("development_share", "开发式帮扶占比（%）", "share with a development measure (%)")):
        listing.add(key=key, item=bi(zh, en), value=getattr(f, key))
    for code, n in f.by_category.items():
        name = pack.categories[code].name
        listing.add(key=f"category_{code}", item=bi(f"类别：{name.zh}", f"category: {name.en}"), value=n)
    for code, n in f.by_risk_type.items():
        name = pack.risk_types[code].name
        listing.add(key=f"risk_type_{code}", item=bi(f"风险类型：{name.zh}", f"risk type: {name.en}"), value=n)
    return listing


@monitor_app.command("synth-months", help=bi(
    "为全国规模合成登记数据（synth --households --out）加上月度收支与冲击（Parquet，监测用）",
    "Add months and shocks (Parquet, for monitoring) to a national synthetic registry (synth --households --out)"))
def synth_months(
    data: Path = typer.Option(..., "--data", help=bi("全国规模 Parquet 目录", "the national Parquet folder")),
    first: str = typer.Option("2020-01", help=bi("首月 YYYY-MM", "first month YYYY-MM")),
    last: str = typer.Option("2021-12", help=bi("末月 YYYY-MM", "last month YYYY-MM")),
    seed: int = typer.Option(2020, help=bi("随机种子", "random seed")),
) -> None:
    from liangfang.synth.national_months import write_national_months

    try:
        bounds = [int(y) * 100 + int(m) for y, m in (part.split("-") for part in (first, last))]
        if not all(1 <= b % 100 <= 12 for b in bounds) or bounds[0] > bounds[1]:
            raise ValueError
    except ValueError:
        raise fail(bi("--first/--last 须为 YYYY-MM，且首月不晚于末月", "--first/--last must be YYYY-MM, first not "
                      "after last")) from None
    if not (data / "incomes.parquet").exists():
        raise fail(bi(f"{data} 中没有 incomes.parquet：请先运行 synth --households N --out {data}",
                      f"{data} holds no incomes.parquet: run synth --households N --out {data} first"))
    report = write_national_months(data, first=bounds[0], last=bounds[1], seed=seed)
    console.print(bi(f"已写入 {report.months:,} 个户月（{report.households:,} 户），监测对象 {report.objects:,}，"
                     f"{report.seconds} 秒", f"written {report.months:,} household-months ({report.households:,} "
                     f"households), {report.objects:,} objects, {report.seconds} s"))
    for name, size in report.files.items():
        console.print(f"  {name}: {size / 1e6:,.1f} MB")


@monitor_app.command("synth-history", help=bi(
    "为合成区（synth）写入2021年以来的监测历史：月度收支与冲击、每半年排查、线索、纳入、帮扶、风险消除、返贫",
    "Write the monitoring years into the synthetic district (synth): months with shocks, screening twice a "
    "year, leads, objects, help, eliminations, relapses"))
def synth_history(
    seed: int = typer.Option(2020, help=bi("随机种子", "random seed")),
) -> None:
    migrate()
    from liangfang.monitoring.history import build_monitoring_history
    from liangfang.registry.models import Household

    if not Household.objects.exists():
        raise fail(bi("数据库中没有农户：请先运行 synth", "the database holds no households: run synth first"))
    report = build_monitoring_history(seed=seed, progress=lambda text: console.print(f"  {text}"))
    if not report.screenings:
        console.print(bi("监测历史已存在，未重复写入。", "The monitoring history is already there; not written again."))
        return
    console.print(bi(f"{report.households:,} 户 {report.months:,} 个户月；排查 {report.screenings} 次，"
                     f"线索 {report.leads:,}，排除 {report.dismissed:,}，纳入 {report.admitted:,}，"
                     f"风险消除 {report.eliminated:,}，返贫再纳入 {report.relapsed:,}；{report.seconds} 秒",
                     f"{report.households:,} households, {report.months:,} household-months; {report.screenings} "
                     f"screenings, {report.leads:,} leads, {report.dismissed:,} dismissed, {report.admitted:,} "
                     f"admitted, {report.eliminated:,} eliminated, {report.relapsed:,} relapsed; {report.seconds} s"))
    for year, counts in sorted(report.by_year.items()):
        console.print(f"  {year}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
