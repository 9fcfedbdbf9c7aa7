"""Forms built from the registry's field table. They only carry text: the services clean and
validate it (the same code as the importer), and their problems are put next to each field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..domain.codes import code_list
from ..domain.fields import Field
from ..domain.problems import Problem
from .text import field_label, is_zh, shown


def _bool_choices() -> list[tuple[str, str]]:
    return [("", "—"), ("true", "是" if is_zh() else "yes"), ("false", "否" if is_zh() else "no")]


def _form_field(f: Field) -> forms.Field:
    attrs: dict[str, str] = {}
    widget: forms.Widget
    if f.kind == "code":
        assert f.codes is not None
        lang = "zh" if is_zh() else "en"
        widget = forms.Select(choices=[("", "—"), *code_list(f.codes).choices(lang)])
    elif f.kind == "bool":
        widget = forms.Select(choices=_bool_choices())
    elif f.kind == "date":
        widget = forms.DateInput(attrs={"type": "date"})
    elif f.kind in ("int", "decimal"):
        widget = forms.TextInput(attrs={"inputmode": "decimal" if f.kind == "decimal" else "numeric"})
    else:
        if f.max_length:
            attrs["maxlength"] = str(f.max_length)
        widget = forms.TextInput(attrs=attrs)
    return forms.CharField(label=field_label(f), required=False, widget=widget, strip=True)


def as_text(value: Any) -> str:
    """A stored value as a form shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return str(value)


class VersionedForm(forms.Form):
    """The household version the page was read at, and when, so a save made over someone else's
    newer one is refused and what they changed can be shown."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=True)
    seen = forms.DateTimeField(widget=forms.HiddenInput, required=False)
    extra_kwargs: dict[str, Any] = {}  # what a subclass was built with, to build it again
    required_names: AbstractSet[str] = frozenset()  # inputs the page marks with *

    def rebound(self, version: int, current: Mapping[str, str] | None = None) -> VersionedForm:
        """The same form and input at the household's current version: nothing the user typed is
        lost, and a deliberate second save applies it on top of the other person's change."""
        data = dict(self.data.items())
        data["version"] = str(version)
        form = type(self)(data, **self.extra_kwargs)
        form.is_valid()
        return form


class FieldTableForm(VersionedForm):
    """One input per field-table entry. With ``changes_only`` each input also carries the value
    the page showed, and only the fields the user changed are sent to the service: a save never
    writes back a stale value over someone else's change."""

    def __init__(self, *args: Any, table: Sequence[Field], leave_out: Iterable[str] = (),
                 changes_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extra_kwargs = {"table": table, "leave_out": leave_out, "changes_only": changes_only}
        self.changes_only = changes_only
        skip = set(leave_out)
        self.table = [f for f in table if f.name not in skip]
        for f in self.table:
            self.fields[f.name] = _form_field(f)
            self.fields[f.name].show_hidden_initial = changes_only
            if f.required:
                self.fields[f.name].widget.attrs["aria-required"] = "true"
        self.required_names = {f.name for f in self.table if f.required}

    def values(self) -> dict[str, str]:
        """What the user typed (only what they changed, with ``changes_only``), for the services;
        call after ``is_valid``."""
        changed = set(self.changed_data)
        return {f.name: self.cleaned_data.get(f.name, "") for f in self.table
                if not self.changes_only or f.name in changed}

    def rebound(self, version: int, current: Mapping[str, str] | None = None) -> VersionedForm:
        """The user's changes on top of the household as it is now (``current``): fields they did
        not touch show the other person's values, fields they changed keep their input."""
        if current is None:
            return super().rebound(version)
        changed = set(self.changed_data) if self.changes_only else {f.name for f in self.table}
        data: dict[str, Any] = {"version": str(version), "seen": current.get("seen", self.data.get("seen", ""))}
        for f in self.table:
            now = current.get(f.name, "")
            data[f.name] = self.data.get(f.name, "") if f.name in changed else now
            if self.changes_only:
                data[self.add_initial_prefix(f.name)] = now
        form = type(self)(data, **self.extra_kwargs)
        form.is_valid()
        return form

    def show_problems(self, problems: Sequence[Problem]) -> None:
        for p in problems:
            target = p.field if p.field in self.fields else None
            self.add_error(target, shown(p.message))


def initial_from(obj: Any, table: Sequence[Field], household: Any) -> dict[str, str]:
    data = {f.name: as_text(getattr(obj, f.name, None)) for f in table if hasattr(obj, f.name)}
    return {**data, **version_initial(household)}


def version_initial(household: Any) -> dict[str, str]:
    """The version shown and the time the page was read: changes logged after it are the ones a
    refused save lists."""
    return {"version": str(household.version), "seen": timezone.now().isoformat()}


class RemoveMemberForm(VersionedForm):
    reason = forms.CharField(label=_("Reason for leaving"), widget=forms.Select)
    on = forms.DateField(label=_("Date left"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = "zh" if is_zh() else "en"
        self.fields["reason"].widget = forms.Select(choices=code_list("member_left_reason").choices(lang))


class PairingForm(VersionedForm):
    cadre = forms.TypedChoiceField(label=_("Responsible cadre"), coerce=int)
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, cadres: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extra_kwargs = {"cadres": list(cadres)}
        cadre = self.fields["cadre"]
        assert isinstance(cadre, forms.TypedChoiceField)
        cadre.choices = [("", "—"), *self.extra_kwargs["cadres"]]


def problems_by_field(problems: Sequence[Problem]) -> Mapping[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in problems:
        out.setdefault(p.field, []).append(shown(p.message))
    return out


FROM_RESIDENT_ID = frozenset({"sex", "birth_date"})


def with_id_facts(values: dict[str, str]) -> dict[str, str]:
    """A member's sex and birth date, left blank, read from a well-formed resident ID (the ID encodes
    both): nobody types what the number already says. A malformed ID is left for the service to
    report."""
    from ..ids import ResidentIdError, parse_resident_id

    if not values.get("resident_id") or all(values.get(name) for name in FROM_RESIDENT_ID):
        return values
    try:
        rid = parse_resident_id(values["resident_id"])
    except ResidentIdError:
        return values
    filled = dict(values)
    filled["sex"] = filled.get("sex") or rid.sex
    filled["birth_date"] = filled.get("birth_date") or rid.birth_date.isoformat()
    return filled


class NewRecordForm(FieldTableForm):
    """A field-table form for a record that does not exist yet: no version to compare."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["version"], self.fields["seen"]

    def filled(self) -> bool:
        """Whether the user typed anything in it (an empty member row is left out)."""
        return any(str(self.data.get(self.add_prefix(f.name), "")).strip() for f in self.table)


def add_joining_fields(form: FieldTableForm) -> None:
    """The date a member joined and why (增员), asked as a removal asks when and why one left; they go
    first (the date defaults to today; the reason may be left blank when it is not known)."""
    lang = "zh" if is_zh() else "en"
    joined_on = forms.DateField(label=_("Date joined"), initial=timezone.localdate,
                                widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(label=_("Reason for joining"), required=False,
                               choices=[("", "—"), *code_list("member_joined_reason").choices(lang)])
    # the member's field table may already hold the date (a dated fact): it is then asked once, there
    first: dict[str, forms.Field] = {"joined_reason": reason}
    if "joined_on" not in form.fields:
        first = {"joined_on": joined_on, **first}
    form.fields = {**first, **form.fields}  # type: ignore[assignment]
    form.required_names = form.required_names | {"joined_on"}
