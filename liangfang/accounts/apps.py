from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "liangfang.accounts"
    label = "accounts"
    verbose_name = "账号与角色 Accounts and roles"
    default_auto_field = "django.db.models.BigAutoField"
