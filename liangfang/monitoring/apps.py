from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "liangfang.monitoring"
    label = "monitoring"
    verbose_name = "防止返贫监测 monitoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ..procedures.packs import register_pack_finder
        from .effects import register
        from .packs import FINDER

        register()
        register_pack_finder(FINDER)
