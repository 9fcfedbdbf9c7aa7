#!/usr/bin/env bash
# The whole check: lint, types, and the test suite on SQLite and then on PostgreSQL.
# PostgreSQL is required when CI=true (or LIANGFANG_REQUIRE_POSTGRES=true); elsewhere the
# PostgreSQL run is skipped with a warning when no server answers.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL=${LIANGFANG_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
JOBS=${LIANGFANG_TEST_JOBS:-2}

echo "==> ruff"
$BIN/ruff check .
echo "==> mypy"
$BIN/mypy liangfang tests benchmarks

echo "==> tests on SQLite"
env -u DATABASE_URL $BIN/pytest -n "$JOBS" -q "$@"

require_pg=false
[ "${CI:-}" = "true" ] && require_pg=true
[ "${LIANGFANG_REQUIRE_POSTGRES:-}" = "true" ] && require_pg=true
if $BIN/python - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}")
    sys.exit(1)
PY
then
  echo "==> tests on PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" $BIN/pytest -n "$JOBS" -q "$@"
elif $require_pg; then
  echo "PostgreSQL is required here (CI) but does not answer at $PG_URL" >&2
  exit 1
else
  echo "WARNING: PostgreSQL run skipped (no server at $PG_URL)" >&2
fi
