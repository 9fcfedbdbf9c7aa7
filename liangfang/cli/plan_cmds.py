"""``liangfang plan``, ``plan-accept``, ``plan-deliver``, ``pair`` and ``overdue``: prescribe for an
area under a budget, accept and deliver plans, pair cadres with households, list overdue work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import typer

from ..domain.text import Text
from .app import app, console, fail, migrate
from .output import FORMAT_HELP, Listing, OutputFormat, emit, note, summary
from .progress import progress_bar
from .text import bi, language, listed, said


def _lang() -> str:
    return "en" if language() == "en" else "zh"


def _region(village: str | None, township: str | None, county: bool, code: str | None) -> Any:
    from liangfang.registry.selectors import top_region

    chosen = [x for x in (village, township, code if county or code else None) if x]
    if sum(1 for x in (village, township, county or code) if x) != 1:
        raise fail(bi("请只选一种范围：--village 代码、--township 代码 或 --county [--county-code 代码]",
                      "choose one area: --village CODE, --township CODE or --county [--county-code CODE]"))
    if county and not code:
        region = top_region()
        if region is None or region.level != "county":
            raise fail(bi("数据库中没有唯一的县，请用 --county-code 指定", "no single county in the database; "
                          "give --county-code"))
        return region
    from .region_cmds import resolve_region

    level = "village" if village else ("township" if township else "county")
    return resolve_region(chosen[0], level)


def _money(value: Decimal) -> str:
    return f"{value:,.0f}"


def _capacities(items: list[str]) -> dict[str, int]:
    out = {}
    for item in items:
        name, _, number = item.partition("=")
        if not number.strip().isdigit():
            raise fail(bi(f"--capacity 应写成 名称=数量，得到 {item!r}", f"--capacity takes NAME=NUMBER, got {item!r}"))
        out[name.strip()] = int(number)
    return out


def _budget(text: str | None) -> Decimal | None:
    if text is None or text.strip().lower() in ("", "none", "unlimited", "不限"):
        return None
    try:
        value = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise fail(bi(f"--budget 应为金额（元），得到 {text!r}", f"--budget takes an amount in yuan, got {text!r}")) \
            from None
    return value


def _problems(err: Any, what_zh: str, what_en: str) -> typer.Exit:
    for p in err.problems:
        console.print(f"[red]✗[/] {p.field} = {p.value}: {said(p.message)}", highlight=False)
    return fail(bi(f"{what_zh}，未写入任何内容", f"{what_en}; nothing was written"))


def _cost_table(kind: str, title_zh: str, title_en: str, rows: list[Any], total: Decimal, limit: int,
                lang: str) -> Listing:
    """Costs by one breakdown (``kind``: measure, fund_source, category, village), the first ``limit``
    rows, the rest summed, and the total."""
    listing = Listing(bi(title_zh, title_en), [
        ("breakdown", bi("分类", "breakdown")), ("item", bi("项目", "item")), ("measures", bi("措施数", "measures")),
        ("households", bi("户数", "households")), ("cost", bi("费用（元）", "cost (yuan)")),
        ("share", bi("占比（%）", "share (%)"))],
        numbers=frozenset({"measures", "households", "cost", "share"}), machine=frozenset({"breakdown"}))

    def add(item: str, units: int | None, households: int | None, cost: Decimal) -> None:
        share = round(cost * 100 / total, 1) if total else None
        listing.add(breakdown=kind, item=item, measures=units, households=households, cost=cost, share=share,
                    _shown={"cost": _money(cost), **({"share": f"{share}%"} if share is not None else {})})

    for r in rows[:limit]:
        add(r.zh if lang == "zh" else r.en, r.units, r.households, r.cost)
    if len(rows) > limit:
        rest = rows[limit:]
        add(bi(f"其余 {len(rest)} 项", f"{len(rest)} more"), sum(r.units for r in rest), None,
            sum((r.cost for r in rest), Decimal(0)))
    add(bi("合计", "total"), None, None, total)
    return listing


@app.command(help=bi("为一个村、乡镇或全县测算帮扶计划：在预算和容量内使最多农户达标、费用最少；按措施、资金来源和村列出费用",
                     "Prescribe for a village, township or the county: the most households brought to the standard "
                     "within the budget and capacities at least cost; costs by measure, fund source and village"))
def plan(
    year: int = typer.Option(..., "--year", help=bi("计划年度（按该年数据诊断）",
                                                     "plan year (diagnosed on that year's data)")),
    budget: str | None = typer.Option(None, "--budget", help=bi("预算（元）；不填为不限", "budget in yuan; omit for "
                                                                                   "unlimited")),
    village: str | None = typer.Option(None, "--village", help=bi("行政村代码或名称", "village code or name")),
    township: str | None = typer.Option(None, "--township", help=bi("乡镇代码或名称", "township code or name")),
    county: bool = typer.Option(False, "--county", help=bi("全县", "the whole county")),
    county_code: str | None = typer.Option(None, "--county-code", help=bi("县代码（库中有多个县时）",
                                                                          "county code (when there are several)")),
    pack: str = typer.Option("cn-national", "--pack", help=bi("政策包", "policy pack")),
    capacity: list[str] = typer.Option([], "--capacity", help=bi("调整容量，如 public_welfare_jobs=8（可多次）",
                                                                  "override a capacity, e.g. public_welfare_jobs=8 "
                                                                  "(repeatable)")),
    dry_run: bool = typer.Option(False, "--dry-run", help=bi("只测算，不保存计划", "compute only; save no plans")),
    greedy: bool = typer.Option(False, "--greedy", help=bi("同时给出简单贪心规则的结果作比较",
                                                           "also show what the simple greedy rule achieves")),
    show: int = typer.Option(5, "--show", help=bi("列出前 N 户的计划", "list the plans of the first N households")),
    by: str = typer.Option("cli", "--by", help=bi("操作人（写入变更记录）", "who is acting (for the change log)")),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP),
) -> None:
    migrate()
    region = _region(village, township, county, county_code)
    plan_and_report(region, year, _budget(budget), by=by, pack=pack, capacities=_capacities(capacity),
                    save=not dry_run, greedy=greedy, show=show, fmt=fmt)


def plan_and_report(region: Any, year: int, amount: Decimal | None, *, by: str, pack: str = "cn-national",
                    capacities: dict[str, int] | None = None, save: bool = True, greedy: bool = False,
                    show: int = 5, fmt: OutputFormat = OutputFormat.table) -> None:
    """Propose plans for ``region`` and print the report: summary, cost tables, the first plans."""
    from liangfang.domain.problems import ValidationFailed
    from liangfang.plans.prescribe import yuan
    from liangfang.plans.services.plans import plan_area
    from liangfang.plans.tables import cost_tables

    lang = _lang()
    try:
        with progress_bar(bi(f"{region.name}：诊断", f"{region.name}: diagnosing")) as advance:
            area = plan_area(region=region, year=year, budget=amount, by=by, pack=pack,
                             capacities=capacities, save=save, compare_greedy=greedy, progress=advance.steps(2))
            advance.describe(bi("诊断、优化完成", "diagnosed and optimised"))
            advance(2)
    except ValidationFailed as err:
        raise _problems(err, "未能测算", "could not plan") from None
    p = area.prescription
    total = yuan(p.cost)
    tables = cost_tables(area.lines(), area.catalogue.catalogue, area.village_names)
    listings = [_summary(area, amount),
                _cost_table("measure", "按措施", "by measure", tables["measure"], total, 30, lang),
                _cost_table("fund_source", "按资金来源", "by fund source", tables["fund_source"], total, 20, lang),
                _cost_table("category", "按五个一批/类别", "by category", tables["category"], total, 20, lang),
                _cost_table("village", "按行政村", "by village", tables["village"], total, 15, lang)]
    if fmt is OutputFormat.table:
        emit(listings)
        _show_plans(area, show, lang)
    else:  # the data alone on standard output; what it rests on still said, on standard error
        emit([*listings, _plans_listing(area, show, lang)], fmt)
    if area.run is not None:
        note(bi(f"已保存为第 {area.run.pk} 次测算，各户为待确认计划；确认：liangfang plan-accept --run "
                f"{area.run.pk}", f"saved as run {area.run.pk}; the households' plans await acceptance: "
                f"liangfang plan-accept --run {area.run.pk}"), fmt)
    disclaimer = area.catalogue.catalogue.disclaimer
    note(f"[yellow]{disclaimer.zh if lang == 'zh' else disclaimer.en}[/]", fmt)
    entry = area.catalogue.pack.poverty_lines.years.get(year)
    if entry is not None and entry.source.reliability.value in ("UNCONFIRMED", "ANALOGUE"):
        unconfirmed = bi(f"注：{year} 年扶贫标准 {entry.amount:,} 元未经核实（{entry.source.note}）",
                         f"note: the {year} line of {entry.amount:,} yuan is unconfirmed ({entry.source.note})")
        note(f"[yellow]{unconfirmed}[/]", fmt)


def _summary(area: Any, budget: Decimal | None) -> Listing:
    from liangfang.plans.prescribe import yuan

    p = area.prescription
    blocked: dict[str, int] = {}
    for d in p.plans.values():
        if d.feasible and not d.lifts and d.reasons:
            first = d.reasons[0].code  # the budget when it alone already stops the household
            blocked[first] = blocked.get(first, 0) + 1
    table = summary(bi(f"{area.region.name} {p.year} 年帮扶计划测算（{p.pack}，措施目录 {p.catalogue_version}）",
                         f"{area.region.name}: {p.year} plan ({p.pack}, catalogue {p.catalogue_version})"))

    def row(key: str, item: str, value: Any, shown: str | None = None) -> None:
        table.add(key=key, item=item, value=value, _shown=None if shown is None else {"value": shown})

    row("budget", bi("预算（元）", "budget (yuan)"), budget,
        bi("不限", "unlimited") if budget is None else _money(budget))
    row("households_failing", bi("未达标户", "households not meeting the standard"), len(p.plans))
    row("households_lifted", bi("计划达标户", "households the plan brings to the standard"), p.lifted)
    row("households_infeasible", bi("措施无法使其达标", "cannot reach the standard by any measure"),
        len(p.infeasible()))
    row("left_out_budget", bi("因预算未安排", "left out for the budget"), blocked.get("budget", 0))
    row("left_out_capacity", bi("因容量未安排", "left out for a capacity"), blocked.get("capacity", 0))
    row("measures_unfunded", bi("未安排的措施（预算或名额不足）", "measures needed but not funded (budget or places)"),
        sum(1 for d in p.plans.values() for r in d.reasons if r.code == "unfunded"))
    row("closing_cost", bi("达标措施费用（元）", "cost of the closing measures (yuan)"), yuan(p.selection.cost),
        _money(yuan(p.selection.cost)))
    row("total_cost", bi("总费用（元，含配套）", "total cost (yuan, with accompanying measures)"), yuan(p.cost),
        _money(yuan(p.cost)))
    status = {"optimal": Text("已求得最优方案", "the best possible plan"),
              "time_limit": Text(f"时限内找到的最好方案（与最优最多相差 {p.selection.mip_gap}）",
                                 f"the best found within the time limit (at most {p.selection.mip_gap} from the best)")}
    method = {"everyone": Text("预算和容量足够，全部安排", "budget and capacities suffice for every household"),
              "budget_only": Text("仅受预算限制，按每元达标户数安排", "only the budget limits: by households per yuan"),
              "milp": Text("整数规划（HiGHS）", "integer programming (HiGHS)"),
              "greedy": Text("贪心规则", "the greedy rule"), "none": Text("无需安排", "nothing to arrange")}
    s, m = p.selection.status, p.selection.method
    row("solver", bi("求解", "solver"), f"{s} {m}",
        listed((status.get(s, Text(s, s)), method.get(m, Text(m, m))), "，", "; "))
    if p.baseline is not None:
        row("greedy_lifted", bi("贪心规则对比：达标户", "greedy rule for comparison: households"), p.baseline.lifted)
        row("greedy_cost", bi("贪心规则对比：费用（元）", "greedy rule for comparison: cost (yuan)"),
            yuan(p.baseline.cost), _money(yuan(p.baseline.cost)))
    return table


def _gaps(area: Any, codes: list[str]) -> str:
    """A household's failing indicators in the pack's words (a code the pack does not name as it is),
    listed in the chosen language(s): ``人均纯收入、不愁吃 / per-capita net income, food``."""
    indicators = area.catalogue.pack.indicators("household")
    names = [indicators[c].name if c in indicators else Text(c, c) for c in codes]
    return listed(names)


def _plans_listing(area: Any, show: int, lang: str) -> Listing:
    """The first ``show`` households' plans, a measure a row, for a script (what ``_show_plans`` prints)."""
    from liangfang.plans.wording import render
    from liangfang.registry.models import Household

    p = area.prescription
    drafts = sorted(p.plans.values(), key=lambda d: (not d.lifts, d.household_id))[:show]
    numbers = dict(Household.objects.filter(pk__in=[d.household_id for d in drafts]).values_list("id", "number"))
    listing = Listing(bi("各户计划", "plans"), [
        ("household", bi("户编号", "household")), ("lifts", bi("可达标", "reaches the standard")),
        ("gaps", bi("未达标指标", "failing indicators")), ("measure", bi("措施代码", "measure")),
        ("cost", bi("费用（元）", "cost (yuan)")), ("text", bi("说明", "text"))])
    for d in drafts:
        gaps = _gaps(area, d.gaps)
        base = dict(household=numbers.get(d.household_id), lifts=d.lifts, gaps=gaps)
        for pr in d.proposals:
            spec = area.catalogue.measures[pr.measure].spec
            listing.add(**base, measure=pr.measure, cost=pr.cost, text=render(
                spec.explain.zh if lang == "zh" else spec.explain.en,
                {**pr.values, "cost": pr.cost, "gain": pr.gain}, area.catalogue.parameters, lang))
        for r in d.reasons:
            listing.add(**base, text=r.text(lang))
    return listing


