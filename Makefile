# Two commands on a fresh machine: `make demo` (install + demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo serve test bench clean

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

bench: $(STAMP)
	$(BIN)/python bench/workorder_bench.py
	$(BIN)/python bench/web_bench.py
	$(BIN)/python bench/triage_bench.py
	$(BIN)/python bench/kb_search.py
	$(BIN)/python bench/kb_ingest.py
	$(BIN)/python bench/calendar_bench.py

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
