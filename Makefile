# `make run`  — install, migrate, load demo data and serve on http://127.0.0.1:8000 (SQLite).
# `make test` — install what the tests need (PostgreSQL, Chromium), lint, and run the whole suite
#               on SQLite and on a throwaway PostgreSQL cluster, browser tests included.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000
# Local development over plain http: DEBUG on unless the environment says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-1}

.PHONY: run install install-test system-deps migrate seed lint test test-sqlite test-postgres bench backup restore clean

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || "$$(.ci/find-python)" -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	@touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(PIP) install -q -r requirements-test.txt
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py seed_demo
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v0
	@# The task worker (imports' preview and confirm) runs beside gunicorn and stops with it.
	@# Requests never run long work, so gunicorn's own timeout stays short and explicit.
	$(RUN_ENV) $(PY) manage.py db_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(RUN_ENV) $(VENV)/bin/gunicorn coordination.wsgi --bind $(HOST):$(PORT) --workers 2 --timeout 30 --access-logfile -

# Debian packages the tests need, installed when missing and when we may (root or sudo).
system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql postgresql-contrib"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run -v1 --settings=coordination.settings
	@# Django's deployment checklist with production-like settings (a real-looking key, DEBUG off).
	DEBUG=0 SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  $(PY) manage.py check --deploy --fail-level WARNING

test-sqlite: install-test
	DATABASE_URL= $(PY) -m pytest
	DATABASE_URL= PY=$(PY) .ci/backup-drill

test-postgres: install-test
	.ci/with-postgres $(PY) -m pytest
	PY=$(PY) .ci/with-postgres .ci/backup-drill

# Backups of the configured database (DATABASE_URL from the environment or .env; SQLite when unset)
# into BACKUP_DIR (default backups/), keeping BACKUP_KEEP generations (default 14): pg_dump in
# custom format on PostgreSQL, SQLite's online backup API on SQLite; see docs/security.md.
backup: install
	$(PY) manage.py backup_database

# Restore FILE into a NEW database INTO (PostgreSQL: a database name; SQLite: a new file path), then
# migrate --check and compare every table's row count.
restore: install
	@test -n "$(FILE)" -a -n "$(INTO)" || { echo "使い方: make restore FILE=backups/xxx.dump INTO=portal_restored（SQLite: FILE=backups/db-xxx.sqlite3 INTO=restored/db.sqlite3）"; exit 2; }
	$(PY) manage.py restore_database "$(FILE)" --into "$(INTO)"

test: install-test system-deps
	DEBUG=0 SECRET_KEY=ci $(MAKE) --no-print-directory lint
	@# The two databases' suites run side by side: each is one process that spends much of its time
	@# waiting on Chromium or on the database server, so two of them share the cores well. Each
	@# suite's output is printed whole when it ends.
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

bench: install-test
	.ci/with-postgres bash bench/run_all.sh

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 test-artifacts
