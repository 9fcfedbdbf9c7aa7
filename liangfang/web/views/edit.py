"""Editing forms: a household, its members, its incomes and its responsible cadre. Each save goes
to a registry service with the version the page was read at; a problem is shown next to its
field, and a save over someone else's newer one is refused with what they changed, keeping the
user's input in the form."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ...domain.fields import HOUSEHOLD_FIELDS, INCOME_FIELDS, MEMBER_FIELDS, Field
from ...domain.problems import Conflict, ConflictError, Problem, ValidationFailed
from ...pairing.services import cadre_pairing_set
from ...registry.governed import GOVERNED_FIELDS
from ...registry.models import Cadre, Household, IncomeRecord, Member
from ...registry.services.duplicates import duplicate_id_report
from ...registry.services.households import household_update, income_set, member_add, member_remove, member_update
from ..forms import (
    FROM_RESIDENT_ID,
    FieldTableForm,
    PairingForm,
    RemoveMemberForm,
    VersionedForm,
    add_joining_fields,
    initial_from,
    version_initial,
    with_id_facts,
)
from ..masking import hidden_fields
from ..permissions import Viewer, household_for, viewer_required
from ..selectors.conflicts import conflict_rows
from ..selectors.households import CADRE_PICKS, cadre_choices

_TYPED_FROM_THE_CARD = frozenset({"resident_id", "birth_date"})
# The statuses procedures govern are not on the form: they change only through their procedures.
HOUSEHOLD_TABLE = tuple(f for f in HOUSEHOLD_FIELDS
                        if f.name not in ("number", "village_code") and f.name not in GOVERNED_FIELDS)
INCOME_AMOUNTS = tuple(f for f in INCOME_FIELDS if f.name != "year")


def _save(request: HttpRequest, form: VersionedForm, household: Household, write: Callable[[int], Any],
          current: Callable[[Household], dict[str, str]] | None = None) -> tuple[VersionedForm | None, Conflict | None]:
    """Run ``write(expected_version)``; on success return (None, None). On a problem return the
    form with the messages; on a conflict the form rebound to the current version, with the
    user's changes over the values ``current(household as it is now)`` gives."""
    seen = form.cleaned_data.get("seen")
    if seen is not None:
        # The service lists the changes made since the household's modification time; make it
        # the time this user read the page, so every change since then is shown.
        household.updated_at = seen
    try:
        write(form.cleaned_data["version"])
    except ValidationFailed as exc:
        _show(form, exc.problems)
        duplicate_id_report(problems=exc.problems, attempted_in=household.number,
                            by=request.user.get_username())
        return form, None
    except ConflictError as exc:
        now = Household.objects.get(pk=household.pk)
        return form.rebound(exc.conflict.current_version, current(now) if current else None), exc.conflict
    return None, None


def _show(form: VersionedForm, problems: Sequence[Problem]) -> None:
    if isinstance(form, FieldTableForm):
        form.show_problems(problems)
        return
    from ..text import shown

    for p in problems:
        form.add_error(p.field if p.field in form.fields else None, shown(p.message))


def _page(request: HttpRequest, viewer: Viewer, household: Household, form: VersionedForm, title: str,
          conflict: Conflict | None, status: int = 200, **extra: Any) -> HttpResponse:
    return render(request, "web/edit_form.html", {
        "viewer": viewer, "h": household, "form": form, "title": title,
        "conflict": conflict_rows(conflict, viewer.role) if conflict else None, **extra,
    }, status=409 if conflict else (400 if form.errors else status))


def _table_form(request: HttpRequest, table: Sequence[Field], leave_out: frozenset[str],
                initial: dict[str, Any] | None = None, *, changes_only: bool = False) -> FieldTableForm:
    return FieldTableForm(request.POST if request.method == "POST" else None, initial=initial, table=table,
                          leave_out=leave_out, changes_only=changes_only)


