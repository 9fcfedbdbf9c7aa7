"""The procedures tests' township (two villages, households, one actor per role), and months."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from liangfang.monitoring.services.months import months_set
from liangfang.procedures.services import Upload
from liangfang.registry.models import Household
from tests.procedures.conftest import D, World, minutes, world

__all__ = ["D", "World", "minutes", "signed_consent", "world"]


def signed_consent() -> Upload:
    """A household's signed consent to look up its data, scanned (a small PNG)."""
    return minutes("授权承诺书.png", "consent")


def months_of(first: int, last: int, **amounts: object) -> list[dict[str, object]]:
    out = []
    month = first
    while month <= last:
        out.append({"month": month, **amounts})
        month = month + 1 if month % 100 < 12 else (month // 100 + 1) * 100 + 1
    return out


@pytest.fixture
def record_months() -> Callable[..., int]:
    def record(household: Household, first: int, last: int, **amounts: object) -> int:
        return months_set(household=household, months=months_of(first, last, **amounts), by="test")
    return record
