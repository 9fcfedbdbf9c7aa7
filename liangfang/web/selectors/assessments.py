"""Assessment results for the web pages. The assessment engine (issue 3) stores dated results;
until it is installed these reads return nothing and the pages say so."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ...registry.models import Household


def indicator_choices() -> list[tuple[str, str]]:
    return []


def household_assessment(household: Household) -> Any:
    return None


def failing_households(qs: QuerySet[Household], indicator: str) -> QuerySet[Household]:
    return qs.none()
