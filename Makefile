# Two commands on a fresh machine: `make demo` (install + demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo serve test bench screenshots lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/liandong demo

serve: $(STAMP)
	$(BIN)/liandong serve

test: $(STAMP)
	bash scripts/system-deps.sh
	$(BIN)/python -m pytest

# Refresh the README's screenshots from the browser tests.
screenshots: $(STAMP)
	bash scripts/system-deps.sh
	LIANDONG_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest tests/browser -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench eval

bench: $(STAMP)
	$(BIN)/python bench/workorder_bench.py
	$(BIN)/python bench/web_bench.py
	$(BIN)/python bench/triage_bench.py
	$(BIN)/python bench/kb_search.py
	$(BIN)/python bench/kb_ingest.py
	$(BIN)/python bench/calendar_bench.py
	$(BIN)/python bench/open311_bench.py

clean:
	rm -rf $(VENV) var build .pytest_cache .hypothesis .ruff_cache
