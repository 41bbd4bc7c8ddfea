#!/usr/bin/env bash
# `make run`: the whole application on its embedded defaults (SQLite, filesystem broker,
# files and mail under var/), with a worker and the scheduler beside the web server.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
PY=.venv/bin/python
CELERY=.venv/bin/celery
source scripts/local-env.sh  # HOST, PORT, and SITE_URL / ALLOWED_HOSTS that follow them

bash scripts/check-system-libs.sh "$PY"
bash scripts/compile-messages.sh
mkdir -p var/log
$PY manage.py migrate --noinput
$PY manage.py seed_demo

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null; }
trap cleanup EXIT INT TERM

$CELERY -A webinar worker --loglevel=INFO --concurrency=2 >>var/log/worker.log 2>&1 &
pids+=($!)
$CELERY -A webinar beat --loglevel=INFO >>var/log/beat.log 2>&1 &
pids+=($!)

cat <<MSG

  The webinar application is starting at $SITE_URL/
  Admin (organisers):    $SITE_URL/admin/
  $(cat var/demo-login.txt 2>/dev/null || echo "Create an organiser: .venv/bin/python manage.py createsuperuser")
  Health:                $SITE_URL/health/
  Mails are written to var/mail/; worker and scheduler logs are in var/log/.
  Stop with Ctrl-C.

MSG
$PY manage.py runserver "$HOST:$PORT"
