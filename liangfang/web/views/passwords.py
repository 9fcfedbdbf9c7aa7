"""Passwords on the web: everyone changes their own (giving the current one); a county administrator
resets the password of a login in their region. Both go through the accounts service, which applies
the site's password validators and records the change."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from ...accounts.models import Account
from ...accounts.roles import COUNTY_ADMIN
from ...accounts.services import password_set
from ...domain.problems import ValidationFailed
from ..permissions import Viewer, viewer_required
from ..text import shown


class NewPasswordForm(forms.Form):
    new_password = forms.CharField(label=gettext_lazy("New password"), strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    again = forms.CharField(label=gettext_lazy("New password again"), strip=False,
                            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("again") and data["new_password"] != data["again"]:
            self.add_error("again", _("The two new passwords differ."))
        return data


class OwnPasswordForm(NewPasswordForm):
    current = forms.CharField(label=gettext_lazy("Current password"), strip=False,
                              widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    field_order = ["current", "new_password", "again"]

    def __init__(self, user: User, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean_current(self) -> str:
        current = str(self.cleaned_data.get("current", ""))
        if not self.user.check_password(current):
            raise forms.ValidationError(_("The current password is not right."))
        return current


def _save(form: NewPasswordForm, user: User, by: str, note: str = "") -> bool:
    try:
        password_set(user=user, password=form.cleaned_data["new_password"], by=by, note=note)
    except ValidationFailed as exc:
        for p in exc.problems:
            form.add_error("new_password", shown(p.message))
        return False
    return True


@sensitive_post_parameters("current", "new_password", "again")
@viewer_required()
def own_password_view(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = OwnPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and _save(form, user, viewer.username):
        update_session_auth_hash(request, user)  # stay logged in on this device
        messages.success(request, _("Your password was changed."))
        return redirect("web:home")
    return render(request, "web/password.html", {"viewer": viewer, "form": form, "title": _("Change my password"),
                                                 "rules": password_validators_help_texts()},
                  status=400 if form.errors else 200)


def _administrator(viewer: Viewer) -> None:
    if viewer.role.code != COUNTY_ADMIN:
        raise PermissionDenied


def _accounts_in(viewer: Viewer) -> list[Account]:
    return [a for a in Account.objects.select_related("user", "region").order_by("user__username")
            if viewer.covers(a.region)]


@viewer_required()
def accounts_view(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    _administrator(viewer)
    return render(request, "web/accounts.html", {"viewer": viewer, "accounts": _accounts_in(viewer)})


@sensitive_post_parameters("new_password", "again")
@viewer_required()
def reset_password_view(request: HttpRequest, viewer: Viewer, username: str) -> HttpResponse:
    _administrator(viewer)
    target = get_user_model().objects.filter(username=username).select_related("account").first()
    account = getattr(target, "account", None) if target is not None else None
    if target is None or account is None or not viewer.covers(account.region) or target.is_superuser:
        raise Http404  # says nothing of logins outside the administrator's region
    form = NewPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and _save(form, target, viewer.username,
                                                              note="reset by an administrator"):
        messages.success(request, _("The password of %(user)s was reset; tell them in person.") % {"user": username})
        return redirect("web:accounts")
    return render(request, "web/password.html", {
        "viewer": viewer, "form": form, "title": _("Reset the password of %(user)s") % {"user": username},
        "target": account, "rules": password_validators_help_texts()}, status=400 if form.errors else 200)
