"""Registering a new household with its members on the web: the same service as an import's new
household (``household_create``), its problems shown next to the field and member they concern."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...domain.fields import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from ...domain.problems import ValidationFailed
from ...registry.models import Region
from ...registry.services.households import household_create
from ..forms import FROM_RESIDENT_ID, NewRecordForm, with_id_facts
from ..masking import hidden_fields
from ..permissions import Viewer, viewer_required
from ..text import shown

HOUSEHOLD_TABLE = tuple(f for f in HOUSEHOLD_FIELDS if f.name != "village_code")
MEMBER_ROWS = 4
MAX_MEMBER_ROWS = 20


def _villages(viewer: Viewer) -> list[tuple[str, str]]:
    from ...registry.selectors import significant_prefix

    qs = Region.objects.filter(level="village")
    if viewer.region.level == "village":
        qs = qs.filter(pk=viewer.region.pk)
    else:
        qs = qs.filter(code__startswith=significant_prefix(viewer.region))
    return [(r.code, f"{r.parent.name if r.parent else ''} {r.name}（{r.code}）".strip())
            for r in qs.select_related("parent").order_by("code")]


class VillageForm(forms.Form):
    village = forms.ChoiceField(label=gettext_lazy("Village"))
    required_names = frozenset({"village"})


@viewer_required(edit=True)
def household_new_view(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    post = request.POST if request.method == "POST" else None
    asked = request.GET.get("rows", "")
    rows = min(MAX_MEMBER_ROWS, max(MEMBER_ROWS, int(asked))) if asked.isdigit() else MEMBER_ROWS
    leave_out = hidden_fields(viewer.role) - {"resident_id"}
    village = VillageForm(post, initial={"village": viewer.region.code if viewer.region.level == "village" else ""})
    village.fields["village"].choices = [("", "—"), *_villages(viewer)]  # type: ignore[attr-defined]
    household = NewRecordForm(post, table=HOUSEHOLD_TABLE, leave_out=leave_out, prefix="h",
                              initial={"is_registered": "true", "status": "not_exited"})
    members = [NewRecordForm(post, table=MEMBER_FIELDS, leave_out=leave_out, prefix=f"m{i}",
                             initial={"relation": "head"} if i == 0 else {}) for i in range(rows)]
    for m in members:
        m.required_names = m.required_names - FROM_RESIDENT_ID
    if post is not None:
        forms_ok = all(f.is_valid() for f in (village, household, *members))
        filled = [m for m in members if m.filled()]
        if forms_ok and not filled:
            members[0].add_error(None, _("Enter at least the head of the household."))
        elif forms_ok:
            region = Region.objects.get(code=village.cleaned_data["village"], level="village")  # one of the choices
            try:
                created = household_create(village=region, data=household.values(),
                                           members=[with_id_facts(m.values()) for m in filled], by=viewer.username)
            except ValidationFailed as exc:
                for p in exc.problems:
                    target = filled[p.member] if p.member is not None and p.member < len(filled) else household
                    if p.field == "village_code":
                        village.add_error("village", shown(p.message))
                    else:
                        target.show_problems([p])
            else:
                messages.success(request, _("Household %(n)s registered.") % {"n": created.number})
                return redirect("web:household", created.number)
    invalid = bool(village.errors or household.errors or any(m.errors for m in members))
    return render(request, "web/household_new.html", {
        "viewer": viewer, "village": village, "household": household, "members": members,
        "more_rows": min(MAX_MEMBER_ROWS, rows + 2), "invalid": invalid,
    }, status=400 if invalid else 200)
