"""Template filters: code labels, masked values and bilingual messages in the active language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from ...accounts.roles import Role
from .. import masking
from ..text import code_label, pick

register = template.Library()


@register.filter
def code(value: str, list_name: str) -> str:
    """{{ h.status|code:"household_status" }} → 未脱贫 / not exited."""
    return code_label(list_name, value)


@register.filter
def resident_id(value: str, role: Role) -> str:
    return masking.resident_id(role, value or "")


@register.filter
def phone(value: str, role: Role) -> str:
    return masking.phone(role, value or "")


@register.filter
def bank_account(value: str, role: Role) -> str:
    return masking.bank_account(role, value or "")


@register.filter
def health(value: str, role: Role) -> str:
    """A health or disability code as a label, or hidden for roles that do not see health facts."""
    return masking.health(role, value or "")


@register.filter
def bilingual(message: str) -> str:
    return pick(str(message))


@register.filter
def money(value: Any) -> str:
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"


@register.filter
def yesno_label(value: Any) -> str:
    from django.utils.translation import gettext as _

    if value is None:
        return ""
    return str(_("yes") if value else _("no"))


@register.simple_tag
def sort_link(sorts: dict[str, str], key: str) -> str:
    return "?" + sorts[key]


@register.filter
def num(value: Any) -> str:
    """1234567 → 1,234,567."""
    if value is None or value == "":
        return ""
    return f"{value:,}"


@register.simple_tag
def options(choices: Any, selected: Any) -> str:
    """<option> elements for a filter's choices, built with plain escaping: a county's lists hold
    a thousand villages, too many for a template loop (or format_html) on every page view."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    chosen = str(selected or "")
    parts = []
    for value, label in choices:
        text = str(value)
        mark = " selected" if text == chosen else ""
        parts.append(f'<option value="{escape(text)}"{mark}>{escape(label)}</option>')
    return mark_safe("".join(parts))  # every value and label above is escaped
