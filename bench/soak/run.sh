#!/usr/bin/env bash
# The bounded soak behind `make soak`: a dedicated PostgreSQL database, gunicorn on loopback with
# production settings (DEBUG off, a secret key, Secure cookies; only the SSL redirect and staff
# 2FA off), locust headless for SOAK_TIME, then the checker. Stops by itself; exits non-zero when
# a confirmed write is missing, the server answered 5xx or a client saw any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

SOAK_TIME=${SOAK_TIME:-5m}
SOAK_USERS=${SOAK_USERS:-50}
SOAK_RATE=${SOAK_RATE:-10}
SOAK_PORT=${SOAK_PORT:-8765}
SOAK_WORKERS=${SOAK_WORKERS:-3}
SOAK_DB=${SOAK_DB:-clinic_soak}
PGURL=${SOAK_PG:-postgres://postgres@127.0.0.1:5432}
OUT=${SOAK_OUT:-test-artifacts/soak}
BIN=.venv/bin

mkdir -p "$OUT"
rm -f "$OUT"/confirmed.jsonl "$OUT"/locust_* "$OUT"/access.log "$OUT"/error.log
touch "$OUT/confirmed.jsonl"
STATIC_DIR=$(mktemp -d -t soak-static-XXXXXX)

export DATABASE_URL="$PGURL/$SOAK_DB"
export DJANGO_DEBUG=false
export DJANGO_SECRET_KEY="soak-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECURE_SSL_REDIRECT=false
export DJANGO_REQUIRE_2FA=false
export DJANGO_STATIC_ROOT="$STATIC_DIR"
export DJANGO_EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export SOAK_PASSWORD="soak-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')-pw"
export SOAK_DATA="$OUT/data.json" SOAK_RESULTS="$OUT/confirmed.jsonl"

if ! psql "$PGURL/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$SOAK_DB'" | grep -q 1; then
    createdb -h 127.0.0.1 -U postgres "$SOAK_DB"
fi
$BIN/python manage.py migrate --noinput -v0
$BIN/python manage.py collectstatic --noinput -v0
$BIN/python manage.py import_articles education/content/ >/dev/null
$BIN/python bench/soak/seed.py "$SOAK_DATA"
$BIN/gunicorn config.wsgi --bind "127.0.0.1:$SOAK_PORT" --workers "$SOAK_WORKERS" \
    --access-logfile "$OUT/access.log" --error-logfile "$OUT/error.log" &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true; rm -rf "$STATIC_DIR"' EXIT
for _ in $(seq 50); do
    curl -fs -o /dev/null "http://127.0.0.1:$SOAK_PORT/accounts/login/" && break
    sleep 0.2
done

timeout 2h $BIN/locust -f bench/soak/locustfile.py --headless -u "$SOAK_USERS" -r "$SOAK_RATE" \
    -t "$SOAK_TIME" --host "http://127.0.0.1:$SOAK_PORT" --csv "$OUT/locust" \
    --only-summary --stop-timeout 10 --exit-code-on-error 0 2>"$OUT/locust.log" || true

kill "$GUNICORN"
wait "$GUNICORN" || true
trap 'rm -rf "$STATIC_DIR"' EXIT
$BIN/python bench/soak/check.py "$OUT"
