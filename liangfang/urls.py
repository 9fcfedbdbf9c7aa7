"""URL configuration: the web application at the root and Django's language switch under
/i18n/. Django's admin is served under /admin/ only with ``LIANGFANG_ADMIN=true``, and then
only to a superuser on this machine (``liangfang/accounts/admin_site.py``)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("liangfang.web.urls")),
]
if settings.LIANGFANG_ADMIN:
    urlpatterns.insert(0, path("admin/", admin.site.urls))

handler403 = "liangfang.web.views.errors.forbidden"
handler404 = "liangfang.web.views.errors.not_found"
