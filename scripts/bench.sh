#!/usr/bin/env bash
# `make bench`: run every benchmark under bench/; each prints `bench: <name>: ...` lines.
# Sizes: BENCH_CERTIFICATES=2000 for the full certificate run (default 200).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for script in bench/bench_*.py; do
  module="bench.$(basename "$script" .py)"
  echo "== $module" >&2
  .venv/bin/python -m "$module" || { echo "benchmark $module failed" >&2; status=1; }
done
exit $status