def _show_plans(area: Any, show: int, lang: str) -> None:
    from liangfang.plans.wording import render
    from liangfang.registry.models import Household

    p = area.prescription
    drafts = sorted(p.plans.values(), key=lambda d: (not d.lifts, d.household_id))[:show]
    numbers = dict(Household.objects.filter(pk__in=[d.household_id for d in drafts]).values_list("id", "number"))
    for d in drafts:
        mark = "[green]✓[/]" if d.lifts else "[red]✗[/]"
        gaps = _gaps(area, d.gaps)
        console.print(f"{mark} [bold]{numbers.get(d.household_id)}[/] {bi('未达标', 'not met')}: {gaps}",
                      highlight=False)
        for pr in d.proposals:
            spec = area.catalogue.measures[pr.measure].spec
            text = render(spec.explain.zh if lang == "zh" else spec.explain.en,
                          {**pr.values, "cost": pr.cost, "gain": pr.gain}, area.catalogue.parameters, lang)
            console.print(f"    · {text}", highlight=False)
        for r in d.reasons:
            console.print(f"    [yellow]! {r.text(lang)}[/]", highlight=False)
    rest = [d for d in p.plans.values() if not d.feasible]
    if rest:
        counts: dict[str, int] = {}
        for d in rest:
            for r in d.reasons:
                counts[r.code] = counts.get(r.code, 0) + 1
        words = {"income_short": bi("增收措施不足以补齐收入缺口", "income measures cannot close the gap"),
                 "no_measure": bi("有指标无适用措施（多为数据缺失）", "a gap no measure fixes (often missing data)"),
                 "no_income_record": bi("无当年收入记录", "no income record for the year"),
                 "conflict": bi("措施相互排斥", "measures exclude one another"),
                 "unfunded": bi("措施因预算或名额未安排", "a measure not funded (budget or places)")}
        console.print(bi("无法达标的原因：", "why households cannot reach the standard: ")
                      + "；".join(f"{words.get(k, k)} {n} 户" for k, n in sorted(counts.items())), highlight=False)


