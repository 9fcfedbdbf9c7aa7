"""Web accounts from the command line: `liangfang user add|list`."""

from __future__ import annotations

import secrets
import sys

import typer

from .app import app, console, fail, migrate
from .output import FORMAT_HELP, Listing, OutputFormat, emit
from .text import bi, said

user_app = typer.Typer(help=bi("网站账号（区划 + 角色）", "Web accounts (region + role)"), no_args_is_help=True)
app.add_typer(user_app, name="user")

ROLE_HELP = bi("角色：county_admin 区县管理员、township_reviewer 乡镇审核员、village_cadre 村干部、"
               "inspector 只读检查员", "role: county_admin, township_reviewer, village_cadre or inspector")


@user_app.command("add", help=bi("新建账号，或修改已有账号的区划和角色",
                                 "Create a login, or change a login's region and role"))
def user_add(
    username: str = typer.Argument(..., help=bi("用户名", "user name")),
    role: str = typer.Option(..., help=ROLE_HELP),
    region: str = typer.Option(..., help=bi("所属区划：代码（12 位）或名称（重名时加乡镇名，如“岭下镇 英华村”）",
                                            "region: its 12-digit code or its name (with the township's "
                                            "when several share it)")),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=bi(
        "从标准输入读取密码（一行，供脚本使用）", "read the password from standard input (one line; for scripts)")),
    ask_password: bool = typer.Option(False, "--ask-password", help=bi(
        "提示输入密码（不显示）", "prompt for the password (not echoed)")),
    password: str = typer.Option("", "--password", hidden=True),
) -> None:
    """Without --password-stdin or --ask-password a new login gets a random password, printed once."""
    if password:  # kept only to refuse it with a way out
        raise fail(bi("密码不能写在命令行上（本机其他用户用 ps 可以看到）；请用 --password-stdin 或 --ask-password",
                      "a password on the command line is visible to other users of the machine (ps): use "
                      "--password-stdin or --ask-password"))
    migrate()
    from django.contrib.auth import get_user_model

    from liangfang.accounts.services import account_set, password_problems, password_set, user_create
    from liangfang.domain.problems import ValidationFailed

    from .region_cmds import resolve_region

    region = resolve_region(region).code
    chosen = _read_password(password_stdin, ask_password)
    existing = get_user_model().objects.filter(username=username).first()
    secret = chosen or secrets.token_urlsafe(12)
    try:
        if existing is None:
            user_create(username=username, password=secret, region_code=region, role=role, by="cli")
            if chosen:
                console.print(bi(f"已建立账号 {username}", f"created {username}"))
            else:
                console.print(bi(f"已建立账号 {username}，密码：{secret}", f"created {username}, password: {secret}"))
        else:
            problems = password_problems(chosen, existing) if chosen else []
            if problems:
                raise ValidationFailed(problems)
            account_set(user=existing, region_code=region, role=role, by="cli")
            if chosen:
                password_set(user=existing, password=chosen, by="cli")
            console.print(bi(f"已更新账号 {username}", f"updated {username}"))
    except ValidationFailed as exc:
        raise fail("; ".join(said(p.message) for p in exc.problems)) from None


def _read_password(from_stdin: bool, ask: bool) -> str:
    """The password typed at a prompt or given on standard input, never on the command line."""
    if from_stdin and ask:
        raise fail(bi("--password-stdin 与 --ask-password 只能选一个",
                      "use --password-stdin or --ask-password, not both"))
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise fail(bi("标准输入中没有密码", "no password on standard input"))
        return line
    if ask:
        return str(typer.prompt(bi("密码", "password"), hide_input=True, confirmation_prompt=True))
    return ""


@user_app.command("list", help=bi("列出账号", "List logins with their region and role"))
def user_list(fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP)) -> None:
    migrate()
    from liangfang.accounts.models import Account

    listing = Listing(bi("账号", "logins"), [
        ("user", bi("用户名", "user")), ("role", bi("角色", "role")), ("region_code", bi("区划代码", "region code")),
        ("region", bi("区划", "region"))])
    for a in Account.objects.select_related("user", "region").order_by("user__username"):
        listing.add(user=a.user.get_username(), role=bi(a.role_spec.zh, a.role_spec.en), region_code=a.region.code,
                    region=a.region.name)
    emit(listing, fmt)


def grant_top_region(username: str, role: str = "county_admin") -> None:
    """Give an existing login the county administrator's role over the top region (used by `demo`)."""
    from django.contrib.auth import get_user_model

    from liangfang.accounts.services import account_set
    from liangfang.registry.selectors import top_region

    region = top_region()
    user = get_user_model().objects.filter(username=username).first()
    if region is not None and user is not None:
        account_set(user=user, region_code=region.code, role=role, by="demo")
