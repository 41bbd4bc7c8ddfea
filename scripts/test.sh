#!/usr/bin/env bash
# `make test`: lint, types, Django's checks, migrations in step with the models, then the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=tests.settings

bash scripts/compile-messages.sh
echo "== ruff"
$PY -m ruff check .
$PY -m ruff format --check .
echo "== mypy"
# Types of the apps, with the Django plugin (settings in pyproject.toml); any error fails.
$PY -m mypy webinar registration sessions reports certificates delegations
echo "== manage.py check"
$PY manage.py check --fail-level WARNING
echo "== makemigrations --check"
$PY manage.py makemigrations --check --dry-run
echo "== pytest"
$PY -m pytest "$@"
