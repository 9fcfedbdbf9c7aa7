"""``liangfang template``, ``import`` and ``export``: thin over ``liangfang.registry.importers``."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from .app import app, console, fail, migrate, setup_django
from .output import Listing, emit
from .output import show as show_table
from .progress import live_progress
from .text import bi, said

if TYPE_CHECKING:
    from liangfang.registry.importers import ImportResult, Issue


@app.command("template", help=bi("生成空白导入模板（Excel）", "Write the blank import workbook (Excel)"))
def template_cmd(
    output: Path = typer.Option(Path("liangfang-template.xlsx"), "-o", "--output",
                                help=bi("输出文件", "output file")),
) -> None:
    setup_django()
    from liangfang.registry.importers import write_template

    path = write_template(output)
    console.print(bi(f"已生成模板 {path}", f"template written to {path}"))


class _Bar:
    """ImportProgress drawn as a rich progress bar, one task per phase."""

    _PHASES = {"read": ("读取文件", "reading"), "check": ("检查数据", "checking"), "write": ("写入", "writing")}

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def start(self, phase: str, total: int) -> None:
        if self.task is not None:
            done = self.progress.tasks[-1].total or 1
            self.progress.update(self.task, total=done, completed=done)
        self.task = self.progress.add_task(bi(*self._PHASES[phase]), total=total or None)

    def advance(self, n: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, n)


def _issue_table(issues: list[Issue], title: str) -> Table:
    from liangfang.registry.importers.issues import display_value

    table = Table(title=title, show_lines=False, expand=True)
    table.add_column(bi("工作表", "sheet"), no_wrap=True)
    table.add_column(bi("行", "row"), style="cyan", no_wrap=True, justify="right")
    table.add_column(bi("列", "col"), style="cyan", no_wrap=True)
    table.add_column(bi("字段", "field"), max_width=16, overflow="fold")
    table.add_column(bi("值", "value"), style="magenta", max_width=22, overflow="fold")
    table.add_column(bi("原因", "reason"), ratio=1, min_width=24, overflow="fold")
    for i in issues:
        table.add_row(i.sheet, str(i.row or ""), i.column, i.header, display_value(i.value), said(i.message))
    return table


def _print_result(result: ImportResult, max_errors: int, dry_run: bool) -> None:
    if result.warnings:
        show_table(_issue_table(result.warnings, bi("警告（不影响导入）", "warnings (import continues)")))
    errors = result.errors
    if errors:
        shown = errors if max_errors <= 0 else errors[:max_errors]
        show_table(_issue_table(shown, bi(f"错误 {len(errors)} 处", f"{len(errors)} errors")))
        if len(shown) < len(errors):
            console.print(bi(f"仅显示前 {len(shown)} 处；全部错误见错误工作簿（或用 --max-errors 0 全部显示）",
                             f"showing the first {len(shown)}; all are in the error workbook "
                             "(or use --max-errors 0)"))
        console.print(bi("[bold red]未写入任何数据。[/]", "nothing was written."))
        if result.error_workbook:
            console.print(bi(f"错误工作簿：{result.error_workbook}", f"error workbook: {result.error_workbook}"))
        return
    r = result.report
    assert r is not None
    title = (bi("试导入（未写入）", "dry run (nothing written)") if dry_run
             else bi("未导入：减员须确认", "not imported: removals need confirming") if result.removals_refused
             else bi("导入完成", "import done"))
    table = Table(title=title)
    table.add_column(bi("对象", "what"))
    for col in (bi("新增", "created"), bi("更新", "updated"), bi("未变", "unchanged"), bi("减员", "left")):
        table.add_column(col, justify="right")
    table.add_row(bi("农户", "households"), str(r.households_created), str(r.households_updated),
                  str(r.households_unchanged), "")
    table.add_row(bi("成员", "members"), str(r.members_created), str(r.members_updated), "", str(r.members_left))
    table.add_row(bi("年度收入（新增或更新）", "incomes (created or updated)"), str(r.incomes_written), "", "", "")
    table.add_row(bi("区划", "regions"), str(result.regions_created), str(result.regions_updated), "", "")
    table.add_row(bi("村级设施（新增或更新）", "village facilities (created or updated)"),
                  str(result.facilities_written), "", "", "")
    show_table(table)
    console.print(bi(f"共 {result.rows} 行成员、{result.households} 户", f"{result.rows} member rows, "
                     f"{result.households} households"))
    if r.left:
        left = Listing(bi(f"将记为减员的成员（文件中没有）{len(r.left)} 人", f"{len(r.left)} members absent from the "
                          "file, to be marked as left"), [
            ("household", bi("户编号", "household")), ("name", bi("姓名", "name")),
            ("resident_id", bi("身份证号码", "resident ID"))])
        for number, name, resident_id in r.left:
            left.add(household=number, name=name, resident_id=resident_id)
        emit(left)


@app.command("import", help=bi(
    "导入 Excel（.xlsx）或 CSV 文件：全部检查无误才写入，否则一条也不写，并生成错误工作簿",
    "Import an .xlsx or .csv file: all rows are checked and written together, or nothing is "
    "written and an error workbook is made"))
def import_cmd(
    file: Path = typer.Argument(..., help=bi("要导入的文件（.xlsx 或 .csv）", "file to import (.xlsx or .csv)")),
    by: str = typer.Option("", "--by", help=bi("操作人（记入变更记录；默认为当前系统用户）",
                                               "who is importing (change log; default: the OS user)")),
    dry_run: bool = typer.Option(False, "--dry-run", help=bi("只检查，不写入", "check only, write nothing")),
    errors_to: Path | None = typer.Option(None, "--errors", help=bi(
        "错误工作簿的路径（默认在原文件旁，名为 *.errors.xlsx）",
        "where to write the error workbook (default: beside the input, *.errors.xlsx)")),
    max_errors: int = typer.Option(200, "--max-errors", help=bi(
        "终端最多显示多少处错误（0 = 全部）；错误工作簿总是包含全部", "errors shown on the terminal (0 = all); "
        "the error workbook always holds every one")),
    override_stale: bool = typer.Option(False, "--override-stale", help=bi(
        "覆盖导出后他人所做的修改（默认拒绝导入这些户；覆盖记入变更记录）",
        "overwrite changes made to households after the file was exported (refused by default; an override "
        "is recorded in the change log)")),
    override_reason: str = typer.Option("", "--override-reason", help=bi(
        "覆盖的原因（与 --override-stale 同用，必填，记入变更记录）",
        "why the changes are overwritten (required with --override-stale; recorded in the change log)")),
    allow_removals: bool = typer.Option(False, "--allow-removals", help=bi(
        "允许把文件中缺少的现有成员记为减员（默认列出这些成员并且不写入）",
        "allow current members missing from the file to be marked as left (default: list them, write nothing)")),
) -> None:
    setup_django()
    migrate()
    from liangfang.registry.importers import ImportFileError, import_file

    actor = by or _os_user()
    with live_progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       transient=True) as progress:
        try:
            result = import_file(file, by=actor, dry_run=dry_run, errors_to=errors_to, progress=_Bar(progress),
                                 override_stale=override_stale, override_reason=override_reason,
                                 removals_allowed=allow_removals or dry_run)
        except ImportFileError as exc:
            progress.stop()
            raise fail(said(exc.message)) from None
    _print_result(result, max_errors, dry_run)
    if result.errors:
        raise typer.Exit(1)
    if result.removals_refused:
        raise fail(bi("文件中缺少上面列出的现有成员，导入会把他们记为减员；未写入任何数据。"
                      "确认无误后加 --allow-removals 重新导入",
                      "current members listed above are missing from the file and would be marked as left; nothing "
                      "was written. If that is right, import again with --allow-removals"))


def _os_user() -> str:
    try:
        return f"import:{getpass.getuser()}"
    except (KeyError, OSError):
        return "import"


@app.command("export", help=bi(
    "把登记数据（或某个区划）导出为 Excel，格式与导入相同，可再导入",
    "Export the registry (or one region of it) to Excel in the import layout, importable again"))
def export_cmd(
    output: Path = typer.Option(Path("liangfang-export.xlsx"), "-o", "--output", help=bi("输出文件", "output file")),
    region: str | None = typer.Option(None, "--region", help=bi(
        "只导出此区划（代码或名称）及其下级", "only this region (code or name) and everything below it")),
    year: int | None = typer.Option(None, "--year", help=bi("只导出此年度的收入和村级设施",
                                                           "only this year's incomes and village facilities")),
    mask: bool = typer.Option(False, "--mask", help=bi(
        "遮盖身份证号码、电话和银行账号（遮盖后的文件不能再导入）",
        "mask resident IDs, phones and bank accounts (a masked file cannot be imported again)")),
) -> None:
    setup_django()
    migrate()
    from liangfang.domain.problems import NotFound
    from liangfang.registry.export import export_workbook
    from liangfang.registry.models import Household

    if region is not None:
        from .region_cmds import resolve_region

        region = resolve_region(region).code
    total = Household.objects.count()
    with live_progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       transient=True) as progress:
        task = progress.add_task(bi("导出农户", "exporting households"), total=total)
        try:
            result = export_workbook(output, region_code=region, year=year, mask=mask,
                                     progress=lambda n: progress.advance(task, n))
        except NotFound as exc:
            progress.stop()
            raise fail(said(exc.message)) from None
    console.print(bi(
        f"已导出 {result.households} 户、{result.members} 名成员、{result.incomes} 条年度收入、"
        f"{result.regions} 个区划、{result.facilities} 条村级设施到 {result.path}",
        f"exported {result.households} households, {result.members} members, {result.incomes} incomes, "
        f"{result.regions} regions, {result.facilities} facility rows to {result.path}"))
    if result.skipped_households:
        console.print(bi(f"{result.skipped_households} 户没有在册成员，未导出",
                         f"{result.skipped_households} households without active members were skipped"))
    if mask:
        console.print(bi("[yellow]已遮盖敏感信息：此文件不能再导入。[/]",
                         "sensitive values masked: this file cannot be imported again"))
