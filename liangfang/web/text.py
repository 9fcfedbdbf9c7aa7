"""Bilingual text from the registry (service messages "中文 / English", code lists and the field
table carry both languages) shown in the active language."""

from __future__ import annotations

import re

from django.utils.translation import get_language

from ..domain.codes import label
from ..domain.fields import Field

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def lang() -> str:
    return get_language() or "zh-hans"


def is_zh() -> bool:
    return lang().startswith("zh")


def pick(message: str, language: str | None = None) -> str:
    """The half of a "中文 / English" message for the language; the whole text when it has no
    such halves. The split is the first " / " after which no Chinese character follows."""
    language = language or lang()
    start = 0
    while True:
        at = message.find(" / ", start)
        if at < 0:
            return message
        zh, en = message[:at], message[at + 3:]
        if _CJK.search(zh) and not _CJK.search(en):
            return zh.strip() if language.startswith("zh") else en.strip()
        start = at + 3


def code_label(list_name: str, code: str | None, language: str | None = None) -> str:
    """The code's label in ``language`` (default: the active one); a code missing from its list
    shows as itself."""
    if not code:
        return ""
    return label(list_name, code, language or lang())


def field_label(field: Field) -> str:
    return field.zh if is_zh() else field.en
