"""Template filters: code labels, masked values and bilingual messages in the active language."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from html import escape as escape_text
from typing import Any

from django import template
from django.utils.safestring import mark_safe

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
def plan_status(value: str) -> str:
    """proposed → 待确认 / awaiting acceptance."""
    from ..selectors.plans import PLAN_STATUS

    return str(PLAN_STATUS.get(value, value))


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


def options_html(choices: Iterable[tuple[Any, Any]]) -> str:
    """Escaped <option> elements, none chosen."""
    return "".join(f'<option value="{escape_text(str(v))}">{escape_text(str(label))}</option>' for v, label in choices)


@register.simple_tag
def options(choices: Any, selected: Any) -> str:
    """<option> elements for a filter's choices, the chosen one marked."""
    return chosen_option(options_html(choices), selected)


@register.simple_tag
def chosen_option(html: str, selected: Any) -> str:
    """Mark the chosen option in <option> elements rendered earlier by ``options_html`` (a county's
    thousand villages are rendered once a minute, not on every page)."""
    chosen = str(selected or "")
    if chosen:
        value = escape_text(chosen)
        html = html.replace(f'<option value="{value}">', f'<option value="{value}" selected>', 1)
    return mark_safe(html)  # built from escaped values and labels only
