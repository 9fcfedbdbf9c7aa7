"""Writes to accounts: create a user with a region and role, or change them. Like the registry's
services, they validate first and record the change."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from ..audit.changelog import record_change
from ..domain.problems import Problem, ValidationFailed
from ..domain.text import Text
from ..registry.models import Region
from .models import Account
from .roles import ROLES


def _check(region: Region | None, role_code: str, region_code: str) -> list[Problem]:
    spec = ROLES.get(role_code)
    if spec is None:
        allowed = ", ".join(ROLES)
        return [Problem("role", role_code, Text(f"角色不存在，可选：{allowed}", f"unknown role; use one of {allowed}"))]
    if region is None:
        return [Problem("region", region_code, Text(f"区划代码 {region_code} 不存在",
                                                    f"no region with code {region_code}"))]
    if region.level not in spec.levels:
        levels = ", ".join(spec.levels)
        return [Problem("region", region_code, Text(
            f"{spec.zh}应属于 {levels} 级区划，{region.name} 是 {region.level}",
            f"a {spec.en} belongs to a region of level {levels}, not {region.level}"))]
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
    """Create a login with its region and role; refuses a taken user name, a bad role/region or a
    password the configured rules refuse."""
    user_model = get_user_model()
    region = Region.objects.filter(code=region_code).first()
    problems = _check(region, role, region_code)
    if user_model.objects.filter(username=username).exists():
        problems.append(Problem("username", username, Text(f"用户名 {username} 已存在",
                                                           f"user name {username} is taken")))
    if not username.strip():
        problems.append(Problem("username", username, Text("用户名不能为空", "a user name is required")))
    problems += password_problems(password, user_model(username=username))
    if problems:
        raise ValidationFailed(problems)
    user = user_model.objects.create_user(username=username, password=password)
    return account_set(user=user, region_code=region_code, role=role, by=by)


def password_problems(password: str, user: User | None = None) -> list[Problem]:
    """The configured password rules (``AUTH_PASSWORD_VALIDATORS``), as problems in both languages;
    the password itself is never repeated in them."""
    try:
        validate_password(password, user)
    except ValidationError as err:
        return [Problem("password", "", Text(zh, en)) for zh, en in
                zip(_messages(err, "zh-hans"), _messages(err, "en"), strict=True)]
    return []


def _messages(err: ValidationError, language: str) -> list[str]:
    with translation.override(language):
        return [str(m) for m in err.messages]


@transaction.atomic
def password_set(*, user: User, password: str, by: str, note: str = "") -> User:
    """Give ``user`` a new password after the configured rules; the change log records who changed
    whose password and when (never the password). The web's change and reset pages and the CLI call it."""
    problems = password_problems(password, user)
    if problems:
        raise ValidationFailed(problems)
    user.set_password(password)
    user.save(update_fields=["password"])
    record_change(by=by, action="set_password", entity="user", entity_id=user.pk,
                  changes={"user": user.get_username()}, note=note)
    return user


@transaction.atomic
def staff_user_ensure(*, username: str, password: str, by: str, superuser: bool = False) -> User:
    """Create (or update) a login with ``password``; recorded in the change log like every account
    write (``init --admin`` and ``demo`` call it). Staff — Django's admin — only with ``superuser``,
    which ``init --admin`` asks for by name: never by default (the demo login is a county
    administrator on the site, not a staff member)."""
    if not username.strip():
        raise ValidationFailed([Problem("username", username, Text("用户名不能为空", "a user name is required"))])
    user, created = get_user_model().objects.get_or_create(username=username)
    before = {"is_staff": user.is_staff, "is_superuser": user.is_superuser}
    user.is_staff, user.is_superuser = superuser, superuser
    user.save(update_fields=["is_staff", "is_superuser"])
    after = {"is_staff": superuser, "is_superuser": superuser}
    changed = {k: [before[k], v] for k, v in after.items() if created or before[k] != v}
    record_change(by=by, action="create" if created else "update", entity="user", entity_id=user.pk,
                  changes={"user": username, **changed})
    return password_set(user=user, password=password, by=by)
