"""Sensitive values shown as the viewer's role allows: the pages' names for the rules of
``liangfang/disclosure.py`` (the one place that decides; ``accounts/roles.py`` has the table)."""

from __future__ import annotations

from typing import Any

from ..accounts.roles import Role
from ..disclosure import HIDDEN, form_fields_left_out, shown

__all__ = ["HIDDEN", "bank_account", "birth_date", "health", "hidden_fields", "phone", "resident_id", "shown"]


def resident_id(role: Role, value: str) -> str:
    return str(shown(role, "resident_id", value))


def phone(role: Role, value: str) -> str:
    return str(shown(role, "phone", value))


def bank_account(role: Role, value: str) -> str:
    return str(shown(role, "bank_account", value))


def birth_date(role: Role, value: Any) -> str:
    """A full date (YYYY-MM-DD) for roles shown full resident IDs, else the year."""
    out = shown(role, "birth_date", value)
    return "" if out is None else out.isoformat() if hasattr(out, "isoformat") else str(out)


def health(role: Role, value: str) -> str:
    return str(shown(role, "health_status", value))


def hidden_fields(role: Role, *, typing_in: frozenset[str] = frozenset()) -> frozenset[str]:
    """Field-table names a form leaves out for ``role`` (see ``disclosure.form_fields_left_out``)."""
    return form_fields_left_out(role, typing_in=typing_in)
