"""Finding households by what a user types: a household number, a resident ID (whole, its first
digits, or its last 4–6 digits within a region), or a person's name or part of it — typed with a
Chinese input method (full-width digits and letters are read as ASCII)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Household, Member

RESIDENT_ID = re.compile(r"^(\d{17}[\dX]|\d{15})$")
ID_TAIL = re.compile(r"^\d{3,5}[\dX]$")  # the last 4–6 characters of a resident ID
DIGITS = re.compile(r"^\d+[\dX]?$")
NAME_LIMIT = 50


def normalise(text: str) -> str:
    """Full-width characters as ASCII, spaces trimmed, a resident ID's final x as X."""
    typed = unicodedata.normalize("NFKC", text).strip()
    return typed.upper() if DIGITS.match(typed.upper()) else typed


def query_kind(typed: str) -> str:
    """How a normalised search text is read: resident_id, id_tail, digits (a number's or an ID's
    first digits), or name (any part of a person's name)."""
    if RESIDENT_ID.match(typed):
        return "resident_id"
    if ID_TAIL.match(typed):
        return "id_tail"
    if DIGITS.match(typed):
        return "digits"
    return "name"


@dataclass(frozen=True)
class NamedHousehold:
    household: Household
    head: str
    matched: str  # the member whose name matched


def households_named(name: str, within: QuerySet[Household] | None = None,
                     limit: int = NAME_LIMIT) -> list[NamedHousehold]:
    """Households with a current member called ``name``; if none, with one whose name contains it."""
    typed = normalise(name)
    base = within if within is not None else Household.objects.all()
    for lookup in ("name", "name__contains"):
        members = Member.objects.filter(**{lookup: typed}, is_active=True)
        found = list(base.filter(Exists(members.filter(household=OuterRef("pk")))).select_related("village")
                     .order_by("number")[:limit])
        if found:
            heads = dict(Member.objects.filter(household__in=found, relation="head", is_active=True)
                         .values_list("household_id", "name"))
            matched: dict[int, str] = {}
            for household_id, member in members.filter(household__in=found).values_list("household_id", "name"):
                matched.setdefault(household_id, member)
            return [NamedHousehold(h, heads.get(h.pk, ""), matched.get(h.pk, "")) for h in found]
    return []


def starts(field: str, typed: str) -> Q:
    """``field`` starts with the digits ``typed``, read by the field's index: SQLite's LIKE ignores
    case and so no index serves it, but a range of its binary order does (every text that starts
    with ``typed`` sorts below ``typed`` + the last code point); PostgreSQL keeps a pattern index
    for LIKE."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": typed, f"{field}__lt": typed + "\U0010ffff"})
    return Q(**{f"{field}__startswith": typed})


def _numbers_or(typed: str, members: QuerySet[Member]) -> Q:
    """Households whose number starts with ``typed`` or that hold one of ``members``: one UNION of
    two index reads (an OR of the two conditions made PostgreSQL read every household)."""
    numbers = Household.objects.filter(starts("number", typed)).order_by().values("pk")
    return Q(pk__in=members.order_by().values("household_id").union(numbers))


def search_condition(kind: str, typed: str) -> Q:
    """The households a normalised search text of ``kind`` finds (combine with a region's filter:
    the last digits of an ID are meant within the user's region)."""
    def members(**lookup: str) -> Exists:
        return Exists(Member.objects.filter(household=OuterRef("pk"), **lookup))

    if kind == "number":
        return starts("number", typed)
    if kind == "resident_id":
        return Q(pk__in=Member.objects.filter(resident_id=typed).values("household_id"))
    if kind == "id_tail":
        # the members' stored last four characters, read by their index (LIKE '%1234' reads every member)
        tail = Member.objects.filter(resident_id_tail=typed[-4:])
        if len(typed) > 4:
            tail = tail.filter(resident_id__endswith=typed)
        return _numbers_or(typed, tail)
    if kind == "digits":
        return _numbers_or(typed, Member.objects.filter(starts("resident_id", typed)))
    return Q(members(name__contains=typed))
