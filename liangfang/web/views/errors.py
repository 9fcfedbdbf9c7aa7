"""Refusals that say nothing about the data: 403 and 404 pages. Both keep the menu and the user bar
of a logged-in user (a bare page looked like being logged out)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ...domain.text import Text
from ..params import BadParameter
from ..permissions import NoAccount, Viewer, viewer_for
from ..text import shown


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


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A query or request the pages cannot use: the message says which parameter and what is accepted."""
    message = shown(exception.message if isinstance(exception, BadParameter) else Text(
        "请求无效", "the request is not valid"))
    return render(request, "web/message.html", {"title": shown(Text("请求无效", "Bad request")), "message": message,
                                                "error_page": True, "viewer": _viewer(request)}, status=400)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", {"error_page": True, "viewer": _viewer(request)}, status=404)
