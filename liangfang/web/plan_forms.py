"""Forms of the plan pages. They only parse what the user typed; the plans services validate it
(the same checks as the command line) and their problems are put next to each field. Decisions
carry the state the page showed, so a decision made meanwhile by someone else is not overwritten."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class MoneyField(forms.CharField):
    """An amount in yuan: 12,000 or 12000.50; empty when not required."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = str(value or "").replace(",", "").replace("，", "").replace("元", "").strip()
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("Enter an amount in yuan, such as 12000 or 12000.50.")) from None
        if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
            raise forms.ValidationError(_("Enter an amount in yuan, such as 12000 or 12000.50."))
        return amount


class _Required:
    """The edit page marks these fields with an asterisk."""

    required_names: frozenset[str] = frozenset()


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accepted", _("Accept")), ("rejected", _("Reject"))],
                                 widget=forms.HiddenInput)
    note = forms.CharField(label=_("Reason (required to reject)"), required=False, max_length=200,
                           widget=forms.TextInput(attrs={"maxlength": "200"}))
    state = forms.CharField(widget=forms.HiddenInput)


class ChangeForm(forms.Form):
    cost = MoneyField(label=_("Cost (yuan)"), required=False)
    due_date = forms.DateField(label=_("Due date"), required=False,
                               widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    fund_source = forms.ChoiceField(label=_("Fund source"), required=False)
    note = forms.CharField(label=_("Why it is changed"), required=False, max_length=200,
                           widget=forms.TextInput(attrs={"maxlength": "200"}))
    state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, funds: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        fund = self.fields["fund_source"]
        assert isinstance(fund, forms.ChoiceField)
        fund.choices = [("", "—"), *funds]


class PlanAcceptForm(forms.Form):
    state = forms.CharField(widget=forms.HiddenInput)


class DeliveryForm(_Required, forms.Form):
    required_names = frozenset({"date", "proof_note"})
    date = forms.DateField(label=_("Date delivered"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    amount = MoneyField(label=_("Amount spent (yuan)"), required=False)
    fund_source = forms.ChoiceField(label=_("Fund source"), required=False)
    proof_note = forms.CharField(label=_("Proof (invoice, contract, acceptance note)"), required=False,
                                 max_length=200, widget=forms.TextInput(attrs={"maxlength": "200"}))

    def __init__(self, *args: Any, funds: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        fund = self.fields["fund_source"]
        assert isinstance(fund, forms.ChoiceField)
        fund.choices = [("", "—"), *funds]


class VisitForm(_Required, forms.Form):
    required_names = frozenset({"date", "visitor", "findings"})
    date = forms.DateField(label=_("Visit date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    visitor = forms.CharField(label=_("Visited by"), required=False, max_length=40,
                              widget=forms.TextInput(attrs={"maxlength": "40"}))
    findings = forms.CharField(label=_("Findings"), required=False, max_length=2000, widget=forms.Textarea(
        attrs={"rows": 4, "maxlength": "2000"}))


class AreaPlanForm(forms.Form):
    year = forms.IntegerField(label=_("Plan year"), min_value=2000, max_value=2100)
    budget = MoneyField(label=_("Budget (yuan, empty for unlimited)"), required=False)

    @staticmethod
    def initial_year(assessed: int | None) -> int:
        return assessed or dt.date.today().year
