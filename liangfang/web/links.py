"""URLs of the household lists behind each figure, so every number on a page is a link."""

from __future__ import annotations

from django.urls import reverse

from .selectors.households import ListFilters


def households_url(**filters: str) -> str:
    query = ListFilters(**filters).query()
    base = reverse("web:households")
    return f"{base}?{query}" if query else base
