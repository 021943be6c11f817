# Two commands for everyone: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2

.PHONY: run test test-pg lint translations extract-messages install install-dev serve clean \
	bench bench-peers bench-lighthouse wrk

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core (the accessibility checker the browser tests inject into pages) comes
# from npm, pinned in package-lock.json; `npm ci` reinstalls exactly that
# whenever node_modules is missing or older than the lock.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev node_modules/.installed translations

# Compiled catalogs (.mo) are build products, made from the .po sources. The app
# also compiles them into its instance folder at start-up when missing or stale,
# so it speaks Indonesian however it is started (see elearn/i18n.py).
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d elearn/translations

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k N_plural:1,2 -o elearn/translations/messages.pot .
	$(BIN)/pybabel update -i elearn/translations/messages.pot -d elearn/translations

run: install
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	PYTHONOPTIMIZE=2 $(BIN)/gunicorn --workers $(WORKERS) --timeout 120 --bind $(HOST):$(PORT) --access-logfile - wsgi:app

# Lighthouse for the benchmarks comes from npm, pinned in bench/package-lock.json
# (not in the root package.json, which the test suite installs).
bench/node_modules/.installed: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund --loglevel=error
	touch $@

# Lighthouse scores and bytes on the wire of the main pages against the budgets.
bench-lighthouse: install-dev bench/node_modules/.installed
	$(BIN)/python -m bench.lighthouse

test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

test-pg: install-dev
	ELEARN_TEST_DATABASE_URL=$${ELEARN_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(BIN)/pytest $(PYTEST_ARGS)

# wrk, the load generator of the benchmarks, comes from Debian's packages when missing.
wrk:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

# Every budget of docs/performance.md: pages under load (wrk) beside a bare Flask
# hello, on SQLite and, with ELEARN_BENCH_DATABASE_URL set, on PostgreSQL (see
# bench/run.py; options in BENCH_ARGS, e.g. BENCH_ARGS="--seconds 5"); then the
# exports, the staff import, certificate PDFs, and Lighthouse with bytes on the wire
# (driven through Playwright, a development requirement: hence install-dev).
bench: install-dev wrk bench/node_modules/.installed
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python bench/export_100k.py
	$(BIN)/python bench/import_10k.py
	$(BIN)/python bench/pdf_certificates.py
	$(BIN)/python -m bench.lighthouse

# elearn beside Kolibri (from PyPI, in its own venv under bench/.peers/, loopback
# only, ping and discovery off): sign-in page and learner home data, same run.
bench-peers: install wrk
	$(BIN)/python -m bench.peers $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