@app.command("plan-accept", help=bi("确认一次测算中的待确认计划，使其成为现行计划（可限一个村）",
                                    "Accept the proposed plans of a run as the plans of record (optionally one "
                                    "village)"))
def plan_accept_cmd(
    run: int = typer.Option(..., "--run", help=bi("测算编号（liangfang plan 输出）",
                                                   "run number (from liangfang plan)")),
    village: str | None = typer.Option(None, "--village", help=bi("只确认该村", "only this village")),
    by: str = typer.Option("cli", "--by", help=bi("确认人", "who accepts")),
) -> None:
    migrate()
    from liangfang.plans.models import Plan
    from liangfang.plans.services.plans import plans_accept

    plans = Plan.objects.filter(run_id=run, status="proposed").select_related("household")
    if village:
        from .region_cmds import resolve_region

        plans = plans.filter(household__village=resolve_region(village, "village"))
    chosen = list(plans)
    if not chosen:
        raise fail(bi(f"第 {run} 次测算没有待确认的计划", f"run {run} has no proposed plans"))
    with progress_bar(bi("确认计划", "accepting plans"), total=len(chosen)) as advance:
        for start in range(0, len(chosen), 1000):
            advance(plans_accept(plans=chosen[start:start + 1000], by=by))
    console.print(bi(f"已确认 {len(chosen):,} 户计划", f"{len(chosen):,} plans accepted"))


