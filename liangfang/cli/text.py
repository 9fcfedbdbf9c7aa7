"""Bilingual user-facing text for the command line: Chinese by default, with English.

``LIANGFANG_LANG`` (or ``LANG``) chooses: ``zh`` → Chinese only, ``en`` → English only;
unset → both, Chinese first.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from ..domain.text import Text, render


def language() -> str:
    chosen = os.environ.get("LIANGFANG_LANG") or ""
    if chosen:
        return "en" if chosen.lower().startswith("en") else ("zh" if chosen.lower().startswith(
            "zh") else "both")
    lang = os.environ.get("LANG", "")
    if lang.lower().startswith("en_") and os.environ.get("LC_ALL", "").lower().startswith("en"):
        return "en"
    return "both"


def bi(zh: str, en: str) -> str:
    """Text in the chosen language(s): ``bi("户", "household")`` → ``户 / household``."""
    return Text(zh, en).render(language())


def listed(items: Iterable[Text], zh_sep: str = "、", en_sep: str = ", ") -> str:
    """Texts listed in the chosen language(s), each language's list with its own separator:
    ``甲、乙 / a, b`` (never ``甲、 / , 乙``)."""
    kept = list(items)
    return Text(zh_sep.join(t.zh for t in kept), en_sep.join(t.en for t in kept)).render(language())


def said(message: str) -> str:
    """A service's message (a ``Text``) in the chosen language(s); a message in one language as it is."""
    return render(message, language())
