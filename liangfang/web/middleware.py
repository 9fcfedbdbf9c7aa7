"""Security headers (a strict Content-Security-Policy: everything from this site, no inline
script) and an idle timeout for sessions on top of their absolute lifetime."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Pages with registry data are not kept by the browser or a proxy.
            response.headers.setdefault("Cache-Control", "no-store, private")
        return response


class SessionIdleTimeoutMiddleware:
    """Log out a session left idle longer than ``LIANGFANG_SESSION_IDLE_SECONDS``. The last-seen
    time is written at most once a minute, so reading pages does not write the session each time."""

    KEY = "liangfang_last_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            idle = int(getattr(settings, "LIANGFANG_SESSION_IDLE_SECONDS", 1800))
            last = request.session.get(self.KEY)
            if last is not None and now - int(last) > idle:
                logout(request)
            elif last is None or now - int(last) >= 60:
                request.session[self.KEY] = now
        return self.get_response(request)


class ChineseUnlessChosenMiddleware:
    """The interface is Chinese unless the user picked another language (the language cookie set
    by the switch): a browser's Accept-Language header is not followed. Placed before Django's
    LocaleMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
