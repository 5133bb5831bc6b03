# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

# The services the suite talks to (see README, "Configuration").
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/householdsvc
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test lint bench venv deps-local deps-test browser gettext services migrate demo worker beat prod clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.local-installed: requirements/base.txt requirements/local.txt | $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements/local.txt
	touch $@

$(VENV)/.test-installed: requirements/base.txt requirements/test.txt | $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements/test.txt
	touch $@

deps-local: $(VENV)/.local-installed
deps-test: $(VENV)/.test-installed

## Embedded demo: SQLite, in-process tasks, served over ASGI on http://127.0.0.1:8000
# (RUN_PORT=8123 make run for another port). The log-ins are printed last, after the reminder
# e-mails that run_scheduled_jobs prints to the console, so they are what you see.
RUN_HOST ?= 127.0.0.1
RUN_PORT ?= 8000
# Links in the e-mails it prints point at the same place.
run: export DJANGO_SITE_URL ?= http://$(RUN_HOST):$(RUN_PORT)
run: deps-local
	$(PY) manage.py migrate --noinput
	@# Babel's compiler (a Python package already installed), so make run needs no gettext.
	$(VENV)/bin/pybabel -q compile -d locale -D django
	$(PY) manage.py load_demo_data
	$(PY) manage.py run_scheduled_jobs
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py demo_logins --url http://$(RUN_HOST):$(RUN_PORT)
	$(VENV)/bin/uvicorn householdsvc.asgi:application --host $(RUN_HOST) --port $(RUN_PORT)

# Debian's Chromium for the browser tests (Playwright cannot download its own here), and
# axe-core from npm (package.json, package-lock.json) into node_modules/ for their
# accessibility checks. Missing Debian packages are installed with apt-get: that needs root.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v npm >/dev/null 2>&1 || { \
	  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --silent

# GNU gettext's msgfmt, which compilemessages runs to compile locale/*/LC_MESSAGES/django.po.
gettext:
	@command -v msgfmt >/dev/null 2>&1 || { \
	  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }

# Start PostgreSQL and Redis if they have stopped (no-ops when they run).
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect 15 main start
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	@# The database named by TEST_DATABASE_URL, which makemigrations --check reads the history of
	@# (pytest makes its own test_ copy of it).
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'householdsvc'" | grep -q 1 || \
	  createdb -h 127.0.0.1 -U postgres householdsvc

## The whole suite on the machine's PostgreSQL and Redis
test: deps-test browser gettext services
	$(PY) manage.py compilemessages --ignore .venv --ignore node_modules --verbosity 0
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	  $(PY) manage.py makemigrations --check --dry-run --settings=householdsvc.settings.test
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	  $(PY) -m pytest --create-db $(PYTEST_ARGS)

lint: deps-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

## Benchmarks on PostgreSQL (slow: loads a million rows once and keeps them). The soak is run on
## demand, not by `make bench`: `.venv/bin/python -m bench soak` (bench/soak.py; SOAK_MINUTES=10).
$(VENV)/.bench-installed: requirements/base.txt requirements/test.txt requirements/bench.txt | $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements/bench.txt
	touch $@

bench: $(VENV)/.bench-installed services
	@command -v wrk >/dev/null 2>&1 || { \
	  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/householdsvc_bench REDIS_URL=redis://127.0.0.1:6379/14 \
	  $(PY) -m bench

## Production-style background processes (needs REDIS_URL and DATABASE_URL in the environment)
# Celery's prefork children must not inherit a connection pool across fork: persistent
# connections there instead (DJANGO_DB_POOL=false).
worker: deps-local
	DJANGO_DB_POOL=false $(VENV)/bin/celery -A householdsvc worker --loglevel=INFO

beat: deps-local
	DJANGO_DB_POOL=false $(VENV)/bin/celery -A householdsvc beat --loglevel=INFO

## The production set on this machine, for a soak (Ctrl-C stops it all): the production
## settings on PostgreSQL and Redis, 2 uvicorn workers on :8000, a Celery worker and beat, each
## started again when it exits, as a supervisor (systemd's Restart=always) would: the Celery
## worker exits when Redis restarts under it (kombu's "Unrecoverable error"), see bench/soak.py.
PROD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/householdsvc_prod
PROD_REDIS_URL ?= redis://127.0.0.1:6379/13
# The database named by PROD_DATABASE_URL (the soak, bench/soak.py, gives one of its own).
PROD_DATABASE_NAME = $(lastword $(subst /, ,$(PROD_DATABASE_URL)))
prod: deps-local services
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$(PROD_DATABASE_NAME)'" | grep -q 1 || \
	  createdb -h 127.0.0.1 -U postgres $(PROD_DATABASE_NAME)
	export DJANGO_SETTINGS_MODULE=householdsvc.settings.production \
	  DATABASE_URL=$(PROD_DATABASE_URL) REDIS_URL=$(PROD_REDIS_URL) \
	  DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	  DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" DJANGO_SECURE_SSL_REDIRECT=false \
	  DJANGO_BIND_HOST=127.0.0.1 PORT="$${PORT:-8000}" WEB_CONCURRENCY=2; \
	$(PY) manage.py migrate --noinput && $(PY) manage.py collectstatic --noinput --verbosity 0 && { \
	  trap 'kill 0' INT TERM EXIT; \
	  supervise() { while :; do "$$@"; echo "make prod: $$* exited ($$?), started again in 1 s" >&2; sleep 1; done; }; \
	  supervise $(PY) -m householdsvc.serve & \
	  supervise env DJANGO_DB_POOL=false $(VENV)/bin/celery -A householdsvc worker --loglevel=INFO --concurrency=2 & \
	  supervise env DJANGO_DB_POOL=false $(VENV)/bin/celery -A householdsvc beat --loglevel=INFO & \
	  wait; }

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache node_modules
