"""The form of a household's own application (农户自主申报). It only parses what was sent; the
monitoring service checks it (the same checks as ``liangfang monitor apply``) and its problems are
put next to the fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..monitoring.packs import current_monitoring_pack
from .plan_forms import _Required

# A service problem's field → the form's field that shows it.
FIELD_OF_PROBLEM = {"found_on": "found_on", "consent_on": "consent_on", "risk_types": "risk_types",
                    "reasons": "statement", "consent_file": "consent_file"}


class ApplicationForm(_Required, forms.Form):
    required_names = frozenset({"found_on", "consent_on", "risk_types", "statement", "consent_file"})
    found_on = forms.DateField(label=_("Date of the application"),
                               widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    consent_on = forms.DateField(label=_("Date the consent was signed"), required=False,
                                 widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    risk_types = forms.MultipleChoiceField(label=_("Risk types"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    statement = forms.CharField(label=_("What the household says (its hardship)"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 3, "maxlength": "2000"}))
    consent_file = forms.FileField(label=_("Signed consent to look up its data (PDF, JPEG or PNG)"), required=False,
                                   widget=forms.ClearableFileInput(
                                       attrs={"accept": "application/pdf,image/jpeg,image/png"}))

    def __init__(self, *args: Any, language: str = "zh", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        risks = self.fields["risk_types"]
        assert isinstance(risks, forms.MultipleChoiceField)
        risks.choices = [(code, spec.name.zh if language == "zh" else spec.name.en)
                         for code, spec in current_monitoring_pack().risk_types.items()]

    @staticmethod
    def initial_values() -> dict[str, dt.date]:
        today = dt.date.today()
        return {"found_on": today, "consent_on": today}
