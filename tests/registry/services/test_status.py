"""A procedure's decision is the one writer of the governed fields (issue 12): it moves the
household's version on through the same version check as every edit, logs on the hash chain, and
refuses with the household's rules in each language."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import liangfang
from liangfang.audit.verify import verify_chain
from liangfang.domain.problems import ConflictError, ValidationFailed
from liangfang.domain.text import Text
from liangfang.registry.importers import import_file
from liangfang.registry.models import ChangeRecord, Household
from liangfang.registry.services.households import household_create, household_update
from liangfang.registry.services.status import household_status_decide, households_status_decide
from tests.factories import VILLAGE, household_data, make_regions, member_data
from tests.registry.importers.builders import household_rows, save_xlsx

pytestmark = pytest.mark.django_db

_EXIT = {"status": "exited", "exit_year": 2020}


@pytest.fixture
def household() -> Household:
    return household_create(village=make_regions()[VILLAGE], data=household_data(), members=[member_data()],
                            by="test")


def test_a_decision_moves_the_stored_version_on_and_a_form_opened_before_is_refused(household: Household) -> None:
    opened = household.version
    read_long_before = Household.objects.get(pk=household.pk)
    household_update(household=household, data={"phone": "13811112222"}, expected_version=opened, by="甲")
    household_status_decide(household=read_long_before, values=_EXIT, on=dt.date(2020, 11, 30),
                            case_ref="退出 #1", by="县")
    stored = Household.objects.get(pk=household.pk)
    assert (stored.status, stored.status_via, stored.version) == ("exited", "procedure", opened + 2)
    assert read_long_before.version == stored.version  # the caller's object is what is stored
    with pytest.raises(ConflictError):
        household_update(household=household, data={"housing_grade": "D"}, expected_version=opened + 1, by="乙")
    record = ChangeRecord.objects.get(action="procedure_decision")
    assert (record.note, record.changes["status"]) == ("退出 #1", ["not_exited", "exited"])
    assert verify_chain().ok


def test_a_refused_decision_names_the_household_in_each_language(household: Household) -> None:
    with pytest.raises(ValidationFailed) as refused:
        households_status_decide(households=[household], values={"status": "exited"}, on=dt.date(2020, 11, 30),
                                 case_ref="退出 #2", by="县")
    (problem,) = refused.value.problems
    assert isinstance(problem.message, Text)
    assert problem.message.render("zh") == f"{household.number}：已脱贫户必须填写脱贫年度"
    assert problem.message.render("en") == f"{household.number}: an exited household needs its exit year"
    assert Household.objects.get(pk=household.pk).version == household.version


def test_only_procedures_decide_governed_fields() -> None:
    """The decision is an action of its own, not an edit: no form, import or command calls it."""
    root = Path(liangfang.__file__).parent
    callers = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                     if re.search(r"services\.status import|households?_status_decide\(", p.read_text("utf-8"))
                     and p.name != "status.py")
    assert callers == ["procedures/effects.py"]


def test_an_import_cannot_undo_what_a_procedure_decided(tmp_path: Path) -> None:
    """A historic status comes in by import only where no procedure of this system decided it: an
    old file cannot silently undo an exit, as no form can."""
    make_regions()
    rows = household_rows("H1", size=1)
    assert import_file(save_xlsx(tmp_path / "h1.xlsx", rows), by="test").written
    household = Household.objects.get(number="H1")
    household_status_decide(household=household, values=_EXIT, on=dt.date(2020, 11, 30), case_ref="退出 #3",
                            by="县")
    result = import_file(save_xlsx(tmp_path / "h1.xlsx", rows), by="test", write_errors=False)  # still 未脱贫
    assert not result.written
    assert {(e.row, e.header) for e in result.errors} >= {(2, "贫困户状态")}
    assert any("已由程序" in e.message and "2020-11-30" in e.message for e in result.errors)
    stored = Household.objects.get(pk=household.pk)
    assert (stored.status, stored.exit_year, stored.status_via) == ("exited", 2020, "procedure")
