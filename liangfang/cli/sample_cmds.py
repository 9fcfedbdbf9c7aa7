"""``liangfang sample`` and its follow-ups: field lists, field results, estimates (第三方评估)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from .app import app, console, fail, migrate
from .output import FORMAT_HELP, Listing, OutputFormat, emit, note, summary
from .text import bi, said


def _problems(err: Any, message: str) -> typer.Exit:
    for p in err.problems:
        where = bi(f"第 {p.item} 行，", f"row {p.item}, ") if p.item is not None else ""
        console.print(f"[red]✗[/] {where}{p.field} = {p.value!r}: {said(p.message)}", highlight=False)
    return fail(message)


@app.command(help=bi("为县抽取第三方评估样本（分层：乡镇；村按规模成比例抽取；已脱贫户与一般农户分层抽户），"
                     "记录随机种子与设计，同一命令得到同一样本",
                     "Draw a county's third-party verification sample (strata: townships; villages PPS; exited and "
                     "general households drawn apart); the seed and design are recorded, so the same command draws "
                     "the same sample"))
def sample(
    county: str = typer.Option(..., "--county", help=bi("县的代码或名称（或名称中唯一的一部分）",
                                                        "the county's code or name (or a unique part of it)")),
    year: int = typer.Option(..., "--year", help=bi("评估年度", "year")),
    design: Path = typer.Option(..., "--design", help=bi("抽样设计 YAML：seed、villages_per_township、"
                                                         "households_per_village 或 target",
                                                         "design YAML: seed, villages_per_township, "
                                                         "households_per_village or target")),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP),
) -> None:
    migrate()
    from liangfang.assessments.sampling import sample_draw
    from liangfang.domain.problems import ValidationFailed

    from .region_cmds import resolve_region

    try:
        text = design.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise fail(bi(f"无法读取 {design}：{err}", f"cannot read {design}: {err}")) from None
    try:
        code = resolve_region(county, "county").code
        record = sample_draw(county_code=code, year=year, design_text=text, source=str(design), by="cli")
    except ValidationFailed as err:
        raise _problems(err, bi("未抽样", "no sample was drawn")) from None
    rows = list(record.households.values_list("kind", "cluster", "village_id"))
    listing = summary(bi(f"样本 {record.pk}：{record.county.name} {year} 年",
                         f"sample {record.pk}: {record.county.name} {year}"))
    listing.add(key="sample", item=bi("样本编号", "sample number"), value=record.pk)
    listing.add(key="frame_households", item=bi("抽样框户数", "households in the frame"),
                value=record.frame_households)
    listing.add(key="villages", item=bi("抽中的村", "villages drawn"), value=len({v for _, _, v in rows}))
    listing.add(key="exited_households", item=bi("已脱贫户", "exited households"),
                value=sum(k == "exited" for k, _, _ in rows))
    listing.add(key="general_households", item=bi("一般农户", "general households"),
                value=sum(k == "general" for k, _, _ in rows))
    listing.add(key="seed", item=bi("随机种子", "seed"), value=str(record.seed))
    emit(listing, fmt)
    note(bi(f"下一步：liangfang sample-lists --sample {record.pk} --out 目录",
            f"next: liangfang sample-lists --sample {record.pk} --out DIR"), fmt)


def _sample(sample_id: int) -> Any:
    from liangfang.assessments.sampling_models import VerificationSample

    record = VerificationSample.objects.select_related("county").filter(pk=sample_id).first()
    if record is None:
        raise fail(bi(f"没有样本 {sample_id}", f"no sample {sample_id}"))
    return record


@app.command("sample-lists", help=bi("导出样本的入户名单（xlsx，仅户编号、村、村民小组、户主姓名等，不含身份证、"
                                     "银行与健康信息）与可打印的入户核查表（PDF）",
                                     "Write a sample's field list (xlsx, masked: number, village, group, head's name; "
                                     "no IDs, bank or health facts) and printable questionnaires (PDF)"))
def sample_lists(
    sample_id: int = typer.Option(..., "--sample", help=bi("样本编号", "sample number")),
    out: Path = typer.Option(..., "--out", help=bi("输出目录", "output folder")),
) -> None:
    migrate()
    from liangfang.assessments.field_workbook import write_field_workbook
    from liangfang.assessments.questionnaires import write_questionnaires

    record = _sample(sample_id)
    out.mkdir(parents=True, exist_ok=True)
    book = out / f"sample-{record.pk}-field-list.xlsx"
    pdf = out / f"sample-{record.pk}-questionnaires.pdf"
    households = write_field_workbook(record, book)
    pages = write_questionnaires(record, pdf)
    console.print(bi(f"入户名单 {book}（{households} 户）；核查表 {pdf}（{pages} 页）",
                     f"field list {book} ({households} households); questionnaires {pdf} ({pages} pages)"),
                  highlight=False)


@app.command("sample-results", help=bi("导入入户核查结果工作簿（全部正确才导入，逐行报告错误）",
                                       "Import the field teams' workbook (all or nothing, errors by row)"))
def sample_results(
    path: Path = typer.Argument(..., help=bi("填好的入户名单 xlsx", "the filled-in field list (xlsx)")),
    sample_id: int = typer.Option(..., "--sample", help=bi("样本编号", "sample number")),
) -> None:
    migrate()
    from liangfang.assessments.field_workbook import import_field_workbook
    from liangfang.domain.problems import ValidationFailed

    record = _sample(sample_id)
    try:
        count = import_field_workbook(record, path)
    except ValidationFailed as err:
        raise _problems(err, bi("未导入任何结果", "no result was imported")) from None
    console.print(bi(f"已导入 {count} 户结果；估计：liangfang sample-estimate --sample {record.pk}",
                     f"imported {count} households; estimate: liangfang sample-estimate --sample {record.pk}"),
                  highlight=False)


@app.command("sample-estimate", help=bi("由样本估计错退率、漏评率与群众认可度（设计标准误与 95% 置信区间），"
                                        "并记为该县该年的第三方评估数据",
                                        "Estimate the wrong-exit rate, missed-poor rate and public approval from the "
                                        "sample (design-based SEs and 95% intervals) and record them as the county's "
                                        "verification figures"))
def sample_estimate(
    sample_id: int = typer.Option(..., "--sample", help=bi("样本编号", "sample number")),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP),
) -> None:
    migrate()
    from liangfang.assessments.sampling import sample_estimate as estimate
    from liangfang.domain.problems import ValidationFailed

    try:
        recorded = estimate(sample_id=sample_id, by="cli")
    except ValidationFailed as err:
        raise _problems(err, bi("未估计", "nothing was estimated")) from None
    e = recorded.estimates
    listing = Listing(bi(f"样本 {sample_id}：找到 {e.households_found}/{e.households_sampled} 户",
                         f"sample {sample_id}: {e.households_found}/{e.households_sampled} households found"), [
        ("key", bi("代码", "key")), ("figure", bi("指标", "figure")), ("estimate", bi("估计值 %", "estimate %")),
        ("se", bi("标准误", "SE")), ("low", bi("95% 下限", "95% low")), ("high", bi("95% 上限", "95% high")),
        ("note", bi("说明", "note"))], numbers=frozenset({"estimate", "se", "low", "high"}),
        machine=frozenset({"key"}))
    for key, name, value in (("wrong_exit_rate", bi("错退率", "wrong-exit rate"), e.wrong_exit_rate),
                             ("missed_poor_rate", bi("漏评率", "missed-poor rate"), e.missed_poor_rate),
                             ("public_approval", bi("群众认可度", "public approval"), e.public_approval)):
        if value is None:
            listing.add(key=key, figure=name, note=bi("样本中无此类户", "no such households in the sample"))
        else:
            listing.add(key=key, figure=name, estimate=round(value.value, 3), se=round(value.se, 3),
                        low=round(value.low, 3), high=round(value.high, 3))
    emit(listing, fmt)
    note(bi(f"已记为 {recorded.sample.county.name} {recorded.sample.year} 年第三方评估数据；重新运行 "
            f"liangfang assess --year {recorded.sample.year} 生效",
            f"recorded as the county's verification figures; run `liangfang assess --year "
            f"{recorded.sample.year}` again to use them"), fmt)
