"""A role shown masked resident IDs may still search by a full one (an inspector holding a
person's card must find them), but the search then confirms a guess: with the mask and the birth
year about 33 numbers fit, so unbounded searching would rebuild the ID. Such roles get a number
of searches by full ID per hour (``LIANGFANG_ID_SEARCHES_PER_HOUR``), counted in the cache that
every server process shares; roles shown full IDs are not counted."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from .permissions import Viewer
from .selectors.households import is_resident_id_search

WINDOW_SECONDS = 3600


def limit() -> int:
    return int(getattr(settings, "LIANGFANG_ID_SEARCHES_PER_HOUR", 30))


def id_search_refused(viewer: Viewer, q: str) -> bool:
    """Count a search by full resident ID for a role shown masked IDs; True once over the limit.
    (The cache's add and incr are not one step on every backend: a burst can pass a few extra.)"""
    if viewer.role.resident_id == "full" or not is_resident_id_search(q):
        return False
    key = f"liangfang:id-search:{viewer.username}:{int(time.time()) // WINDOW_SECONDS}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count > limit()
