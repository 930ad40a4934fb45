# Wegweiser: build, run and test.
#   make install   Python environment (.venv) via uv sync --locked
#   make static    npm ci + copy front-end assets into src/wegweiser/static/vendor/
#   make run       local demo on http://127.0.0.1:8000 (SQLite in var/, DEBUG on)
#   make test      test suite on PostgreSQL, then on SQLite
#   make lint      ruff check + ruff format --check
#   make clean     remove everything the targets above produce
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON3     ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
VENDOR      := src/wegweiser/static/vendor
PG_HOST     ?= 127.0.0.1
PG_PORT     ?= 5432
TEST_DATABASE_URL ?= postgres://postgres@$(PG_HOST):$(PG_PORT)/wegweiser
PYTEST_ARGS ?=
XDIST       ?= -n 2
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Stamp files live inside the folder they describe: deleting the folder re-runs the step.
VENV_STAMP   := $(VENV)/.stamp-uv-sync
NPM_STAMP    := node_modules/.stamp-npm-ci
VENDOR_STAMP := $(VENDOR)/.stamp-vendor

.PHONY: help venv install static run test test-postgres test-sqlite e2e-deps pdf-deps postgres lint format clean

help:
	@sed -n 's/^#   //p' $(MAKEFILE_LIST)

# --- Python ------------------------------------------------------------------------------------
venv install: $(VENV_STAMP)

$(VENV_STAMP): pyproject.toml uv.lock
	@UV="$$(PYTHON=$(PYTHON3) scripts/ensure_uv.sh)"; \
	  echo "+ $$UV sync --locked"; \
	  $$UV sync --locked
	@touch $@

# --- Front-end assets ----------------------------------------------------------------------------
static: $(VENDOR_STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --include=dev --no-audit --no-fund --ignore-scripts --update-notifier=false
	@touch $@

$(VENDOR_STAMP): $(NPM_STAMP) scripts/vendor_static.sh
	scripts/vendor_static.sh
	@touch $@

# --- Local demo ------------------------------------------------------------------------------------
var:
	mkdir -p var

run: install static pdf-deps | var
	WEGWEISER_DEBUG=1 $(PY) manage.py migrate --noinput
	WEGWEISER_DEBUG=1 $(PY) manage.py load_reference_data
	WEGWEISER_DEBUG=1 $(PY) manage.py load_demo_data
	WEGWEISER_DEBUG=1 $(PY) manage.py rebuild_statistics --if-empty
	WEGWEISER_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# --- Tests -----------------------------------------------------------------------------------------
# Debian's chromium for the Playwright tests (Playwright's own browser download cannot be used).
e2e-deps: pdf-deps
	@if [ ! -x /usr/bin/chromium ] || ! command -v msgfmt >/dev/null; then \
	  echo "+ apt-get install chromium fonts-dejavu-core gettext"; \
	  $(SUDO) apt-get update -q; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core gettext; \
	fi

# The libraries WeasyPrint needs for the PDFs (plans, directory overview), for make run too.
PDF_LIBS := libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0
pdf-deps:
	@missing=0; for lib in $(PDF_LIBS); do \
	  /sbin/ldconfig -p | grep -q "$$lib" || missing=1; done; \
	if [ $$missing = 1 ]; then \
	  echo "+ apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"; \
	  $(SUDO) apt-get update -q; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; \
	fi

postgres:
	@if ! pg_isready -q -h $(PG_HOST) -p $(PG_PORT); then \
	  echo "+ starting PostgreSQL"; \
	  $(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -n1) main start || true; \
	  for i in $$(seq 1 60); do pg_isready -q -h $(PG_HOST) -p $(PG_PORT) && break; sleep 1; done; \
	  pg_isready -h $(PG_HOST) -p $(PG_PORT) || { echo "PostgreSQL is not reachable on $(PG_HOST):$(PG_PORT)" >&2; exit 1; }; \
	fi

# Both runs always happen; the target fails if either failed.
test: lint static e2e-deps postgres | var
	@pg=0; lite=0; \
	echo "=== pytest on PostgreSQL ($(TEST_DATABASE_URL)) ==="; \
	DATABASE_URL=$(TEST_DATABASE_URL) WEGWEISER_TESTING=1 $(VENV)/bin/pytest $(XDIST) $(PYTEST_ARGS) || pg=$$?; \
	echo "=== pytest on SQLite ==="; \
	env -u DATABASE_URL WEGWEISER_TESTING=1 $(VENV)/bin/pytest $(XDIST) $(PYTEST_ARGS) || lite=$$?; \
	echo "PostgreSQL run: exit $$pg; SQLite run: exit $$lite"; \
	[ $$pg -eq 0 ] && [ $$lite -eq 0 ]

test-postgres: install static e2e-deps postgres | var
	DATABASE_URL=$(TEST_DATABASE_URL) WEGWEISER_TESTING=1 $(VENV)/bin/pytest $(XDIST) $(PYTEST_ARGS)

test-sqlite: install static e2e-deps | var
	env -u DATABASE_URL WEGWEISER_TESTING=1 $(VENV)/bin/pytest $(XDIST) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests

format: install
	$(VENV)/bin/ruff check --fix src tests
	$(VENV)/bin/ruff format src tests

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var .pytest_cache .ruff_cache .hypothesis test-results playwright-report
	find src tests -name __pycache__ -type d -prune -exec rm -rf {} + 2>/dev/null || true
