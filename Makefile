# ATVSLĐ commune portal. `make run` serves the demo on SQLite with in-process Celery;
# `make test` runs the whole suite against PostgreSQL, Redis, a real worker and a browser.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
PORT ?= 8000

# Development defaults for `make run` (the settings' own defaults stay production-safe).
DEV_ENV := DJANGO_DEBUG=1 DJANGO_SECRET_KEY=dev-only-insecure-secret-key DEMO_DATA_ALLOWED=1
# `make test` talks to real services; override on the command line or in the environment.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/atvsld
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# `make loadtest` drops and re-creates this database (its name must contain "loadtest").
LOADTEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/atvsld_loadtest
LOADTEST_REDIS_URL ?= redis://127.0.0.1:6379/14
# `make bench` seeds this database (re-created when its seed no longer fits; the name must
# contain "bench").
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/atvsld_bench
# `make backup` / `make restore` use the environment's settings; with no DJANGO_SECRET_KEY set
# they work on the `make run` development setup.
BACKUP_ENV := $(if $(DJANGO_SECRET_KEY),,$(DEV_ENV))
# A queue per run, so a stray worker from another run cannot take this suite's tasks.
TEST_QUEUE := atvsld-test-$(shell date +%s)-$(shell echo $$$$)
# The suite starts many Python processes (workers, manage.py, the `make run` walk): they share
# one bytecode cache, kept out of the checkout, even where the environment sets
# PYTHONDONTWRITEBYTECODE.
TEST_PYCACHE := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/var/pycache

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(PY):
	@python="$$(scripts/find-python.sh)"; \
	if [ -z "$$python" ]; then echo "No Python >= 3.12 found (install python3.12 or python3.13)."; exit 1; fi; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed-base: requirements/base.txt | $(PY)
	$(UV) pip install --quiet --python $(PY) -r requirements/base.txt
	@touch $@

$(VENV)/.installed-dev: requirements/dev.txt | $(PY)
	$(UV) pip install --quiet --python $(PY) -r requirements/dev.txt
	@touch $@ $(VENV)/.installed-base

.PHONY: install install-dev
install: $(VENV)/.installed-base ## Install the runtime dependencies into .venv
install-dev: $(VENV)/.installed-dev ## Install runtime + development dependencies

.PHONY: lock
lock: $(PY) ## Regenerate the pinned requirements from pyproject.toml
	$(UV) pip compile pyproject.toml --universal --python-version 3.12 -q -o requirements/base.txt
	$(UV) pip compile pyproject.toml --group pyproject.toml:dev --universal --python-version 3.12 -q -o requirements/dev.txt

.PHONY: messages
messages: ## Compile the Vietnamese catalogue (needs gettext)
	@command -v msgfmt >/dev/null || { echo "gettext is missing: sudo apt-get install gettext"; exit 1; }
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv --ignore=.tools-venv -v0

.PHONY: check-pango
check-pango:
	@$(PY) -c "import weasyprint" 2>/dev/null || echo "PDF export needs Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 (the portal runs without it)."

.PHONY: run
run: install messages check-pango ## Install, migrate, load the Ea Ly demo and serve on 127.0.0.1:$(PORT)
	$(DEV_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEV_ENV) $(PY) manage.py load_demo
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

.PHONY: worker beat
worker: install ## Run a Celery worker (needs REDIS_URL)
	$(PY) -m celery -A atvsld_portal worker -l info
beat: install ## Run Celery beat (needs REDIS_URL)
	@mkdir -p var
	$(PY) -m celery -A atvsld_portal beat -l info --schedule var/celerybeat-schedule

.PHONY: test
test: install-dev messages ## Run the whole suite on PostgreSQL + Redis + worker + browser, then check compose
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CELERY_TASK_DEFAULT_QUEUE=$(TEST_QUEUE) \
		DJANGO_ALLOW_ASYNC_UNSAFE=1 $(TEST_PYCACHE) $(PY) -m pytest --create-db -q $(PYTEST_ARGS)
	PYTHON=$(PY) scripts/check-compose.sh

.PHONY: test-fast
test-fast: install-dev messages ## The suite without browser tests (quicker while coding)
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CELERY_TASK_DEFAULT_QUEUE=$(TEST_QUEUE) \
		$(TEST_PYCACHE) $(PY) -m pytest -q -m "not e2e" $(PYTEST_ARGS)

.PHONY: lint fmt migrations-check
lint: install-dev migrations-check ## ruff check, ruff format --check, import-linter, makemigrations --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
fmt: install-dev ## Format the code and fix what ruff can fix
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
migrations-check: install-dev ## Fail when a model change has no migration
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

.PHONY: backup restore
backup: install ## Back up the database and the private files into DJANGO_BACKUP_DIR (var/backups)
	$(BACKUP_ENV) $(PY) manage.py backup
restore: install ## Restore a backup: make restore BACKUP=var/backups/<folder> (asks to confirm)
	@if [ -z "$(BACKUP)" ]; then echo "Usage: make restore BACKUP=var/backups/<folder>"; exit 2; fi
	$(BACKUP_ENV) $(PY) manage.py restore "$(BACKUP)"

.PHONY: loadtest
loadtest: install-dev messages ## 50 enterprise users x 10 declarations on gunicorn + PostgreSQL (not in make test)
	LOADTEST_DATABASE_URL=$(LOADTEST_DATABASE_URL) LOADTEST_REDIS_URL=$(LOADTEST_REDIS_URL) \
		$(PY) scripts/loadtest.py $(LOADTEST_ARGS)

.PHONY: bench bench-small bench-tools
bench: install-dev messages bench-tools ## Province-scale bench (100 %): pages, jobs, throughput -> bench/results.json (not in make test)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench --scale 100 $(BENCH_ARGS)
bench-small: install-dev messages bench-tools ## The same bench on 1 % of the data
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench --scale 1 $(BENCH_ARGS)
bench-tools:
	@# wrk drives the throughput figure; HarfBuzz-Subset keeps WeasyPrint off its slow fontTools path.
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		need=""; command -v wrk >/dev/null || need="wrk"; \
		ldconfig -p | grep -q libharfbuzz-subset || need="$$need libharfbuzz-subset0"; \
		if [ -n "$$need" ]; then export DEBIAN_FRONTEND=noninteractive; \
			apt-get install -y -qq $$need >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq $$need >/dev/null; } || true; fi; \
	fi
	@command -v wrk >/dev/null || echo "wrk is missing (apt-get install wrk): the bench's own Python client drives the throughput figure instead."

.PHONY: compose-check
compose-check: ## Validate docker-compose.yml with a real Compose parser (separate tools env)
	PYTHON=$(PY) scripts/check-compose.sh

.PHONY: ci
ci: ## What CI runs: system packages, services, then make test
	bash .ci/run

.PHONY: clean
clean: ## Remove the virtual environment and local data
	rm -rf $(VENV) var staticfiles .tools-venv
