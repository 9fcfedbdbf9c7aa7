"""``liangfang region find TEXT``: regions by name or code, with their townships and codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from .app import app, fail, migrate
from .output import FORMAT_HELP, Listing, OutputFormat, emit
from .text import bi

if TYPE_CHECKING:
    from liangfang.registry.models import Region

region_app = typer.Typer(help=bi("行政区划：按名称或代码查找", "Regions: find by name or code"),
                         no_args_is_help=True)
app.add_typer(region_app, name="region")

LEVEL_HELP = bi("只找此层级：county 县、township 乡镇、village 行政村、group 村民小组",
                "only this level: county, township, village or group")


def resolve_region(text: str, level: str | None = None) -> Region:
    """The region a user named by code, unique name or township-and-name; a clear error otherwise."""
    from liangfang.domain.problems import NotFound
    from liangfang.registry.region_lookup import region_resolve

    from .text import said

    try:
        return region_resolve(text, level)
    except NotFound as err:
        raise fail(said(err.message)) from None


@region_app.command("find", help=bi("按名称（任意部分）或代码开头查找区划；多个词时前面的词为上级名称，如“岭下 英华”",
                                    "Find regions by any part of the name or the start of the code; with several "
                                    "words the first ones name a parent, e.g. 岭下 英华"))
def find(
    text: str = typer.Argument(..., help=bi("名称的一部分或代码的开头", "part of a name or the start of a code")),
    level: str | None = typer.Option(None, "--level", help=LEVEL_HELP),
    limit: int = typer.Option(50, "--limit", help=bi("最多列出条数", "list at most N regions")),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help=FORMAT_HELP),
) -> None:
    migrate()
    from liangfang.domain.codes import code_list
    from liangfang.registry.region_lookup import regions_find

    found = regions_find(text, level, limit=limit)
    if not found:
        raise fail(bi(f"没有名称含 {text} 或代码以其开头的区划", f"no region's name contains {text} and no code "
                      f"starts with it"))
    levels = code_list("region_level")
    listing = Listing(bi("区划", "regions"), [
        ("code", bi("代码", "code")), ("name", bi("名称", "name")), ("level", bi("层级", "level")),
        ("within", bi("上级", "within"))])
    for path in found:
        r = path.region
        listing.add(code=r.code, name=r.name, level=bi(levels.label(r.level, 'zh'), levels.label(r.level, 'en')),
                    within=" ".join(a.name for a in reversed(path.ancestors)))
    emit(listing, fmt)
