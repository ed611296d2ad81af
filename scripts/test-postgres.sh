#!/usr/bin/env bash
# The web app's tests (browser tests aside) against PostgreSQL. FORLOB_TEST_POSTGRES_URL
# overrides the server; the test database is created and dropped by Django's test runner
# (test_<name>). Under CI=true a PostgreSQL that does not answer fails the run: the leg must
# not vanish silently. Outside CI it is skipped with a clear message.
set -euo pipefail
cd "$(dirname "$0")/.."
URL=${FORLOB_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}
if ! .venv/bin/python - "$URL" <<'PY' 2>/dev/null; then
import sys, psycopg
psycopg.connect(sys.argv[1], connect_timeout=3).close()
PY
  if [ "${CI:-}" = "true" ]; then
    echo "test-postgres: FAILED — no PostgreSQL answers at $URL, and CI requires the PostgreSQL leg" >&2
    exit 1
  fi
  echo "test-postgres: SKIPPED — no PostgreSQL at $URL; the web tests ran on SQLite only" >&2
  echo "test-postgres: (start PostgreSQL or set FORLOB_TEST_POSTGRES_URL; CI=true makes this an error)" >&2
  exit 0
fi
echo "test-postgres: running the web tests against PostgreSQL ($URL)" >&2
FORLOB_DATABASE_URL=$URL .venv/bin/python -m pytest tests/web -m "not browser" -p no:cacheprovider
