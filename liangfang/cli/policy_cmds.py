"""``liangfang policy list|show|check``: the shipped policy packs and a user's edited copy."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table

from ..domain.text import message_of
from .app import app, console, fail
from .output import FORMAT_HELP, Listing, OutputFormat, emit
from .output import show as show_table
from .text import bi, language, said

if TYPE_CHECKING:
    from liangfang.policy.schema import Text

policy_app = typer.Typer(help=bi("政策包：列出、查看、校验", "Policy packs: list, show, check"), no_args_is_help=True)
app.add_typer(policy_app, name="policy")


def _t(text: Text) -> str:
    """A pack Text in the chosen language(s)."""
    zh, en = text.zh, text.en
    return bi(zh, en)


def _mark(reliability: object) -> str:
    value = str(getattr(reliability, "value", reliability))
    style = {"CONFIRMED": "green", "REPOST": "cyan", "ANALOGUE": "yellow", "UNCONFIRMED": "bold red"}[value]
    label = getattr(reliability, "label_zh", value)
    return f"[{style}]{bi(label, value)}[/]"


@policy_app.command("list", help=bi("列出随系统提供的政策包", "List the shipped policy packs"))
def list_packs(fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP)) -> None:
    from liangfang.policy import PackError, load_pack, shipped_pack_names

    listing = Listing(bi("政策包", "Policy packs"), [
        ("name", bi("名称", "name")), ("version", bi("版本", "version")), ("jurisdiction", bi("适用", "jurisdiction")),
        ("years", bi("年度", "years")), ("indicators", bi("户/村/县指标", "household/village/county indicators")),
        ("extends", bi("继承", "extends")), ("problem", bi("问题", "problem"))])
    for name in shipped_pack_names():
        try:
            pack = load_pack(name)
        except PackError as err:
            listing.add(name=name, problem=err.problems[0].shown(language()))
            continue
        counts = said(pack.indicator_counts())
        listing.add(name=name, version=pack.version, jurisdiction=_t(pack.jurisdiction),
                    years=f"{pack.years[0]}–{pack.years[1]}", indicators=counts, extends=pack.extends)
    emit(listing, fmt)


@policy_app.command("show", help=bi("查看政策包：扶贫标准、参数、公示期、各级指标及其来源",
                                    "Show a pack: lines, parameters, notice periods, indicators and sources"))
def show(
    name: str = typer.Argument(..., help=bi("政策包名称或文件", "pack name or file")),
    expressions: bool = typer.Option(False, "--expressions", help=bi(
        "同时列出每条规则的表达式（政策包中的原文）", "also list each rule's expression as the pack writes it")),
    sources: bool | None = typer.Option(None, "--sources/--no-sources", help=bi(
        "列出来源说明（多为英文；只选中文时默认不列）",
        "list the source notes (mostly English; left out by default when only Chinese is chosen)")),
) -> None:
    from liangfang.policy import PackError, load_pack

    try:
        pack = load_pack(name)
    except PackError as err:
        raise fail(message_of(err)) from None
    notes = sources if sources is not None else language() != "zh"

    def note(source: object) -> str:
        return escape(str(getattr(source, "note", ""))) if notes else ""
    console.print(f"[bold]{_t(pack.name)}[/]  ({pack.pack} {pack.version})")
    console.print(_t(pack.description))
    if pack.disclaimer:
        console.print(f"[yellow]{_t(pack.disclaimer)}[/]")
    lines = Table(title=_t(pack.poverty_lines.name))
    for header in (bi("年度", "year"), bi("元/人·年", "yuan per person"), bi("可靠性", "reliability"),
                   bi("来源", "source")):
        lines.add_column(header)
    for year, entry in pack.poverty_lines.years.items():
        lines.add_row(str(year), f"{entry.amount:,}", _mark(entry.source.reliability), note(entry.source))
    for year, entry in pack.monitoring_lines.years.items():
        lines.add_row(f"{year} {bi('监测线', 'monitoring')}", f"{entry.amount:,}", _mark(entry.source.reliability),
                      note(entry.source))
    _drop_notes(lines, notes)
    show_table(lines)
    params = Table(title=bi("参数与公示期", "Parameters and notice periods"))
    for header in (bi("名称", "name"), bi("值", "value"), bi("可靠性", "reliability"), bi("来源", "source")):
        params.add_column(header)
    for key, p in pack.parameters.items():
        params.add_row(f"{_t(p.name)} ({key})", f"{p.value} {p.unit}", _mark(p.source.reliability), note(p.source))
    for key, n in pack.notice_periods.items():
        params.add_row(f"{_t(n.name)} ({key})", bi(f"{n.days} 天", f"{n.days} days"), _mark(n.source.reliability),
                       note(n.source))
    _drop_notes(params, notes)
    show_table(params)
    for level, title in (("household", bi("户脱贫指标", "household indicators")),
                         ("village", bi("贫困村出列指标", "village indicators")),
                         ("county", bi("贫困县摘帽指标", "county indicators"))):
        table = Table(title=f"{title}（{len(pack.indicators(level))}）")
        for header in (bi("指标", "indicator"), bi("规则", "rule"), bi("可靠性", "reliability"), bi("来源", "source")):
            table.add_column(header)
        for key, ind in pack.indicators(level).items():
            rule = escape(rule_in_words(pack, level, ind))
            if expressions:
                rule += f"\n[dim]{escape(ind.rule)}[/]"
                if ind.applies is not None:
                    rule += f"\n[dim]{bi('适用于', 'applies to')}: {escape(ind.applies)}[/]"
            if ind.from_year:
                rule += f"\n[dim]{bi(f'{ind.from_year} 年起', f'from {ind.from_year}')}[/]"
            table.add_row(f"{_t(ind.name)}\n[dim]{key}[/]", rule, _mark(ind.source.reliability), note(ind.source))
        _drop_notes(table, notes)
        show_table(table)


def _drop_notes(table: Table, notes: bool) -> None:
    """The last column holds the source notes: left out when they are not shown."""
    if not notes:
        table.columns.pop()


def rule_in_words(pack: Any, level: str, indicator: Any) -> str:
    """An indicator's rule as a sentence: the pack's explanation of a pass, each ``{placeholder}``
    named in words (the fact's name, the parameter's name and value, the poverty line)."""
    import re

    from liangfang.engine.facts import facts_of

    facts = {**facts_of("member"), **facts_of(level)}  # type: ignore[arg-type]

    def in_language(template: str, zh: bool) -> str:
        def words(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in facts:
                return f"〔{facts[name].zh}〕" if zh else f"[{facts[name].en}]"
            if name in pack.parameters:
                p = pack.parameters[name]
                return f"{p.name.zh}（{p.value} {p.unit}）" if zh else f"{p.name.en} ({p.value} {p.unit})"
            lines = {"poverty_line": ("当年扶贫标准", "the year's poverty line"),
                     "monitoring_line": ("当年监测线", "the year's monitoring line"),
                     "applicable": ("〔适用人数〕", "[people it applies to]")}
            if name in lines:
                return lines[name][0 if zh else 1]
            return name

        return re.sub(r"\{(\w+)\}", words, template)

    passed, lang = indicator.explain.passed, language()
    if lang == "zh":
        return in_language(passed.zh, True)
    if lang == "en":
        return in_language(passed.en, False)
    return f"{in_language(passed.zh, True)} / {in_language(passed.en, False)}"


@policy_app.command("check", help=bi("校验政策包文件：逐项报告文件、行号、指标和问题",
                                     "Check a pack file; each problem names the file, line, indicator and problem"))
def check(file: Path = typer.Argument(..., help=bi("政策包 YAML 文件", "pack YAML file"))) -> None:
    from liangfang.policy.check import check_pack_file

    if not file.exists():
        raise fail(bi(f"文件不存在：{file}", f"no such file: {file}"))
    pack, problems = check_pack_file(file)
    if problems:
        for problem in problems:
            console.print(f"[red]✗[/] {escape(problem.shown(language()))}", highlight=False)
        raise fail(bi(f"共 {len(problems)} 处问题，请按行号修改后再校验",
                      f"{len(problems)} problem(s); fix them and check again"))
    assert pack is not None
    counts = said(pack.indicator_counts()).replace(" + ", "+")
    console.print(f"[green]✓[/] {file}: " + bi(f"政策包 {pack.pack} {pack.version} 有效（指标 {counts}）",
                                                f"pack {pack.pack} {pack.version} is valid ({counts} indicators)"))
