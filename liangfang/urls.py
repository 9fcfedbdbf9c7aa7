"""URL configuration. The full web application (dashboards, registry pages) comes later;
until then the Django admin serves the registry."""

from django.contrib import admin
from django.urls import path
from django.views.generic.base import RedirectView

admin.site.site_header = "良方 Liangfang"
admin.site.site_title = "良方 Liangfang"
admin.site.index_title = "建档立卡登记 Registry"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]