@app.command("plan-deliver", help=bi("登记一次测算中已确认计划的措施全部落实（按计划金额），并写入登记数据",
                                     "Record every accepted measure of a run's plans as delivered (at the planned "
                                     "cost) and write its effect into the registry"))
def plan_deliver_cmd(
    run: int = typer.Option(..., "--run", help=bi("测算编号", "run number")),
    date: str = typer.Option(..., "--date", help=bi("落实日期 YYYY-MM-DD", "delivery date YYYY-MM-DD")),
    proof: str = typer.Option(..., "--proof", help=bi("佐证说明（验收单号等）", "proof (acceptance note number …)")),
    by: str = typer.Option("cli", "--by", help=bi("录入人", "who records it")),
) -> None:
    migrate()
    from liangfang.domain.problems import ValidationFailed
    from liangfang.plans.models import Plan
    from liangfang.plans.services.delivery import plans_deliver_many

    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise fail(bi(f"--date 应为 YYYY-MM-DD，得到 {date!r}", f"--date takes YYYY-MM-DD, got {date!r}")) from None
    plans = list(Plan.objects.filter(run_id=run, status="accepted"))
    if not plans:
        raise fail(bi(f"第 {run} 次测算没有已确认的计划，请先 liangfang plan-accept --run {run}",
                      f"run {run} has no accepted plans; run liangfang plan-accept --run {run} first"))
    try:
        with progress_bar(bi("登记落实", "recording deliveries")) as advance:
            advance.set_total(len(plans))
            count = len(plans_deliver_many(plans=plans, date=day, proof_note=proof, by=by, progress=advance))
    except ValidationFailed as err:
        raise _problems(err, "未能登记落实", "could not record the deliveries") from None
    console.print(bi(f"已登记 {count:,} 项措施落实；重新评估：liangfang assess --year {plans[0].year}",
                     f"{count:,} measures recorded; re-assess: liangfang assess --year {plans[0].year}"))


