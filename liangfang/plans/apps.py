from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "liangfang.plans"
    label = "plans"
    verbose_name = "帮扶计划 plans"
    default_auto_field = "django.db.models.BigAutoField"
