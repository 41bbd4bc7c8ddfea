# Sourced by run-local.sh (and its test): the address `make run` serves on, and the settings
# that must follow it, so that mail links and .ics files point where the server listens.
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
# 0.0.0.0 and :: listen everywhere but are no address to visit: links use the loopback name.
case "$HOST" in
  0.0.0.0 | :: | "[::]") LINK_HOST=127.0.0.1 ;;
  *:*) LINK_HOST="[$HOST]" ;;  # a bare IPv6 address
  *) LINK_HOST="$HOST" ;;
esac
export SITE_URL="${SITE_URL:-http://$LINK_HOST:$PORT}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-localhost,127.0.0.1,[::1],$LINK_HOST}"