@app.command(help=bi("全覆盖包保：为未结对的建档立卡户安排帮扶责任人（优先包保该村的部门），报告缺口",
                     "Pair unpaired registered households with cadres (partner departments of the village first) "
                     "and report the gaps"))
def pair(
    village: str | None = typer.Option(None, "--village", help=bi("行政村代码或名称", "village code or name")),
    township: str | None = typer.Option(None, "--township", help=bi("乡镇代码或名称", "township code or name")),
    county: bool = typer.Option(False, "--county", help=bi("全县", "the whole county")),
    county_code: str | None = typer.Option(None, "--county-code", help=bi("县代码", "county code")),
    date: str | None = typer.Option(None, "--date", help=bi("结对开始日期（默认今天）", "pairing start date (default "
                                                                                  "today)")),
    maximum: int | None = typer.Option(None, "--max", help=bi("每名干部最多帮扶户数（默认按措施目录）",
                                                              "most households per cadre (default: the catalogue's)")),
    dry_run: bool = typer.Option(False, "--dry-run", help=bi("只报告，不写入", "report only; write nothing")),
    show: int = typer.Option(20, "--show", help=bi("每类缺口最多列出条数", "list at most N items per gap")),
    by: str = typer.Option("cli", "--by", help=bi("操作人", "who is acting")),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP),
) -> None:
    migrate()
    from liangfang.domain.problems import ValidationFailed
    from liangfang.pairing.run import pairing_run

    region = _region(village, township, county, county_code)
    start = dt.date.fromisoformat(date) if date else dt.date.today()
    try:
        with progress_bar(bi("结对中", "pairing")) as advance:
            report = pairing_run(region=region, start_date=start, by=by, maximum=maximum, dry_run=dry_run)
            advance(1)
    except ValidationFailed as err:
        raise _problems(err, "未能结对", "could not pair") from None
    counts = summary(bi(f"{region.name} 全覆盖包保（每人最多 {report.maximum} 户）",
                        f"{region.name}: pairing (at most {report.maximum} households per cadre)"))
    counts.add(key="registered_households", item=bi("建档立卡户", "registered households"), value=report.households)
    counts.add(key="kept", item=bi("已有帮扶责任人（保留）", "already paired (kept)"), value=report.kept)
    counts.add(key="new", item=bi("新结对", "newly paired"), value=len(report.new))
    counts.add(key="preferred", item=bi("其中由包保该村的部门干部", "of which by a partner department of the village"),
               value=report.preferred)
    gaps: list[tuple[str, str, list[Any]]] = [
        ("household_without_cadre", bi("无帮扶责任人的户", "households without a cadre"), report.unpaired),
        ("village_without_department", bi("无包保部门的贫困村", "poor villages without a partner department"),
         report.villages_without_department),
        ("village_without_work_team", bi("无驻村工作队的贫困村", "poor villages without a work team"),
         report.villages_without_work_team),
        ("cadre_over_maximum", bi("超过上限的干部", "cadres over the maximum"), report.overloaded)]
    listed = Listing(bi("缺口", "gaps"), [
        ("gap", bi("缺口", "gap")), ("item", bi("户编号、村代码或干部", "household, village code or cadre")),
        ("name", bi("村名或单位", "village or unit")), ("households", bi("户数", "households"))],
        numbers=frozenset({"households"}))
    for key, name, items in gaps:
        counts.add(key=key, item=bi(f"缺口：{name}", f"gap: {name}"), value=len(items))
        for item in items[:show]:
            if hasattr(item, "cadre"):
                listed.add(gap=name, item=item.cadre, name=item.unit, households=item.households)
            else:
                listed.add(gap=name, item=item[0], name=item[1])
    emit([counts, listed], fmt)
    if dry_run:
        note(bi("未写入（--dry-run）", "nothing written (--dry-run)"), fmt)


