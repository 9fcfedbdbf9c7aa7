from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "liangfang.registry"
    label = "registry"
    verbose_name = "建档立卡登记 Registry"
    default_auto_field = "django.db.models.BigAutoField"
