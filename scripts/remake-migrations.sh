#!/usr/bin/env bash
# Regenerate forlob.web's initial migration from models.py (nothing is deployed yet, so the
# schema is one migration plus the hand-written append-only trigger in 0002).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f src/forlob/web/migrations/0001_initial.py
FORLOB_DEMO=1 FORLOB_DATA_DIR=$(mktemp -d) .venv/bin/python -m django makemigrations forlob \
  --settings=forlob.web.settings -n initial >/dev/null
echo "src/forlob/web/migrations/0001_initial.py regenerated"
