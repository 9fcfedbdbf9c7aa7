from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "liangfang.web"
    label = "web"
    verbose_name = "网站 Web"
    default_auto_field = "django.db.models.BigAutoField"
