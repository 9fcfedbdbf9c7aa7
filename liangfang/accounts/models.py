"""An account ties a Django user to a region and a role; login attempts feed the throttle."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..registry.models import Region
from .roles import ROLE_CHOICES, ROLES, Role


class Account(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account", verbose_name="用户"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="accounts", verbose_name="所属区划"
    )
    role = models.CharField("角色", max_length=20, choices=ROLE_CHOICES)

    class Meta:
        verbose_name = "账号 account"
        verbose_name_plural = "账号 accounts"
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=list(ROLES)), name="account_role_in_list"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.region_id}"

    @property
    def role_spec(self) -> Role:
        return ROLES[self.role]


class LoginAttempt(models.Model):
    """A failed login, kept for the throttle window; cleared for that user and address on success."""

    username = models.CharField(max_length=150)
    ip = models.CharField(max_length=45)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"], name="login_attempt_user_at"),
            models.Index(fields=["ip", "at"], name="login_attempt_ip_at"),
        ]
