#!/usr/bin/env bash
# Compile the French and Arabic catalogues (.po -> .mo); the .mo files are not committed.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v msgfmt >/dev/null 2>&1; then
  echo "gettext is missing, so pages stay in English: sudo apt-get install -y gettext" >&2
  exit 0
fi
DEBUG=1 .venv/bin/python manage.py compilemessages --ignore='.venv/*' --ignore='node_modules/*' -v 0
