# Shipshape: `make run` serves the app on SQLite; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve setup db content test lint test-databases test-sqlite test-postgres \
	test-browser \
	system-deps stress clean

run: setup ## Set up everything and serve on http://127.0.0.1:5000 (SQLite)
	$(FLASK) run --host $(HOST) --port $(PORT)

serve: setup ## Production server: gunicorn against DATABASE_URL
	$(BIN)/gunicorn --no-control-socket -c gunicorn.conf.py app:app

setup: $(BIN)/.runtime db content

$(BIN)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(BIN)/.dev: requirements.txt requirements-dev.txt $(BIN)/.runtime
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

db: $(BIN)/.runtime
	$(FLASK) db upgrade

content: db
	$(FLASK) content import

system-deps: ## Debian packages the tests need (PostgreSQL, chromium, Redis, Node)
	bash scripts/system-deps.sh

lint: $(BIN)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(BIN)/.dev system-deps setup lint test-databases test-browser

# The SQLite and PostgreSQL runs share nothing (each has its own database,
# servers and ports), so they run side by side on the two cores; each one's
# output is printed whole when it ends.
test-databases: $(BIN)/.dev
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite: $(BIN)/.dev
	$(BIN)/python -m pytest -q -m "not browser" -p no:cacheprovider

test-postgres: $(BIN)/.dev
	bash scripts/with-postgres.sh $(BIN)/python -m pytest -q -m "not browser" -p no:cacheprovider

test-browser: $(BIN)/.dev node_modules/axe-core/axe.min.js
	$(BIN)/python -m pytest -q -m browser -p no:cacheprovider

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund

stress: $(BIN)/.dev ## Two-minute load runs with faults, then 10,000 mutated packs
	mkdir -p tests/artifacts
	$(BIN)/python bench/load_test.py --db sqlite --seconds 120 --kill-workers \
		--json tests/artifacts/stress-sqlite.json
	$(BIN)/python bench/load_test.py --db postgresql --seconds 120 --kill-workers \
		--restart-db --json tests/artifacts/stress-postgresql.json
	$(BIN)/python bench/fuzz_packs.py --count 10000

clean:
	rm -rf $(VENV) instance tests/artifacts node_modules
