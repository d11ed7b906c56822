# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=true
# Production-like values for `make check` (check --deploy must be clean with them).
PROD_ENV := DJANGO_DEBUG=false DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-looking-secret-value-xyz \
	DJANGO_ALLOWED_HOSTS=portal.clinic.example DJANGO_REQUIRE_2FA=true

.PHONY: messages run test test-browser lint format check install migrate seed clean soak soak-scale bench bench-pg

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(VENV)/.installed node_modules/.installed messages

# The translations (locale/*/LC_MESSAGES/django.po) compiled for Django; the .mo files are built,
# never committed. See README, Languages.
messages: $(VENV)/.installed
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

seed: migrate
	$(DEV_ENV) $(BIN)/python manage.py import_articles education/content/
	$(DEV_ENV) $(BIN)/python manage.py seed_demo

# The background worker (outcome figures, emails) runs beside the web server and stops with it.
# The demo accounts are printed last, just before the server starts, where they are seen.
run: seed
	@$(DEV_ENV) $(BIN)/python manage.py demo_accounts
	@echo "Serving on http://127.0.0.1:8000"
	$(DEV_ENV) $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# The suite runs on every core (pytest-xdist); `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= auto
test: install
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-browser: install
	$(BIN)/pytest tests/browser $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(PROD_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache test-artifacts

# Bounded load test on PostgreSQL (database clinic_soak), gunicorn on 127.0.0.1 only; not part
# of `make test`. `make soak SOAK_TIME=1m SOAK_USERS=20`; figures in test-artifacts/soak/.
SOAK_TIME ?= 5m
SOAK_USERS ?= 50
soak: install
	SOAK_TIME=$(SOAK_TIME) SOAK_USERS=$(SOAK_USERS) bench/soak/run.sh

# Scale-out and faults: a Redis of its own (port 6391), two gunicorn instances sharing it, an RQ
# worker, PostgreSQL behind a proxy; Redis stopped and the database cut mid-run (README, Soak).
# `make soak-scale SOAK_TIME=2m SOAK_SCALE_USERS=40`.
SOAK_SCALE_USERS ?= 100
SOAK_SCALE_DB ?= clinic_soak2
soak-scale: install
	SOAK_SCALE=1 SOAK_DB=$(SOAK_SCALE_DB) SOAK_PORT=8781 SOAK_TIME=$(SOAK_TIME) \
	SOAK_USERS=$(SOAK_SCALE_USERS) SOAK_OUT=test-artifacts/soak/scale bench/soak/run.sh

# Every page of issue 13 against a hello-world view, through gunicorn (2 workers) and wrk; not
# part of `make test`. SQLite in a scratch file, or PostgreSQL in the scratch database BENCH_DB
# (default clinic_bench_<procedures>).
# `make bench BENCH_ARGS="--procedures 100000 --reuse"`; tables in test-artifacts/bench/.
BENCH_ARGS ?=
BENCH_DB ?=
bench: install
	$(BIN)/python bench/pages.py --database sqlite $(BENCH_ARGS)

bench-pg: install
	BENCH_DB=$(BENCH_DB) $(BIN)/python bench/pages.py --database postgresql $(BENCH_ARGS)
