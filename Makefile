# Two commands on a fresh machine: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint check pytest bench install clean messages audit mutation

$(STAMP): pyproject.toml package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || \
		{ echo "Could not create a virtual environment: install python3-venv (sudo apt-get install python3-venv)."; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
		else echo "npm not found: the browser tests' accessibility checks will be skipped."; fi
	@touch $(STAMP)

install: $(STAMP)

run: install
	@bash scripts/run-local.sh

test: install
	@bash scripts/test.sh

bench: install
	@bash scripts/bench.sh

# Mutation testing of the registration and report rules (not part of `make test`; with one child,
# `bash scripts/mutation.sh --max-children 1`, well over an hour on a busy two-core machine).
mutation: install
	@bash scripts/mutation.sh

# Refresh the French and Arabic catalogues from the code (then translate what is new).
messages: install
	DEBUG=1 $(PY) manage.py makemessages --no-obsolete --no-location -l fr -l ar \
		-i 'node_modules/*' -i 'var/*' -i 'staticfiles/*' -i 'tests/*' -i 'bench/*' -i 'test-artifacts/*'

# Known vulnerabilities in the installed dependencies (needs the vulnerability services online:
# PyPI's JSON API per version, or OSV).
audit: install
	$(PY) -m pip install --quiet pip-audit
	$(VENV)/bin/pip-audit --strict --skip-editable

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache .mypy_cache
