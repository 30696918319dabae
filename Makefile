# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INDEX ?= indexes
SITE ?= site

.PHONY: demo test lint types install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test]"

demo: install
	$(BIN)/evidence --index-dir $(INDEX) ingest corpus/
	$(BIN)/evidence --index-dir $(INDEX) search "capital regime" --limit 3
	$(BIN)/evidence --index-dir $(INDEX) build -o $(SITE)
	@echo "Briefing site: $(abspath $(SITE))/index.html"

test: install-test lint
	$(BIN)/python -m pytest -q

# Gates: types, lint rules and formatting, as pyproject.toml sets them.
lint: install-test types
	$(BIN)/ruff check evidence tests benchmarks tools
	$(BIN)/ruff format --check evidence tests benchmarks tools

# Type gate: mypy over the package ([tool.mypy] says which checks).
types: install-test
	$(BIN)/mypy

bench: install-test
	$(BIN)/python benchmarks/run_all.py --json benchmarks/results.json

clean:
	rm -rf $(INDEX)/*.sqlite* $(INDEX)/whoosh $(SITE) build *.egg-info
