"""Commands that set up, show and serve an installation: init, figures, serve, demo."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..domain.text import Text
from .app import app, console, fail, migrate, setup_django
from .output import FORMAT_HELP, Listing, OutputFormat, emit, summary
from .text import bi, said

DEMO_USER = "demo"


@app.command(help=bi("建立或升级数据库（默认内嵌 SQLite 文件；设置 DATABASE_URL 则用 PostgreSQL）",
                     "Create or upgrade the database (embedded SQLite file by default; PostgreSQL "
                     "when DATABASE_URL is set)"))
def init(
    admin: str = typer.Option("", help=bi("同时建立的管理员用户名", "also create this administrator")),
) -> None:
    migrate()
    from django.conf import settings

    console.print(bi("数据库已就绪：", "Database ready: ") + str(settings.DATABASES["default"]["NAME"]))
    if admin:
        password = os.environ.get("LIANGFANG_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        _ensure_user(admin, password, superuser=True, by="cli")
        console.print(bi(f"管理员 {admin} 的密码：{password}", f"password of {admin}: {password}"))


def _ensure_user(username: str, password: str, *, by: str, superuser: bool = False) -> None:
    from liangfang.accounts.services import staff_user_ensure
    from liangfang.domain.problems import ValidationFailed

    try:
        staff_user_ensure(username=username, password=password, superuser=superuser, by=by)
    except ValidationFailed as exc:
        raise fail("; ".join(said(p.message) for p in exc.problems)) from None


def figures_listing(region_code: str | None = None, year: int | None = None, pack: str = "cn-national") -> Listing:
    """The article's headline figures, computed from the registry, one a row: as the registry
    stands today, or for ``year`` as it was on the pack's reference date of that year (statuses,
    members and poor villages' exits of that day, as the year's assessment reads them)."""
    setup_django()
    from liangfang.registry.selectors import headline_figures, top_region

    from .region_cmds import resolve_region

    region = resolve_region(region_code) if region_code else top_region()
    day = None
    if year:
        from liangfang.policy import load_pack

        ref = load_pack(pack).reference_date
        day = dt.date(year, ref.month, ref.day)
    f = headline_figures(region, on=day)
    zh, en = ((f.region_name.zh, f.region_name.en) if isinstance(f.region_name, Text)  # the whole registry
              else (f.region_name, f.region_name))
    title = (bi(f"{zh} 脱贫攻坚主要数字", f"{en}: headline figures") if day is None else
             bi(f"{zh} {year} 年主要数字（{day.isoformat()} 的状况）",
                f"{en}: headline figures of {year} (as on {day.isoformat()})"))
    listing = summary(title)
    poor = bool(f.poor_villages)  # 出列 is said of poor villages only: "0 / 0" elsewhere means nothing
    rows: list[tuple[str, str, Any, str | None]] = [
        ("people", bi("农村人口", "rural population"), f.people, None),
        ("households", bi("农村户数", "rural households"), f.households, None),
        ("registered_households", bi("建档立卡户", "registered households"), f.registered_households, None),
        ("registered_people", bi("建档立卡人口", "registered people"), f.registered_people, None),
        ("exited_households", bi("已脱贫户", "exited households"), f.exited_households, None),
        ("exited_people", bi("已脱贫人口", "exited people"), f.exited_people, None),
        ("remaining_households", bi("未脱贫户", "remaining households"), f.remaining_households, None),
        ("remaining_people", bi("未脱贫人口", "remaining people"), f.remaining_people, None),
        ("poor_villages", bi("贫困村", "poor villages"), f.poor_villages if poor else None, None),
        ("poor_villages_exited", bi("贫困村已出列", "poor villages exited"), f.poor_villages_exited if poor else None,
         None),
        ("incidence_at_registration", bi("贫困发生率（建档立卡时，%）", "poverty incidence at registration (%)"),
         f.incidence_at_registration if f.people else None, f"{f.incidence_at_registration}%"),
        ("incidence_now", bi("贫困发生率（现在，%）", "poverty incidence now (%)"),
         f.incidence_now if f.people else None, f"{f.incidence_now}%"),
    ]
    for key, item, value, text in rows:
        listing.add(key=key, item=item, value=value, _shown={"value": text} if text and value is not None else None)
    return listing


@app.command(help=bi("显示主要数字（户数、人数、脱贫、贫困村出列、贫困发生率）",
                     "Show the headline figures (households, people, exits, villages, incidence)"))
def figures(
    region: str = typer.Option("", help=bi("区划代码或名称（默认本县）", "region code or name (default: the county)")),
    year: int = typer.Option(0, "--year", help=bi("年度：按该年基准日（政策包，默认8月31日）的状况计算（默认今天）",
                                                   "year: figures as on its reference date (the pack's, 31 "
                                                   "August by default); default: today")),
    pack: str = typer.Option("cn-national", "--pack", help=bi("政策包（基准日）", "policy pack (its reference date)")),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP),
) -> None:
    migrate()
    emit(figures_listing(region or None, year or None, pack), fmt)


@app.command(help=bi("以生产方式启动网站（gunicorn + 静态文件）", "Serve the web application with gunicorn"))
def serve(  # defaults as Python defaults (Annotated): `demo` calls it as a function too
    host: Annotated[str, typer.Option(help=bi("监听地址", "address to bind"))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=bi("端口", "port"))] = 8000,
    workers: Annotated[int, typer.Option(help=bi("工作进程数", "worker processes"))] = 2,
    threads: Annotated[int, typer.Option(help=bi("每个进程的线程数", "threads per worker process"))] = 2,
) -> None:
    migrate()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    console.print(bi(f"网站地址：http://{host}:{port}/", f"Serving on http://{host}:{port}/"))
    os.execv(sys.executable, gunicorn_args(host, port, workers, threads))


# The access log keeps the method and path but never a query string or a referrer: a search by
# resident ID (/households/?q=220802…) or a page reached from one would put full IDs in the log,
# which is kept longer and read by more people than the registry.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'


def gunicorn_args(host: str, port: int, workers: int, threads: int) -> list[str]:
    """The server's command line. Threaded workers keep browsers' connections open between pages (a
    sync worker closes each one and then waits for the browser to close its side, over the network)
    and let one thread use the processor while another waits for the database."""
    return [sys.executable, "-m", "gunicorn", "liangfang.wsgi:application", "--bind", f"{host}:{port}",
            "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
            "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT, "--timeout", "120"]


DEMO_YEAR = 2020  # the article's year: the district verified for exit


def _demo_exit_history() -> None:
    """The procedures of a sample of the district's 2014–2020 exits (the village with most exits in
    each township), once: the procedure pages then show real history."""
    from liangfang.procedures.history import exit_history
    from liangfang.procedures.models import Case

    if Case.objects.exists():
        return
    report = exit_history(per_township=1)
    console.print(bi(f"退出程序样本：{report.cases} 个村级名单、{report.households:,} 户、"
                     f"{report.announcements} 份县级公告（每个乡镇退出户最多的村，2014–2020 年）",
                     f"exit procedures, a sample: {report.cases} village lists, {report.households:,} households, "
                     f"{report.announcements} county announcements (the village with most exits in each township, "
                     "2014–2020)"), soft_wrap=True)


# Villages of the exit sample given monitoring years, taken in turn until they hold this many
# households (two villages of the full district; more of a smaller one)
MONITORING_HOUSEHOLDS = 1200


def _demo_monitoring() -> None:
    """Dynamic monitoring from 2021 in a few villages of the exit sample, once: months with shocks,
    screening twice a year, leads, objects with a plan and help, eliminations and relapses; then the
    last full month screened and a few cases run through the two monitoring procedures."""
    import datetime as dt

    from liangfang.monitoring.demo_cases import demo_cases
    from liangfang.monitoring.history import build_monitoring_history
    from liangfang.monitoring.models import Lead, MonitoringObject
    from liangfang.procedures.history import sample_villages

    if MonitoringObject.objects.exists() or Lead.objects.exists():
        return
    from liangfang.registry.models import Household

    villages = []
    households = 0
    for village in sample_villages(1):
        if households >= MONITORING_HOUSEHOLDS:
            break
        villages.append(village)
        households += Household.objects.filter(village=village).count()
    if not villages:
        return
    today = dt.date.today()
    history = build_monitoring_history(seed=2020, by="demo", today=today, villages=[v.pk for v in villages])
    cases = demo_cases(villages=[v.pk for v in villages], today=today)
    names = "、".join(v.name for v in villages)
    console.print(bi(f"防止返贫动态监测（{names}，2021 年起）：{history.households:,} 户的月度收支，"
                     f"排查 {history.screenings} 次，"
                     f"纳入监测对象 {history.admitted + cases.identified:,} 户次，风险消除 "
                     f"{history.eliminated + cases.eliminated:,}，返贫再纳入 {history.relapsed:,}；本月线索 "
                     f"{cases.leads:,} 条，经识别程序纳入 {cases.identified}，经风险消除程序消除 {cases.eliminated}，"
                     f"办理中程序 {cases.in_progress} 个",
                     f"dynamic monitoring ({names}, from 2021): months of {history.households:,} households, "
                     f"{history.screenings} screenings, {history.admitted + cases.identified:,} admissions, "
                     f"{history.eliminated + cases.eliminated:,} eliminations, {history.relapsed:,} relapses; this "
                     f"month {cases.leads:,} leads, {cases.identified} admitted through the identification procedure, "
                     f"{cases.eliminated} eliminated through the elimination procedure, {cases.in_progress} case(s) "
                     "open"), soft_wrap=True)


def _demo_assess_and_plan() -> None:
    """The rest of the main job on the demo district: assess every household, village and the
    county for the year (dashboard pass rates, each household's explanation), then propose plans
    for the households still below the standard (一户一策). Skipped when already done."""
    from liangfang.assessments.models import AssessmentRun
    from liangfang.plans.models import PlanRun
    from liangfang.registry.selectors import top_region

    from .assess_cmds import assess_database
    from .plan_cmds import plan_and_report

    if not AssessmentRun.objects.filter(year=DEMO_YEAR, finished_at__isnull=False).exists():
        assess_database(DEMO_YEAR, "cn-national", by="demo")
    county = top_region()
    if county is not None and not PlanRun.objects.filter(year=DEMO_YEAR).exists():
        plan_and_report(county, DEMO_YEAR, None, by="demo", show=2)


def _demo_password() -> str:
    from django.conf import settings

    path = Path(settings.VAR_DIR) / "demo_password"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    from liangfang.private_files import write_private

    password = "lf-" + secrets.token_urlsafe(9)
    write_private(path, password)
    return password


@app.command(help=bi("演示：建库、生成洮北式合成数据、显示主要数字并启动网站",
                     "Demo: build the database, synthesise a Taobei-like district, show the "
                     "headline figures and serve the site"))
def demo(
    seed: int = typer.Option(2020, help=bi("随机种子", "random seed")),
    scale: float = typer.Option(1.0, help=bi("规模（1 = 全区）", "scale (1 = the whole district)")),
    serve_site: bool = typer.Option(True, "--serve/--no-serve", help=bi("完成后启动网站", "serve afterwards")),
    port: int = typer.Option(8000, help=bi("端口", "port")),
) -> None:
    migrate()
    from liangfang.registry.models import Household
    from liangfang.synth.taobei import build_district

    from .progress import progress_bar

    if Household.objects.exists():
        console.print(bi("数据库已有数据，跳过生成。", "The database already holds data; not regenerating."))
    else:
        with progress_bar(bi("生成合成数据", "Synthesising the district")) as advance:
            build_district(seed=seed, scale=scale, by="demo", progress=advance)
    emit(figures_listing())
    _demo_exit_history()
    _demo_assess_and_plan()
    _demo_monitoring()
    password = _demo_password()
    _ensure_user(DEMO_USER, password, by="demo")
    from .account_cmds import grant_top_region

    grant_top_region(DEMO_USER)
    console.print(bi(f"演示账号：{DEMO_USER}  密码：{password}", f"demo login: {DEMO_USER}  password: {password}"))
    if serve_site:
        serve(host="127.0.0.1", port=port)