def _done(request: HttpRequest, household: Household, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("web:household", number=household.number)


@viewer_required(edit=True)
def household_edit(request: HttpRequest, viewer: Viewer, number: str) -> HttpResponse:
    household = household_for(viewer, number)
    form = _table_form(request, HOUSEHOLD_TABLE, hidden_fields(viewer.role),
                       initial_from(household, HOUSEHOLD_TABLE, household), changes_only=True)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.values()
        result, conflict = _save(request, form, household, lambda v: household_update(
            household=household, data=data, expected_version=v, by=viewer.username),
            lambda now: initial_from(now, HOUSEHOLD_TABLE, now))
        if result is None and conflict is None:
            return _done(request, household, _("Household saved."))
        form = result  # type: ignore[assignment]
    return _page(request, viewer, household, form, _("Edit household %(n)s") % {"n": household.number}, conflict)


def _member_of(household: Household, member_id: int) -> Member:
    member = Member.objects.filter(pk=member_id, household=household, is_active=True).first()
    if member is None:
        raise Http404
    member.household = household
    return member


@viewer_required(edit=True)
def member_add_view(request: HttpRequest, viewer: Viewer, number: str) -> HttpResponse:
    household = household_for(viewer, number)
    # Whoever adds a person types the resident ID and birth date from the card: always on this form.
    form = _table_form(request, MEMBER_FIELDS, hidden_fields(viewer.role, typing_in=_TYPED_FROM_THE_CARD),
                       version_initial(household))
    form.required_names = form.required_names - FROM_RESIDENT_ID  # read from the ID when left blank
    add_joining_fields(form)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = with_id_facts(form.values())
        # the date is a field of the member's row (data); the reason is asked beside it
        reason: str = form.cleaned_data.get("joined_reason") or ""
        result, conflict = _save(request, form, household, lambda v: member_add(
            household=household, data=data, expected_version=v, by=viewer.username,
            joined_reason=reason))
        if result is None and conflict is None:
            return _done(request, household, _("Member added."))
        form = result  # type: ignore[assignment]
    head = household.members.filter(relation="head", is_active=True).values_list("name", flat=True).first()
    title = (_("Add a member to the household of %(head)s (%(n)s)") % {"head": head, "n": household.number} if head
             else _("Add a member to %(n)s") % {"n": household.number})
    return _page(request, viewer, household, form, title, conflict,
                 intro=_("Sex and birth date may be left blank: they are read from the resident ID."))


@viewer_required(edit=True)
def member_edit_view(request: HttpRequest, viewer: Viewer, number: str, member_id: int) -> HttpResponse:
    household = household_for(viewer, number)
    member = _member_of(household, member_id)
    form = _table_form(request, MEMBER_FIELDS, hidden_fields(viewer.role),
                       initial_from(member, MEMBER_FIELDS, household), changes_only=True)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.values()
        result, conflict = _save(request, form, household, lambda v: member_update(
            member=member, data=data, expected_version=v, by=viewer.username),
            lambda now: initial_from(Member.objects.get(pk=member.pk), MEMBER_FIELDS, now))
        if result is None and conflict is None:
            return _done(request, household, _("Member %(name)s saved.") % {"name": member.name})
        form = result  # type: ignore[assignment]
    return _page(request, viewer, household, form, _("Edit member %(name)s") % {"name": member.name}, conflict)


@viewer_required(edit=True)
def member_remove_view(request: HttpRequest, viewer: Viewer, number: str, member_id: int) -> HttpResponse:
    household = household_for(viewer, number)
    member = _member_of(household, member_id)
    form = RemoveMemberForm(request.POST if request.method == "POST" else None,
                            initial={**version_initial(household), "on": timezone.localdate()})
    conflict = None
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        result, conflict = _save(request, form, household, lambda v: member_remove(
            member=member, reason=cd["reason"], on=cd["on"], expected_version=v, by=viewer.username))
        if result is None and conflict is None:
            return _done(request, household, _("Member %(name)s marked as left.") % {"name": member.name})
        form = result  # type: ignore[assignment]
    return _page(request, viewer, household, form, _("Member %(name)s leaves the household") % {"name": member.name},
                 conflict)


@viewer_required(edit=True)
def income_edit_view(request: HttpRequest, viewer: Viewer, number: str, year: int | None = None) -> HttpResponse:
    household = household_for(viewer, number)
    record = IncomeRecord.objects.filter(household=household, year=year).first() if year else None
    if year and record is None:
        raise Http404
    table = INCOME_FIELDS if year is None else INCOME_AMOUNTS
    initial = initial_from(record, table, household) if record else version_initial(household)
    form = _table_form(request, table, frozenset(), initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.values()
        the_year = year if year is not None else data.pop("year", "")
        try:
            year_value = int(the_year)
        except ValueError:
            year_value = 0
        result, conflict = _save(request, form, household, lambda v: income_set(
            household=household, year=year_value, data=data, expected_version=v, by=viewer.username),
            lambda now: version_initial(now))
        if result is None and conflict is None:
            return _done(request, household, _("Income for %(year)s saved.") % {"year": year_value})
        form = result  # type: ignore[assignment]
    title = _("Income of %(n)s for %(year)s") % {"n": household.number, "year": year} if year else \
        _("Add a year of income to %(n)s") % {"n": household.number}
    return _page(request, viewer, household, form, title, conflict)


@viewer_required(edit=True)
def pairing_edit_view(request: HttpRequest, viewer: Viewer, number: str) -> HttpResponse:
    household = household_for(viewer, number)
    query = (request.GET.get("cadre_q") or request.POST.get("cadre_q") or "")[:40]
    choices, matched = cadre_choices(query, household.village, request.POST.get("cadre", ""))
    form = PairingForm(request.POST if request.method == "POST" else None, cadres=choices,
                       initial={**version_initial(household), "start_date": timezone.localdate()})
    conflict = None
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        cadre = Cadre.objects.get(pk=cd["cadre"])
        result, conflict = _save(request, form, household, lambda v: cadre_pairing_set(
            household=household, cadre=cadre, start_date=cd["start_date"], expected_version=v, by=viewer.username))
        if result is None and conflict is None:
            return _done(request, household, _("Responsible cadre saved."))
        form = result  # type: ignore[assignment]
    return _page(request, viewer, household, form, _("Responsible cadre of %(n)s") % {"n": household.number},
                 conflict, picker={"q": query, "matched": matched, "shown": len(choices), "limit": CADRE_PICKS})
