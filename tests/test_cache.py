"""The shared file cache culls past MAX_ENTRIES, but lists its directory at most once per interval."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from unittest import mock

from liangfang.cache import FileCache


def _cache(tmp_path: Path, every: float) -> FileCache:
    return FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2, "CULL_EVERY_SECONDS": every}})


def _listing(cache: FileCache) -> Callable[[], list[str]]:
    """Django's listing of the cache directory (private, so not in django-stubs)."""
    return cache._list_cache_files  # type: ignore[attr-defined]


def _files(tmp_path: Path) -> int:
    return len(list(tmp_path.glob("*.djcache")))


def test_entries_are_culled_past_the_limit(tmp_path: Path) -> None:
    cache = _cache(tmp_path, 0)
    for i in range(30):
        cache.set(f"k{i}", i)
    assert _files(tmp_path) <= 10
    assert cache.get("k29") == 29


def test_the_directory_is_listed_at_most_once_per_interval(tmp_path: Path) -> None:
    cache = _cache(tmp_path, 3600)
    with mock.patch.object(FileCache, "_list_cache_files", wraps=_listing(cache)) as listing:
        for i in range(30):
            cache.set(f"k{i}", i)
    assert listing.call_count == 1
    assert _files(tmp_path) == 30  # over the limit until the next listing
    assert all(cache.get(f"k{i}") == i for i in range(30))
    other = tmp_path / "other"  # another directory has its own interval
    second = _cache(other, 3600)
    with mock.patch.object(FileCache, "_list_cache_files", wraps=_listing(second)) as listing:
        second.set("a", 1)
    assert listing.call_count == 1
