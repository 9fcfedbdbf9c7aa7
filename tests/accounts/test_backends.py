"""The session's user comes back as Django's model backend gives it, and not when inactive."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User

from liangfang.accounts.backends import AccountBackend

pytestmark = pytest.mark.django_db


def test_get_user_equals_the_model_backend() -> None:
    user = User.objects.create_user(username="li", password="a-long-password-9", first_name="丽")
    ours, django = AccountBackend().get_user(user.pk), ModelBackend().get_user(user.pk)
    assert ours == django and ours.first_name == "丽" and ours.check_password("a-long-password-9")
    assert AccountBackend().get_user(str(user.pk)) == user
    assert AccountBackend().get_user(user.pk + 1000) is None and AccountBackend().get_user("x") is None
    user.is_active = False
    user.save()
    assert AccountBackend().get_user(user.pk) is None is ModelBackend().get_user(user.pk)


def test_log_in_goes_through_it(client) -> None:  # type: ignore[no-untyped-def]
    User.objects.create_user(username="wang", password="a-long-password-9")
    assert client.login(username="wang", password="a-long-password-9")
    assert client.session["_auth_user_backend"] == "liangfang.accounts.backends.AccountBackend"
