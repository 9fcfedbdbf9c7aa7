"""URL configuration: the web application at the root, the read-only admin under /admin/, and
Django's language switch under /i18n/."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

admin.site.site_header = "良方 Liangfang"
admin.site.site_title = "良方 Liangfang"
admin.site.index_title = "建档立卡登记 Registry"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("liangfang.web.urls")),
]

handler403 = "liangfang.web.views.errors.forbidden"
handler404 = "liangfang.web.views.errors.not_found"
handler400 = "liangfang.web.views.errors.bad_request"
