# The two commands of the quick start are `make run` and `make test`.
SHELL := /bin/bash
# The first Python 3.11+ found (pyenv shims may exist for versions not enabled).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 \
	  && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test cov test-quick lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# `make run PORT=5055` when 5000 is taken (on macOS, AirPlay listens on 5000).
# FOLLOWUP_DEV=1 (server.dev): the dev phone at /dev/phone, for this machine only.
PORT ?= 5000
run: install
	$(BIN)/followup db upgrade
	FOLLOWUP_DEV=1 $(BIN)/followup demo --port $(PORT)
	FOLLOWUP_DEV=1 $(BIN)/followup serve --port $(PORT)

# Two pytest-xdist workers (the machines have 2 cores); `WORKERS=1 make test` runs the
# whole suite serially in one process. With workers, the tests marked slow (real processes
# killed on a timer) run after the rest, alone, so the other worker cannot starve them.
# `make cov` (CI) is the same run with branch coverage, failing under pyproject's
# fail_under; `make test` stays without it (tracing costs time).
# ONLY=<marker expression> narrows every pass, e.g. `make test ONLY=database` (CI's
# PostgreSQL pass: the tests that reach the database; tests/conftest.py marks them).
WORKERS ?= 2
ONLY ?=
FAST := not slow$(if $(ONLY), and ($(ONLY)))
SLOW := slow$(if $(ONLY), and ($(ONLY)))
COV ?=
ifeq ($(COV),1)
COV_ALL := --cov --cov-report=term
COV_FIRST := --cov --cov-report= --cov-fail-under=0
COV_LAST := --cov --cov-append --cov-report=term
endif
test: install fhir-peer
ifeq ($(WORKERS),1)
	$(BIN)/python -m pytest $(if $(ONLY),-m "$(ONLY)") $(COV_ALL)
else
	$(BIN)/python -m pytest -n $(WORKERS) -m "$(FAST)" $(COV_FIRST)
	$(BIN)/python -m pytest -m "$(SLOW)" $(COV_LAST)
endif

cov:
	$(MAKE) test COV=1

# The chart write-back tests talk to a real FHIR server (Medplum's router, in memory):
# its packages, exactly as locked, when npm is here; without npm those tests are skipped
# (with CI set they fail).
FHIR_PEER := tests/fhir_server
.PHONY: fhir-peer
fhir-peer:
	@if command -v npm >/dev/null 2>&1; then \
	  [ $(FHIR_PEER)/node_modules/.package-lock.json -nt $(FHIR_PEER)/package-lock.json ] \
	  || (cd $(FHIR_PEER) && npm ci --no-audit --no-fund --loglevel=error); \
	else echo "npm not found: the FHIR write-back tests will be skipped"; fi

# The suite without the tests marked slow (e.g. the SIGKILL crash test); CI runs them all.
test-quick: install
	$(BIN)/python -m pytest -m "not slow" $(if $(filter 1,$(WORKERS)),,-n $(WORKERS))

# ruff, then mypy in strict mode on followup/ (its settings are in pyproject.toml).
lint: install
	$(BIN)/ruff check followup tests migrations bench
	$(BIN)/mypy followup

# Every benchmark, bounded (a few minutes on 2 cores), then a PASS/FAIL summary.
# gunicorn (the 'bench' extra) is installed the first time.
bench: install
	$(BIN)/python -c 'import gunicorn' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.run

# The scale benchmark on PostgreSQL: 1M patients, 10M messages (long; SCALE=0.1 for a tenth).
.PHONY: bench-scale
SCALE ?= 1
bench-scale: install
	$(BIN)/python -m bench.scale --scale $(SCALE)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache .coverage .coverage.*
