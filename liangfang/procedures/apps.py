from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "liangfang.procedures"
    label = "procedures"
    verbose_name = "程序 Procedures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import effects  # noqa: F401  (registers the built-in effects)
        from .packs import NATIONAL, register_pack_finder

        register_pack_finder(NATIONAL)
