"""Finding a region by what people call it: its 12-digit code, its name, or its name with a higher
region's name (``岭下镇 英华村``), typed with a Chinese input method (full-width digits and spaces).

``regions_find`` lists candidates for ``liangfang region find``; ``region_resolve`` turns what a user
typed wherever a region code is asked into exactly one region, or says why not and lists the
candidates with their codes and townships.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..domain.problems import NotFound
from ..domain.text import Text
from .models import Region

_SEPARATORS = re.compile(r"[\s/／,，、·>＞]+")
FIND_LIMIT = 50


class AmbiguousRegion(NotFound):
    """Several regions answer to the name: the message lists them; ``candidates`` holds them."""

    def __init__(self, text: str, candidates: list[Region], *, part: bool = False) -> None:
        self.candidates = candidates
        listed = "；".join(describe(r) for r in candidates[:10])
        more = f"（另有 {len(candidates) - 10} 个）" if len(candidates) > 10 else ""
        more_en = f" and {len(candidates) - 10} more" if len(candidates) > 10 else ""
        named, named_en = ("名称含", "have a name containing") if part else ("名为", "are called")
        super().__init__(Text(
            f"有 {len(candidates)} 个区划{named} {text}：{listed}{more}；请给出代码、完整名称，或在名称前加上"
            f"上级名称（如“乡镇名 {text}”）",
            f"{len(candidates)} regions {named_en} {text}: {listed}{more_en}; give the code, the whole name, "
            f"or the name of the region above before it"))


def normalise(text: str) -> str:
    """Full-width digits, letters and spaces (a Chinese input method's) as ASCII; trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


@dataclass(frozen=True)
class RegionPath:
    region: Region
    ancestors: tuple[Region, ...]  # nearest first

    def text(self) -> str:
        return " ".join(r.name for r in reversed(self.ancestors)) + (" " if self.ancestors else "") + self.region.name


def ancestors(region: Region) -> tuple[Region, ...]:
    """The region's parents, nearest first (a region tree is at most six levels deep)."""
    out: list[Region] = []
    parent = region.parent
    while parent is not None and len(out) < 6:
        out.append(parent)
        parent = parent.parent
    return tuple(out)


def describe(region: Region) -> str:
    """``英华村（岭下镇，220802105201）``: name, the nearest named parent, code."""
    parent = region.parent
    within = f"{parent.name}，" if parent is not None else ""
    return f"{region.name}（{within}{region.code}）"


def _named(name: str, level: str | None) -> list[Region]:
    qs = Region.objects.filter(name=name).select_related("parent__parent__parent__parent")
    if level:
        qs = qs.filter(level=level)
    return list(qs.order_by("code")[:FIND_LIMIT + 1])


def region_resolve(text: str, level: str | None = None) -> Region:
    """The one region ``text`` names: a code, a unique name, or higher names then the name."""
    typed = normalise(text)
    what = {"village": "行政村", "township": "乡镇", "county": "县"}.get(level or "", "区划")
    if not typed:
        raise NotFound(Text(f"请给出{what}的代码或名称", f"give the {level or 'region'}'s code or name"))
    if typed.isdigit():
        qs = Region.objects.filter(code=typed)
        if level:
            qs = qs.filter(level=level)
        region = qs.first()
        if region is None:
            raise NotFound(Text(f"{what}代码 {typed} 不存在；查找代码：liangfang region find 名称",
                                f"no {level or 'region'} with code {typed}; find codes with: liangfang region find "
                                "NAME"))
        return region
    parts = [p for p in _SEPARATORS.split(typed) if p]
    candidates = _named(parts[-1], level)
    if len(parts) > 1:
        higher = parts[:-1]
        candidates = [r for r in candidates if _has_ancestors_named(r, higher)]
    elif not candidates and level in (None, "village", "group"):
        candidates = _joined_with_township(typed, level)
    if not candidates and len(parts) == 1:  # a unique part of a name will do: 洮北 for 洮北区
        qs = Region.objects.filter(name__contains=typed).select_related("parent")
        found = list((qs.filter(level=level) if level else qs).order_by("code")[:FIND_LIMIT + 1])
        if len(found) > 1:
            raise AmbiguousRegion(typed, found, part=True)
        candidates = found
    if not candidates:
        raise NotFound(Text(f"没有名为 {typed} 的{what}；查找：liangfang region find {parts[-1][:4]}",
                            f"no {level or 'region'} called {typed}; search with: liangfang region find "
                            f"{parts[-1][:4]}"))
    if len(candidates) > 1:
        raise AmbiguousRegion(typed, candidates)
    return candidates[0]


def _has_ancestors_named(region: Region, names: list[str]) -> bool:
    above = [r.name for r in ancestors(region)]
    return all(name in above for name in names)


def _joined_with_township(typed: str, level: str | None) -> list[Region]:
    """``岭下镇英华村`` written without a space: a region whose parent's name and its own make the text."""
    suffixes = [typed[i:] for i in range(1, len(typed))]
    qs = Region.objects.filter(name__in=suffixes, parent__isnull=False).select_related("parent__parent")
    if level:
        qs = qs.filter(level=level)
    return [r for r in qs.order_by("code") if r.parent is not None and typed == r.parent.name + r.name]


def regions_find(text: str, level: str | None = None, limit: int = FIND_LIMIT) -> list[RegionPath]:
    """Regions whose code starts with ``text`` or whose name contains it; with several words, the last
    is in the region's name and each other in one of its parents' names (``岭下 英华``)."""
    typed = normalise(text)
    parts = [p for p in _SEPARATORS.split(typed) if p]
    if not parts:
        return []
    qs = Region.objects.filter(code__startswith=typed) if typed.isdigit() else Region.objects.filter(
        name__contains=parts[-1])
    if level:
        qs = qs.filter(level=level)
    qs = qs.select_related("parent__parent__parent__parent").order_by("code")
    if len(parts) == 1:
        found = list(qs[:limit])
    else:
        found = [r for r in qs[: limit * 20] if _has_ancestors_containing(r, parts[:-1])][:limit]
    return [RegionPath(r, ancestors(r)) for r in found]


def _has_ancestors_containing(region: Region, parts: list[str]) -> bool:
    above = [r.name for r in ancestors(region)]
    return all(any(part in name for name in above) for part in parts)