@app.command(help=bi("逾期工作：超过走访间隔未走访的户、过了完成期限仍未落实的措施",
                     "Overdue work: households not visited within the interval, accepted measures past their date"))
def overdue(
    village: str | None = typer.Option(None, "--village", help=bi("行政村代码或名称", "village code or name")),
    township: str | None = typer.Option(None, "--township", help=bi("乡镇代码或名称", "township code or name")),
    county: bool = typer.Option(False, "--county", help=bi("全县", "the whole county")),
    county_code: str | None = typer.Option(None, "--county-code", help=bi("县代码", "county code")),
    as_of: str | None = typer.Option(None, "--as-of", help=bi("截止日期（默认今天）",
                                                               "as of this date (default today)")),
    interval: int | None = typer.Option(None, "--interval", help=bi(
        "走访间隔天数（默认按措施目录）", "visit interval in days (default: the catalogue's)")),
    pack: str = typer.Option("cn-national", "--pack", help=bi("政策包", "policy pack")),
    show: int = typer.Option(20, "--show", help=bi("最多列出条数", "list at most N items")),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP),
) -> None:
    migrate()
    from liangfang.plans.selectors import overdue as find_overdue

    region = _region(village, township, county, county_code)
    day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    with progress_bar(bi("查找逾期工作", "finding overdue work")) as advance:
        report = find_overdue(region, as_of=day, pack=pack, interval_days=interval)
        advance(1)
    if fmt is OutputFormat.table:
        console.print(bi(
            f"{region.name}，截至 {day}：超过 {report.interval_days} 天未走访 {len(report.visits):,} 户；"
            f"逾期未落实措施 {len(report.measures):,} 项",
            f"{region.name}, as of {day}: {len(report.visits):,} households not visited within "
            f"{report.interval_days} days; {len(report.measures):,} measures past their date"), highlight=False)
    visits = Listing(bi("未按时走访", "visits overdue"), [
        ("kind", bi("类别", "kind")), ("household", bi("户编号", "household")), ("village", bi("村", "village")),
        ("cadre", bi("帮扶责任人", "cadre")), ("last_visit", bi("上次走访", "last visit")),
        ("days", bi("天数", "days"))])
    for v in report.visits[:show]:
        visits.add(kind="visit", household=v.household_number, village=v.village, cadre=v.cadre or None,
                   last_visit=v.last_visit or bi("从未", "never"), days=v.days)
    measures = Listing(bi("逾期未落实的措施", "measures past their date"), [
        ("kind", bi("类别", "kind")), ("household", bi("户编号", "household")), ("measure", bi("措施", "measure")),
        ("member", bi("成员", "member")), ("due", bi("期限", "due")), ("days_late", bi("逾期天数", "days late"))])
    for m in report.measures[:show]:
        measures.add(kind="measure", household=m.household_number, measure=m.name_zh, member=m.member or None,
                     due=m.due_date, days_late=m.days_late)
    if fmt is OutputFormat.table:
        for listing in (visits, measures):
            listing.columns = listing.columns[1:]  # on screen the kind is the table's title
    emit([visits, measures], fmt)
