"""What another person changed, as the conflict message shows it: when, who, what, old → new."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ... import disclosure
from ...accounts.roles import Role
from ...disclosure import BANK_FIELDS, BIRTH_FIELDS, PHONE_FIELDS, is_health_value
from ...domain.fields import HOUSEHOLD_FIELDS, INCOME_FIELDS, MEMBER_FIELDS, Field
from ...domain.problems import Conflict
from ...registry.models import ChangeRecord
from .. import masking
from ..text import code_label, field_label, is_zh

_TABLES = {
    "household": {f.name: f for f in HOUSEHOLD_FIELDS},
    "member": {f.name: f for f in MEMBER_FIELDS},
    "income": {f.name: f for f in INCOME_FIELDS},
}
_ANY = {**_TABLES["income"], **_TABLES["member"], **_TABLES["household"]}


ACTIONS = {
    "create": gettext_lazy("created"), "update": gettext_lazy("changed the household"),
    "add_member": gettext_lazy("added a member"),
    "update_member": gettext_lazy("changed a member"), "remove_member": gettext_lazy("recorded a member leaving"),
    "set_income": gettext_lazy("recorded income"), "pair_cadre": gettext_lazy("paired a responsible cadre"),
    "propose_plan": gettext_lazy("proposed a plan"), "measure_accepted": gettext_lazy("accepted a measure"),
    "measure_rejected": gettext_lazy("rejected a measure"), "measure_changed": gettext_lazy("changed a measure"),
    "accept_plan": gettext_lazy("accepted the plan"), "revise_plan": gettext_lazy("revised the plan"),
    "deliver_measure": gettext_lazy("recorded a measure delivered"), "visit": gettext_lazy("recorded a visit"),
    "duplicate_resident_id": gettext_lazy("typed this member's resident ID for another household (refused)"),
}
# Plan entries use their own labels: their "year" is the plan's year, not an income field.
PLAN_ENTITIES = frozenset({"plan", "plan_measure", "plan_run", "delivery", "visit"})


# Change-log keys that are not in the field table.
OTHER_LABELS = {
    "cadre": gettext_lazy("responsible cadre"), "start_date": gettext_lazy("start date"),
    "end_date": gettext_lazy("end date"), "members": gettext_lazy("members"), "version": gettext_lazy("version"),
    "left_reason": gettext_lazy("reason for leaving"), "left_on": gettext_lazy("date left"),
    "household_size": gettext_lazy("people"),
    "year": gettext_lazy("year"), "run": gettext_lazy("plan run"), "lifts": gettext_lazy("reaches the standard"),
    "measures": gettext_lazy("measures"), "measure": gettext_lazy("measure"), "status": gettext_lazy("state"),
    "note": gettext_lazy("note"), "cost": gettext_lazy("cost"), "due_date": gettext_lazy("due date"),
    "fund_source": gettext_lazy("fund source"), "replaces": gettext_lazy("replaces versions"),
    "date": gettext_lazy("date"), "amount": gettext_lazy("amount"), "applied": gettext_lazy("written to the registry"),
    "visitor": gettext_lazy("visited by"), "attempted_in": gettext_lazy("household tried"),
}
_ID_LIKE = re.compile(r"^(\d{17}[\dX]|\d{15})$")


@dataclass(frozen=True)
class ChangeLine:
    at: dt.datetime | None
    by: str
    action: str
    changes: list[tuple[str, str, str]]  # (field, before, after)


def change_lines(entries: Iterable[Mapping[str, object]], role: Role) -> list[ChangeLine]:
    """Change-log entries for a person with ``role``: labels in the active language, code values
    as labels, sensitive values masked as on the pages."""
    lines = []
    for e in entries:
        raw = e.get("changes") or {}
        entity = str(e.get("entity", ""))
        plan_entry = entity in PLAN_ENTITIES
        table = {} if plan_entry else _TABLES.get(entity, _ANY)
        pairs = []
        if plan_entry and isinstance(raw, dict) and _withheld(raw, role):
            continue  # a health measure's decisions, changes and delivery: left out whole, as on the plan
        if isinstance(raw, dict):
            for name, value in raw.items():
                if plan_entry and name == "measures" and not role.health:  # the count holds the health measures
                    pairs.append((str(OTHER_LABELS[name]), "", masking.HIDDEN))
                    continue
                if plan_entry and name == "replaces" and isinstance(value, list):  # versions, not before → after
                    if value:
                        pairs.append((str(OTHER_LABELS[name]), "", ", ".join(str(v) for v in value)))
                    continue
                if plan_entry and name == "applied" and isinstance(value, dict):
                    if value:
                        pairs.append((str(OTHER_LABELS[name]), "", _applied(value, role)))
                    continue
                if name == "version" and not plan_entry:  # the message already says which versions
                    continue
                field = None if plan_entry else (table.get(name) or _ANY.get(name))
                if plan_entry and name == "measure":
                    pairs.append((str(OTHER_LABELS[name]), "", _measure_shown(str(value), role)))
                    continue
                label = field_label(field) if field else str(OTHER_LABELS.get(name, name))
                if isinstance(value, list) and len(value) == 2:
                    pairs.append((label, _shown(field, name, value[0], role), _shown(field, name, value[1], role)))
                else:
                    pairs.append((label, "", _shown(field, name, value, role)))
        at = e.get("at")
        action = str(e.get("action", ""))
        lines.append(ChangeLine(at=parse_datetime(at) if isinstance(at, str) else None, by=str(e.get("by", "")),
                                action=str(ACTIONS.get(action, action)), changes=pairs))
    return lines


def _measure_shown(code: str, role: Role) -> str:
    """A measure's name; a health measure names an illness, so roles without health facts see none."""
    from .plans import DEFAULT_PACK, catalogue, measure_title

    return measure_title(catalogue(DEFAULT_PACK), code, role)


