"""Account writes go through services that check and record them: a password change (CLI, and the
web's change and reset pages), the admin and demo logins that ``init`` and ``demo`` make."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from typer.testing import CliRunner

import liangfang.cli.account_cmds  # noqa: F401  (registers the commands)
from liangfang.accounts.services import password_set, staff_user_ensure, user_create
from liangfang.cli.app import app
from liangfang.domain.problems import ValidationFailed
from liangfang.registry.models import ChangeRecord
from tests.factories import COUNTY, make_regions

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_a_password_change_is_checked_and_recorded_without_the_password() -> None:
    make_regions()
    user_create(username="li", password="a-long-password-9", region_code=COUNTY, role="county_admin", by="t")
    user = User.objects.get(username="li")
    with pytest.raises(ValidationFailed) as caught:
        password_set(user=user, password="123", by="li")
    assert caught.value.problems[0].field == "password"
    assert User.objects.get(pk=user.pk).check_password("a-long-password-9")
    password_set(user=user, password="another-long-one-7", by="li")
    assert User.objects.get(pk=user.pk).check_password("another-long-one-7")
    record = ChangeRecord.objects.get(action="set_password")
    assert (record.actor, record.entity, record.entity_id, record.changes) == ("li", "user", user.pk, {"user": "li"})
    assert "another-long-one-7" not in str(record.changes) and user.password not in str(record.changes)


def test_the_cli_changes_a_password_through_the_service() -> None:
    make_regions()
    user_create(username="li", password="a-long-password-9", region_code=COUNTY, role="county_admin", by="t")
    result = runner.invoke(app, ["user", "add", "li", "--role", "county_admin", "--region", COUNTY,
                                 "--password-stdin"], input="changed-by-cli-4\n")
    assert result.exit_code == 0, result.output
    assert User.objects.get(username="li").check_password("changed-by-cli-4")
    assert ChangeRecord.objects.filter(action="set_password", actor="cli").count() == 1


def test_a_staff_login_is_made_once_and_each_write_recorded() -> None:
    user = staff_user_ensure(username="admin", password="admin-password-77", superuser=True, by="cli")
    assert (user.is_staff, user.is_superuser) == (True, True) and user.check_password("admin-password-77")
    again = staff_user_ensure(username="admin", password="admin-password-78", by="cli")
    assert again.pk == user.pk and not again.is_superuser and again.check_password("admin-password-78")
    assert not again.is_staff  # staff goes with superuser, never by default
    actions = list(ChangeRecord.objects.filter(entity="user").order_by("id").values_list("action", "changes"))
    assert actions == [("create", {"user": "admin", "is_staff": [False, True], "is_superuser": [False, True]}),
                       ("set_password", {"user": "admin"}),
                       ("update", {"user": "admin", "is_staff": [True, False], "is_superuser": [True, False]}),
                       ("set_password", {"user": "admin"})]
