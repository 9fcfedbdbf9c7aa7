"""Bilingual text (services' messages are ``Text``; code lists and the field table carry both
languages) shown in the session's language."""

from __future__ import annotations

from django.utils.translation import get_language

from ..domain.codes import label
from ..domain.fields import Field
from ..domain.text import render


def lang() -> str:
    return get_language() or "zh-hans"


def is_zh() -> bool:
    return lang().startswith("zh")


def shown(message: str, language: str | None = None) -> str:
    """A service's message in the session's language: one half of a ``Text``; a message in one
    language (a value, a file name) as it is."""
    return render(message, language or lang())


def code_label(list_name: str, code: str | None, language: str | None = None) -> str:
    """The code's label in ``language`` (default: the active one); a code missing from its list
    shows as itself."""
    if not code:
        return ""
    return label(list_name, code, language or lang())


def field_label(field: Field) -> str:
    return field.zh if is_zh() else field.en