def _applied(applied: Mapping[str, object], role: Role) -> str:
    """What a delivery wrote to the registry (``plans.services.delivery._apply``), in words."""
    parts = []
    for table in ("household", "member"):
        values = applied.get(table)
        if isinstance(values, dict):
            for name, value in values.items():
                field = _TABLES[table].get(name)
                parts.append(f"{field_label(field) if field else name} {_shown(field, name, value, role)}")
    income = applied.get("income")
    if isinstance(income, dict):
        field = _TABLES["income"].get(str(income.get("item", "")))
        label = field_label(field) if field else str(income.get("item", ""))
        parts.append(f"{income.get('year', '')} {label} {income.get('from', '')} → {income.get('to', '')}")
    return "；".join(parts) if is_zh() else "; ".join(parts)


def _withheld(changes: Mapping[str, object], role: Role) -> bool:
    """A change-log entry of a measure ``role`` is not shown (``disclosure.withholds_measure``)."""
    from .plans import DEFAULT_PACK, measure_withheld

    code = changes.get("measure")
    if not code or role.health:
        return False
    fund = changes.get("fund_source")
    funds = fund if isinstance(fund, list) else [fund]
    return any(measure_withheld(role, DEFAULT_PACK, str(code), "", str(f or "")) for f in funds)


def _shown(field: Field | None, name: str, value: object, role: Role) -> str:
    text = "" if value is None else str(value)
    if not text:
        return text
    if name in BIRTH_FIELDS or (not role.health and is_health_value(name, text)):
        return str(disclosure.shown(role, name, text))  # a year for a date; a hidden health fact
    if field is not None and field.kind == "code" and field.codes:
        text = code_label(field.codes, text)
    elif field is not None and field.kind == "bool":
        text = {"True": _("yes"), "False": _("no")}.get(text, text)
    if name == "cadre" and _ID_LIKE.match(text):  # a batch pairing logged the cadre's resident ID: show the name
        return _cadre_name(text) or masking.resident_id(role, text)
    if name == "resident_id" or _ID_LIKE.match(text):
        return masking.resident_id(role, text)
    if field is None and text in ("True", "False"):
        return str(_("yes") if text == "True" else _("no"))
    if field is None and name == "status":
        from .plans import MEASURE_STATUS

        return str(MEASURE_STATUS.get(text, text))
    if field is None and name == "fund_source":
        from .plans import DEFAULT_PACK, catalogue, fund_label

        return fund_label(catalogue(DEFAULT_PACK), text)
    if name == "left_reason":
        return code_label("member_left_reason", text)
    if name in PHONE_FIELDS or name in BANK_FIELDS:
        return str(disclosure.shown(role, name, text))
    return text


def _cadre_name(resident_id: str) -> str:
    from ...registry.models import Cadre

    found = Cadre.objects.filter(resident_id=resident_id).values_list("name", "unit_name").first()
    return f"{found[0]}（{found[1]}）" if found else ""


def history_lines(records: Iterable[ChangeRecord], role: Role) -> list[ChangeLine]:
    return change_lines(({"at": r.at.isoformat(), "by": r.actor, "action": r.action, "entity": r.entity,
                          "changes": r.changes}
                         for r in records), role)


def conflict_rows(conflict: Conflict, role: Role) -> dict[str, object]:
    return {"conflict": conflict, "lines": change_lines(conflict.changes, role)}
