"""Filters and helpers of the page templates (``liangfang/web/jinja.py`` registers them): code
labels, masked values, money and counts, and the <option> lists of the filters, in the active
language. Plain functions: the views use some of them too."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from markupsafe import Markup, escape

from ..accounts.roles import Role
from . import masking
from .text import code_label


def code(value: str, list_name: str) -> str:
    """{{ h.status|code("household_status") }} → 未脱贫 / not exited."""
    return code_label(list_name, value)


def resident_id(value: str, role: Role) -> str:
    return masking.resident_id(role, value or "")


def phone(value: str, role: Role) -> str:
    return masking.phone(role, value or "")


def bank_account(value: str, role: Role) -> str:
    return masking.bank_account(role, value or "")


def birth_date(value: Any, role: Role) -> str:
    """{{ m.birth_date|birth_date(role) }}: the date, or its year for roles shown masked IDs."""
    return masking.birth_date(role, value)


def health(value: str, role: Role) -> str:
    """A health or disability code as a label, or hidden for roles that do not see health facts."""
    return masking.health(role, value or "")


def plan_status(value: str) -> str:
    """proposed → 待确认 / awaiting acceptance."""
    from .selectors.plans import PLAN_STATUS

    return str(PLAN_STATUS.get(value, value))


def money(value: Any) -> str:
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"


def yesno_label(value: Any) -> str:
    if value is None:
        return ""
    return str(_("yes") if value else _("no"))


def for_language(language: str) -> dict[str, Callable[..., str]]:
    """``code`` and ``yesno_label`` for the templates compiled for one language: the same labels,
    without asking for the active language at every use (a household page labels some thirty
    codes)."""
    with translation.override(language):
        yes, no = str(_("yes")), str(_("no"))

    def code_in(value: str, list_name: str) -> str:
        return code_label(list_name, value, language)

    def yesno_in(value: Any) -> str:
        return "" if value is None else yes if value else no

    return {"code": code_in, "yesno_label": yesno_in}


def num(value: Any) -> str:
    """1234567 → 1,234,567."""
    if value is None or value == "":
        return ""
    return f"{value:,}"


_APART = "\x00"  # joins texts escaped in one pass: not a character escape() changes


def escaped_all(texts: list[str]) -> list[str]:
    """``html.escape`` of each text, in one pass over them all (a cadre filter has hundreds of
    options: one call each cost more than the query behind them)."""
    joined = _APART.join(texts)
    if joined.count(_APART) != max(len(texts) - 1, 0):  # a text holds the separator itself
        return [html.escape(t) for t in texts]
    return html.escape(joined).split(_APART) if texts else []


def options_html(choices: Iterable[tuple[Any, Any]]) -> Markup:
    """Escaped <option> elements, none chosen."""
    pairs = [(str(v), str(label)) for v, label in choices]
    texts = escaped_all([t for pair in pairs for t in pair])
    return Markup("".join(f'<option value="{texts[i]}">{texts[i + 1]}</option>' for i in range(0, len(texts), 2)))


def options(choices: Any, selected: Any) -> Markup:
    """<option> elements for a filter's choices, the chosen one marked."""
    return chosen_option(options_html(choices), selected)


def chosen_option(html: str, selected: Any) -> Markup:
    """Mark the chosen option in <option> elements rendered earlier by ``options_html`` (a county's
    thousand villages are rendered once a minute, not on every page)."""
    chosen, html = str(selected or ""), str(html)  # plain str: Markup.replace would escape its arguments
    if chosen:
        value = escape(chosen)
        html = html.replace(f'<option value="{value}">', f'<option value="{value}" selected>', 1)
    return Markup(html)  # built from escaped values and labels only
