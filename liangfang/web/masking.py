"""Sensitive values shown as the viewer's role allows (see ``accounts/roles.py`` for the table)."""

from __future__ import annotations

from ..accounts.roles import Role, Visibility
from ..ids import mask_resident_id

HIDDEN = "—"


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; short numbers keep only their last two digits."""
    digits = phone.strip()
    if len(digits) >= 8:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def mask_account(number: str) -> str:
    """A bank account keeps its last four characters: ************1234."""
    text = number.strip()
    return "*" * max(len(text) - 4, 0) + text[-4:]


def _show(value: str, visibility: Visibility, masker: object) -> str:
    if not value:
        return ""
    if visibility == "full":
        return value
    if visibility == "hidden":
        return HIDDEN
    assert callable(masker)
    return str(masker(value))


def resident_id(role: Role, value: str) -> str:
    return _show(value, role.resident_id, mask_resident_id)


def phone(role: Role, value: str) -> str:
    return _show(value, role.phone, mask_phone)


def bank_account(role: Role, value: str) -> str:
    return _show(value, role.bank_account, mask_account)


def health(role: Role, value: str) -> str:
    return value if role.health else HIDDEN


# Field-table names of values that a role may not see in full; forms leave them out, because
# a masked value typed back would overwrite the real one.
def hidden_fields(role: Role) -> frozenset[str]:
    names: set[str] = set()
    if role.resident_id != "full":
        names.add("resident_id")
    if role.phone != "full":
        names.add("phone")
    if role.bank_account != "full":
        names.update({"bank_account", "bank_name"})
    if not role.health:
        names.update({"health_status", "disability_grade"})
    return frozenset(names)
