"""The one PostgreSQL setting of the whole suite is ``DATABASE_URL``: the Django tests use it, and the
engine tests that connect directly use the same server. In the SQLite run (no PostgreSQL URL) those
direct comparisons are skipped; the PostgreSQL run (``make test``'s second pass) makes them."""

from __future__ import annotations

import os

import psycopg
import pytest


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "").strip()
    return url if url.startswith(("postgres://", "postgresql://")) else None


def postgres_connection() -> psycopg.Connection:
    """A connection to the suite's PostgreSQL server; skips the test in a run without one."""
    url = postgres_url()
    if url is None:
        pytest.skip("DATABASE_URL names no PostgreSQL server (this is compared in the PostgreSQL run)")
    return psycopg.connect(url, connect_timeout=3)
