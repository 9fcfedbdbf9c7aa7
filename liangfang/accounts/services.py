"""Writes to accounts: create a user with a region and role, or change them. Like the registry's
services, they validate first and record the change."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from ..registry.models import Region
from ..registry.services.changelog import record_change
from ..registry.services.errors import Problem, ValidationFailed
from .models import Account
from .roles import ROLES


def _check(region: Region | None, role_code: str, region_code: str) -> list[Problem]:
    spec = ROLES.get(role_code)
    if spec is None:
        allowed = ", ".join(ROLES)
        return [Problem("role", role_code, f"角色不存在，可选：{allowed} / unknown role; use one of {allowed}")]
    if region is None:
        return [Problem("region", region_code, f"区划代码 {region_code} 不存在 / no region with code {region_code}")]
    if region.level not in spec.levels:
        levels = ", ".join(spec.levels)
        return [Problem("region", region_code, f"{spec.zh}应属于 {levels} 级区划，{region.name} 是 {region.level} / "
                        f"a {spec.en} belongs to a region of level {levels}, not {region.level}")]
    return []


@transaction.atomic
def account_set(*, user: User, region_code: str, role: str, by: str) -> Account:
    """Attach ``user`` to a region with a role (replacing any previous one)."""
    region = Region.objects.filter(code=region_code).first()
    problems = _check(region, role, region_code)
    if problems:
        raise ValidationFailed(problems)
    assert region is not None
    account, created = Account.objects.update_or_create(user=user, defaults={"region": region, "role": role})
    record_change(by=by, action="create" if created else "update", entity="account", entity_id=account.pk,
                  changes={"user": user.get_username(), "region": region_code, "role": role})
    return account


@transaction.atomic
def user_create(*, username: str, password: str, region_code: str, role: str, by: str) -> Account:
    """Create a login with its region and role; refuses a taken user name or a bad role/region."""
    user_model = get_user_model()
    region = Region.objects.filter(code=region_code).first()
    problems = _check(region, role, region_code)
    if user_model.objects.filter(username=username).exists():
        problems.append(Problem("username", username, f"用户名 {username} 已存在 / user name {username} is taken"))
    if not username.strip():
        problems.append(Problem("username", username, "用户名不能为空 / a user name is required"))
    if problems:
        raise ValidationFailed(problems)
    user = user_model.objects.create_user(username=username, password=password)
    return account_set(user=user, region_code=region_code, role=role, by=by)


@transaction.atomic
def password_set(*, user: User, password: str, by: str) -> None:
    """Give ``user`` a new password, checked by the site's password validators (Django's
    ``AUTH_PASSWORD_VALIDATORS``); the change is recorded, never the password."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed([Problem("password", "", str(message)) for message in exc.messages]) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    record_change(by=by, action="update", entity="account", entity_id=user.pk,
                  changes={"user": user.get_username(), "password": "changed" if by == user.get_username()
                           else "reset"})
