VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test check lint typecheck bench clean

install: $(STAMP)

$(STAMP): pyproject.toml scripts/bootstrap.sh
	./scripts/bootstrap.sh $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# For now `run` audits a generated demo extract; the clinic web app replaces this later.
run: install
	mkdir -p var
	$(VENV)/bin/forlob synth --rows 20000 --seed 7 --out var/demo-extract.csv
	@# exit 1 means "the audit found errors" (it is a demo with violations); 2 is a failure
	$(VENV)/bin/forlob audit var/demo-extract.csv --format table || [ $$? -eq 1 ]
	$(VENV)/bin/forlob audit var/demo-extract.csv --format html --output var/demo-report.html \
		|| [ $$? -eq 1 ]
	@echo "HTML report: var/demo-report.html"

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: install
	$(VENV)/bin/mypy

check: lint typecheck test

bench: install
	$(PY) bench/audit_bench.py

clean:
	rm -rf $(VENV) var bench/out
