from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "liangfang.assessments"
    label = "assessments"
    verbose_name = "退出评估 Assessments"
    default_auto_field = "django.db.models.BigAutoField"
