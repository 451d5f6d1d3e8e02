# Parley — two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install run test lint format bench seed clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

## install: create or update .venv with the locked dependencies
install: $(STAMP)

## run: install, migrate, seed on first start and run the bot (console mode without tokens)
run: $(STAMP)
	$(VENV)/bin/parley run

## lint: ruff (lint + format check) and the import-layer contract
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## test: install, lint and run the whole test suite (SQLite and PostgreSQL)
test: $(STAMP) lint
	$(VENV)/bin/pytest

## bench: the benchmarks (printed as tables)
bench: $(STAMP)
	$(PY) bench/run_all.py

seed: $(STAMP)
	$(VENV)/bin/parley seed

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
