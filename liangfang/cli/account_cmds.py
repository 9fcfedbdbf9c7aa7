"""Web accounts from the command line: `liangfang user add|list`."""

from __future__ import annotations

import secrets

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
    password: str = typer.Option("", help=bi("密码（默认随机生成并显示）", "password (default: random, printed)")),
) -> None:
    migrate()
    from django.contrib.auth import get_user_model

    from liangfang.accounts.services import account_set, password_set, user_create
    from liangfang.domain.problems import ValidationFailed

    from .region_cmds import resolve_region

    region = resolve_region(region).code
    existing = get_user_model().objects.filter(username=username).first()
    secret = password or secrets.token_urlsafe(12)
    try:
        if existing is None:
            user_create(username=username, password=secret, region_code=region, role=role, by="cli")
            console.print(bi(f"已建立账号 {username}，密码：{secret}", f"created {username}, password: {secret}"))
        else:
            account_set(user=existing, region_code=region, role=role, by="cli")
            if password:
                password_set(user=existing, password=password, by="cli")
            console.print(bi(f"已更新账号 {username}", f"updated {username}"))
    except ValidationFailed as exc:
        raise fail("; ".join(said(p.message) for p in exc.problems)) from None


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
