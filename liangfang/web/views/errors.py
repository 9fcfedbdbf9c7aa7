"""Refusals that say nothing about the data: 403 and 404 pages. Both keep the menu and the user bar
of a logged-in user (a bare page looked like being logged out)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..permissions import NoAccount, Viewer, viewer_for


def _viewer(request: HttpRequest) -> Viewer | None:
    """The logged-in user's viewer, or None (not logged in, or no account)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    try:
        return viewer_for(request)
    except (NoAccount, PermissionDenied):
        return None


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    no_account = isinstance(exception, NoAccount)
    return render(request, "web/403.html", {"no_account": no_account, "error_page": True,
                                            "viewer": _viewer(request)}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", {"error_page": True, "viewer": _viewer(request)}, status=404)
