"""Log in (throttled), log out, and the start page: a user lands on their own region's dashboard."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from ...accounts import throttle
from ..permissions import viewer_for


def client_ip(request: HttpRequest) -> str:
    """The peer address. The server binds to the local machine or sits behind a proxy that the
    operator configures; forwarded headers are not trusted here."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = ""
    form = AuthenticationForm(request, data=request.POST if request.method == "POST" else None)
    status, refusal = 200, ""
    if request.method == "POST":
        username, ip = request.POST.get("username", ""), client_ip(request)
        attempt = throttle.begin(username, ip)  # counted before the password is checked
        if attempt.wait is not None:
            minutes = max(1, math.ceil(attempt.wait.total_seconds() / 60))
            form = AuthenticationForm(request, initial={"username": username})
            refusal = _("Too many failed log-in attempts. Try again in %(minutes)d minutes.") % {"minutes": minutes}
            status = 429
        elif form.is_valid():
            throttle.clear(username, ip)
            login(request, form.get_user())
            return HttpResponseRedirect(next_url or reverse("web:home"))
        else:
            throttle.forget_old()  # the attempt's row stays: it is the failure
    return render(request, "web/login.html", {"form": form, "next": next_url, "refusal": refusal}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGIN_URL)


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    viewer = viewer_for(request)
    return redirect("web:dashboard", code=viewer.region.code)
