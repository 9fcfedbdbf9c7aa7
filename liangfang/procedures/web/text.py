"""Bilingual words of the procedure pages, given as a pair and chosen by the page's language."""

from __future__ import annotations

from ...web.text import is_zh


def t(zh: str, en: str) -> str:
    return zh if is_zh() else en
