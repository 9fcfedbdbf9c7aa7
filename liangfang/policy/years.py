"""The one guard every caller passes before using a pack for a year: the pack exists and covers it."""

from __future__ import annotations

from ..domain.problems import Problem, ValidationFailed
from ..domain.text import Text
from .loader import PackError, load_pack
from .schema import Pack


def pack_for_year(pack: str | Pack, year: int) -> Pack:
    """The pack (by name or as loaded) for ``year``; ValidationFailed names what is wrong.

    >>> pack_for_year("cn-national", 2020).pack
    'cn-national'
    >>> try:
    ...     pack_for_year("cn-national", 2031)
    ... except ValidationFailed as err:
    ...     print(err.problems[0].message)
    政策包 cn-national 适用于 2014–2020 年 / pack cn-national covers 2014–2020
    """
    if isinstance(pack, str):
        try:
            pack = load_pack(pack)
        except PackError as err:
            raise ValidationFailed([Problem("pack", pack, str(err))]) from None
    first, last = pack.years
    if not first <= year <= last:
        raise ValidationFailed([Problem("year", year, Text(f"政策包 {pack.pack} 适用于 {first}–{last} 年",
                                                           "pack "
                                                           f"{pack.pack} covers {first}–{last}"))])
    return pack
