#!/usr/bin/env bash
# `make mutation`: mutation testing of the registration and report rules (registration/services/,
# reports/services/) with mutmut, then the score against the equivalent mutants we accept.
# Not part of `make test`: a full run of the ~2,300 mutants takes well over an hour.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=tests.settings
# One test database for every mutant (--reuse-db), outside the tree mutmut copies.
export VAR_DIR="${MUTATION_VAR_DIR:-${TMPDIR:-/tmp}/webinar-mutation}"
mkdir -p "$VAR_DIR"
bash scripts/compile-messages.sh
.venv/bin/mutmut run "$@" || true
.venv/bin/mutmut export-cicd-stats >/dev/null
.venv/bin/mutmut results > "$VAR_DIR/survivors.txt" || true
.venv/bin/python scripts/mutation_score.py mutants/mutmut-cicd-stats.json "$VAR_DIR/survivors.txt" \
  tests/mutation-equivalents.txt
