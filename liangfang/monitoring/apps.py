from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "liangfang.monitoring"
    label = "monitoring"
    verbose_name = "防止返贫监测 monitoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .effects import register

        register()
