VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install run demo-audit test check pytest test-postgres lint typecheck imports docs bench bench-web clean

install: $(STAMP)

$(STAMP): pyproject.toml scripts/bootstrap.sh
	./scripts/bootstrap.sh $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

HOST ?= 127.0.0.1
PORT ?= 8000

# The clinic web app with demo data (logins in the README); FORLOB_DEMO=0 with
# FORLOB_SECRET_KEY set runs it for real.
run: install
	FORLOB_DEMO=$${FORLOB_DEMO-1} $(VENV)/bin/forlob serve --host $(HOST) --port $(PORT)

# The audit of a generated demo extract (the regional auditor's side)
demo-audit: install
	mkdir -p var
	$(VENV)/bin/forlob synth --rows 20000 --seed 7 --out var/demo-extract.csv
	@# exit 1 means "the audit found errors" (it is a demo with violations); 2 is a failure
	$(VENV)/bin/forlob audit var/demo-extract.csv --format table || [ $$? -eq 1 ]
	$(VENV)/bin/forlob audit var/demo-extract.csv --format html --output var/demo-report.html \
		|| [ $$? -eq 1 ]
	@echo "HTML report: var/demo-report.html"

# The gate, and what CI runs (.ci/run): ruff, ruff format, mypy, the import contracts, every
# test on SQLite (browser tests included), then the web tests on PostgreSQL. `make test` is the
# same gate, so the README's test command is what CI runs.
check: lint typecheck imports pytest test-postgres

test: check

# The tests alone (SQLite), for a quick run while working
pytest: install
	./scripts/ensure-chromium.sh
	$(PY) -m pytest

# The web tests again on PostgreSQL (127.0.0.1:5432, FORLOB_TEST_POSTGRES_URL overrides);
# under CI=true an unreachable PostgreSQL fails the run instead of skipping the leg.
test-postgres: install
	./scripts/test-postgres.sh

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: install
	$(VENV)/bin/mypy

imports: install
	$(VENV)/bin/lint-imports --no-cache

# The repo's rule reference, rendered from the catalogue (a test keeps it up to date)
docs: install
	$(PY) -m forlob.catalogue.reference docs/rules.md

bench: install
	$(PY) bench/audit_bench.py

bench-web: install
	$(PY) bench/web_bench.py

clean:
	rm -rf $(VENV) var bench/out
