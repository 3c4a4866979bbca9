# Palermo: the entry points. `make demo` and `make test` are all a fresh machine needs.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
export PALERMO_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test test-postgres test-browser lint format bench install system-deps messages check-migrations clean

$(BIN)/palermo: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(BIN)/palermo

install: $(BIN)/palermo

# Fonts for PDFs (Arabic: DejaVu; Chinese: Noto CJK), Chromium for the browser tests, wrk for
# the load benchmark.
system-deps:
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-dejavu-core gettext wrk >/dev/null; \
	else echo "Install chromium, fonts-noto-cjk, fonts-dejavu-core, gettext and wrk with your package manager."; fi

demo: install
	$(BIN)/palermo demo

test: install
	$(BIN)/pytest

test-postgres: install
	PALERMO_DATABASE_URL=$${PALERMO_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/palermo} $(BIN)/pytest

test-browser: install
	$(BIN)/pytest -m browser

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/palermo makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

messages: install
	cd src/palermo && ../../$(BIN)/palermo makemessages -l ar -l zh_Hans -l fr -l ru -l es --no-obsolete --ignore 'static/*'
	cd src/palermo && ../../$(BIN)/palermo compilemessages

bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/search_bench.py
	$(BIN)/python bench/library_bench.py
	$(BIN)/python bench/assistance_bench.py
	$(BIN)/python bench/statistics_bench.py
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	$(BIN)/python bench/statistics_survey_bench.py
	$(BIN)/python bench/analysis_network_bench.py --write
	$(BIN)/python bench/analysis_resolution_bench.py --write
	$(BIN)/python bench/analysis_scale_bench.py --write
	$(BIN)/python bench/linkchart_bench.py --write
	$(BIN)/python bench/load_bench.py

clean:
	rm -rf var .pytest_cache
