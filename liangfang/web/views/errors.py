"""Refusals that say nothing about the data: 403 and 404 pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ...domain.text import Text
from ..params import BadParameter
from ..permissions import NoAccount
from ..text import shown


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    no_account = isinstance(exception, NoAccount)
    return render(request, "web/403.html", {"no_account": no_account, "error_page": True}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A query or request the pages cannot use: the message says which parameter and what is accepted."""
    message = shown(exception.message if isinstance(exception, BadParameter) else Text(
        "请求无效", "the request is not valid"))
    return render(request, "web/message.html", {"title": shown(Text("请求无效", "Bad request")), "message": message,
                                                "error_page": True}, status=400)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", {"error_page": True}, status=404)
