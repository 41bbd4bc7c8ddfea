#!/usr/bin/env bash
# `make mutation`: mutation testing of the registration and report rules (registration/services/,
# reports/services/) with mutmut, then the score against the equivalent mutants we accept.
# Not part of `make test`: a full run of the ~2,400 mutants takes well over an hour.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=tests.settings
# The test database kept between sessions (--reuse-db), outside the tree mutmut copies; each
# mutant's session works on a copy of it (tests/conftest.py).
export VAR_DIR="${MUTATION_VAR_DIR:-${TMPDIR:-/tmp}/webinar-mutation}"
mkdir -p "$VAR_DIR"
bash scripts/compile-messages.sh
# The sign-up's locking rules (shared and exclusive event locks) run on PostgreSQL only: on the
# embedded SQLite database their mutants cannot be caught. Point DATABASE_URL at PostgreSQL, as
# CI's services are (postgres://postgres@127.0.0.1:5432/test).
case "${DATABASE_URL:-}" in
  postgres*) echo "mutation: on PostgreSQL (${DATABASE_URL%%\?*})" ;;
  *) echo "mutation: on SQLite; the PostgreSQL-only lock rules will count as not caught" >&2 ;;
esac
.venv/bin/mutmut run "$@" || true
.venv/bin/mutmut export-cicd-stats >/dev/null
.venv/bin/mutmut results > "$VAR_DIR/survivors.txt" || true
.venv/bin/python scripts/mutation_score.py mutants/mutmut-cicd-stats.json "$VAR_DIR/survivors.txt" \
  tests/mutation-equivalents.txt
