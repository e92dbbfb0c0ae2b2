# motcua — the two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format bench e2e migrate demo clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is required" or 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)
	@mkdir -p var
	$(BIN)/motcua compile_locale

migrate: install
	$(BIN)/motcua migrate --noinput

demo: migrate
	$(BIN)/motcua seed_demo

# The task worker (notifications) runs in the background for as long as runserver does; the daily
# closing of unanswered supplement requests runs once at start (a server runs it from a timer).
run: demo
	$(BIN)/motcua close_unanswered_supplements
	@$(BIN)/motcua db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/motcua runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

e2e: install
	$(BIN)/pytest e2e $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The HTTP benchmark drives the server with wrk (Debian package), installed here when missing.
# On generated data: BENCH_DATABASE_URL=postgres://… make bench (see docs/scaling.md); without
# it the benchmarks read their own var/bench-history.sqlite3, generated on the first run.
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } \
		|| echo "wrk is missing (apt-get install wrk): bench.http will report an error"
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var/static
