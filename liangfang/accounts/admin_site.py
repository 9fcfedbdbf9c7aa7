"""Django's admin, off the served site unless ``LIANGFANG_ADMIN=true``, and even then only for a
superuser on the server itself. The admin knows nothing of regions, roles or masking (it checks
``is_staff``), so it is a tool for the person who runs the machine, not a second way into the
registry: anyone else — another address, a proxied request, a staff user who is not a superuser —
gets "not found", and logging in goes through the site's throttled log-in page."""

from __future__ import annotations

from functools import update_wrapper
from typing import Any

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

LOCAL_ADDRESSES = frozenset({"127.0.0.1", "::1"})
# Headers a proxy in front of the server adds: behind one, every request looks local.
_PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def admin_enabled() -> bool:
    return bool(getattr(settings, "LIANGFANG_ADMIN", False))


def is_local(request: HttpRequest) -> bool:
    """The request comes from this machine and not through a proxy."""
    return (request.META.get("REMOTE_ADDR") in LOCAL_ADDRESSES
            and not any(request.META.get(h) for h in _PROXY_HEADERS))


class LocalAdminSite(AdminSite):
    site_header = "良方 Liangfang"
    site_title = "良方 Liangfang"
    index_title = "建档立卡登记 Registry"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(admin_enabled() and is_local(request) and user.is_active and user.is_staff
                    and user.is_superuser)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def gate(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not (admin_enabled() and is_local(request)):
                raise Http404
            return inner(request, *args, **kwargs)

        return update_wrapper(gate, view)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """No second, unthrottled log-in form: the site's own log-in page, or a refusal for a
        logged-in user who may not use the admin."""
        if not (admin_enabled() and is_local(request)):
            raise Http404
        if request.user.is_authenticated:
            raise PermissionDenied
        from django.contrib.auth.views import redirect_to_login  # not at import: the app loads it

        return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("web:login"))


class LocalAdminConfig(AdminConfig):
    default_site = "liangfang.accounts.admin_site.LocalAdminSite"
