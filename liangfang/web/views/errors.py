"""Refusals that say nothing about the data: 403 and 404 pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..permissions import NoAccount


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    no_account = isinstance(exception, NoAccount)
    return render(request, "web/403.html", {"no_account": no_account, "error_page": True}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", {"error_page": True}, status=404)
