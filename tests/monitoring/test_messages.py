"""The monitoring services' messages are ``Text``: both languages when none is chosen, one language
when one is (the web's session language, ``LIANGFANG_LANG`` on the command line)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from liangfang.domain.problems import ValidationFailed
from liangfang.domain.text import Text
from liangfang.monitoring.services.leads import application_record, lead_dismiss
from liangfang.monitoring.services.months import months_set
from liangfang.monitoring.services.objects import object_admit, object_eliminate

from .conftest import D, World, signed_consent

CJK = re.compile(r"[\u4e00-\u9fff]")


def _message(err: pytest.ExceptionInfo[ValidationFailed]) -> Text:
    message = err.value.problems[0].message
    assert isinstance(message, Text)
    return message


def test_a_refused_dismissal_says_why_in_the_chosen_language(world: World) -> None:
    lead = application_record(household=world.households[0], found_on=D(2023, 6, 5), consent_on=D(2023, 6, 5),
                              risk_types=["illness"], statement="住院",
                              consent=signed_consent(), by="cadre")
    with pytest.raises(ValidationFailed) as err:
        lead_dismiss(lead=lead, reason=" ", on=D(2023, 6, 6), by="cadre")
    message = _message(err)
    assert (message.render("zh"), message.render("en")) == ("须写明排除原因", "give the reason for dismissing")
    assert str(message) == "须写明排除原因 / give the reason for dismissing"


def test_a_refused_month_and_a_refused_elimination_in_english_have_no_chinese(
        world: World, record_months: Callable[..., int]) -> None:
    home = world.households[1]
    with pytest.raises(ValidationFailed) as err:
        months_set(household=home, months=[{"month": 202313}], by="t")
    assert _message(err).render("en") == "month must be YYYYMM, e.g. 202103"
    record_months(home, 202201, 202308, wage_income="1500")
    obj = object_admit(household=home, on=D(2023, 6, 26), category="edge", risk_types=["illness"],
                       case_ref="test", by="test")
    with pytest.raises(ValidationFailed) as err:
        object_eliminate(obj=obj, on=D(2023, 9, 18), case_ref="test", by="test")
    message = _message(err)
    assert message.render("zh").startswith("风险消除条件未全部满足：") and "不满足" in message.render("zh")
    english = message.render("en")
    assert english.startswith("not every elimination condition is met: ") and not CJK.search(english), english
