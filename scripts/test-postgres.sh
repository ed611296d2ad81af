#!/usr/bin/env bash
# Run the web app's tests (browser tests aside) against PostgreSQL when it is reachable.
# FORLOB_TEST_POSTGRES_URL overrides the server; the test database is created and dropped
# by Django's test runner (test_<name>).
set -euo pipefail
cd "$(dirname "$0")/.."
URL=${FORLOB_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}
if ! .venv/bin/python - "$URL" <<'PY' 2>/dev/null; then
import sys, psycopg
psycopg.connect(sys.argv[1], connect_timeout=3).close()
PY
  echo "test-postgres: no PostgreSQL at $URL; the web tests ran on SQLite only" >&2
  exit 0
fi
echo "test-postgres: running the web tests against PostgreSQL ($URL)" >&2
FORLOB_DATABASE_URL=$URL .venv/bin/python -m pytest tests/web -m "not browser" -p no:cacheprovider
