#!/usr/bin/env bash
# The bounded soak behind `make soak`: a dedicated PostgreSQL database, gunicorn on loopback with
# production settings (DEBUG off, a secret key, Secure cookies; only the SSL redirect and staff
# 2FA off), locust headless for SOAK_TIME, then the checker. Stops by itself; exits non-zero when
# a confirmed write is missing, the server answered 5xx or a client saw any failure.
#
# SOAK_SCALE=1 (`make soak-scale`): scale-out and faults. A Redis of its own (SOAK_REDIS_PORT)
# holds the cache, the sessions' cache and the task queue (REDIS_URL); TWO gunicorn instances
# (SOAK_PORT and SOAK_PORT+1) share them, an RQ worker runs the tasks, and every locust request
# goes to one of the two at random. PostgreSQL is reached through a TCP proxy of its own (socat
# on SOAK_PG_PROXY_PORT), so it can be cut without touching the server. In the middle of the run
# Redis is stopped for SOAK_REDIS_DOWN seconds and started again (empty), then the proxy is
# killed, every connection with it, for SOAK_PG_DOWN seconds: drills.log has the times, and the
# checker reports what was answered during each (503 only while the database is cut).
set -euo pipefail
cd "$(dirname "$0")/../.."

SOAK_SCALE=${SOAK_SCALE:-0}
SOAK_TIME=${SOAK_TIME:-5m}
SOAK_USERS=${SOAK_USERS:-50}
SOAK_RATE=${SOAK_RATE:-10}
SOAK_PORT=${SOAK_PORT:-8765}
SOAK_WORKERS=${SOAK_WORKERS:-3}
SOAK_DB=${SOAK_DB:-clinic_soak}
PGURL=${SOAK_PG:-postgres://postgres@127.0.0.1:5432}
OUT=${SOAK_OUT:-test-artifacts/soak}
SOAK_REDIS_PORT=${SOAK_REDIS_PORT:-6391}
SOAK_PG_PROXY_PORT=${SOAK_PG_PROXY_PORT:-6441}
SOAK_REDIS_DOWN=${SOAK_REDIS_DOWN:-30}
SOAK_PG_DOWN=${SOAK_PG_DOWN:-10}
BIN=.venv/bin

seconds() { # 5m, 90s, 1h30m → seconds (locust's -t format)
    local total=0 rest=$1
    while [[ $rest =~ ^([0-9]+)([hms])(.*)$ ]]; do
        case ${BASH_REMATCH[2]} in
            h) total=$((total + BASH_REMATCH[1] * 3600)) ;;
            m) total=$((total + BASH_REMATCH[1] * 60)) ;;
            s) total=$((total + BASH_REMATCH[1])) ;;
        esac
        rest=${BASH_REMATCH[3]}
    done
    [[ -z $rest ]] || total=$((total + rest))
    echo "$total"
}
now() { date -u +%Y-%m-%dT%H:%M:%S.%3NZ; }

mkdir -p "$OUT"
rm -f "$OUT"/confirmed.jsonl "$OUT"/unavailable.jsonl "$OUT"/locust_* "$OUT"/access*.log \
    "$OUT"/error*.log "$OUT"/drills.log "$OUT"/rss.txt "$OUT"/worker.log "$OUT"/report.txt \
    "$OUT"/loadavg.txt
touch "$OUT/confirmed.jsonl" "$OUT/unavailable.jsonl"
STATIC_DIR=$(mktemp -d -t soak-static-XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
    if [[ $SOAK_SCALE == 1 ]]; then
        redis-cli -p "$SOAK_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
        kill -- "-$(cat "$OUT/pg-proxy.pid")" 2>/dev/null || true
    fi
    rm -rf "$STATIC_DIR"
}
trap cleanup EXIT

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
export SOAK_UNAVAILABLE="$OUT/unavailable.jsonl"

redis_start() {
    redis-server --port "$SOAK_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize yes --logfile "$OUT/redis.log"
    for _ in $(seq 50); do redis-cli -p "$SOAK_REDIS_PORT" ping >/dev/null 2>&1 && return; sleep 0.1; done
}
pg_proxy_start() { # its own process group: killing it cuts every proxied connection at once
    setsid socat "TCP-LISTEN:$SOAK_PG_PROXY_PORT,bind=127.0.0.1,fork,reuseaddr" \
        "TCP:${PGHOSTPORT}" &
    echo $! >"$OUT/pg-proxy.pid"
    for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$SOAK_PG_PROXY_PORT") 2>/dev/null && return; sleep 0.1; done
}

if [[ $SOAK_SCALE == 1 ]]; then
    for tool in redis-server redis-cli socat; do
        command -v "$tool" >/dev/null || { echo "soak-scale needs $tool (apt-get install redis-server socat)"; exit 2; }
    done
    if redis-cli -p "$SOAK_REDIS_PORT" ping >/dev/null 2>&1; then
        echo "Something already answers on port $SOAK_REDIS_PORT: set SOAK_REDIS_PORT"; exit 2
    fi
    redis_start
    export REDIS_URL="redis://127.0.0.1:$SOAK_REDIS_PORT/0"
    [[ $PGURL =~ ^([a-z]+)://([^@/]*@)?([^/]+)$ ]] || { echo "SOAK_PG: scheme://[user@]host:port"; exit 2; }
    PGHOSTPORT=${BASH_REMATCH[3]}
    pg_proxy_start
    # The app servers and the worker reach PostgreSQL through the proxy, and give up connecting
    # after 3 s (a database that does not answer is a 503, not a hung worker).
    APP_DATABASE_URL="${BASH_REMATCH[1]}://${BASH_REMATCH[2]}127.0.0.1:$SOAK_PG_PROXY_PORT/$SOAK_DB?connect_timeout=3"
    INSTANCES=2
else
    APP_DATABASE_URL=$DATABASE_URL
    INSTANCES=1
fi

if ! psql "$PGURL/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$SOAK_DB'" | grep -q 1; then
    createdb -h 127.0.0.1 -U postgres "$SOAK_DB"
fi
$BIN/python manage.py migrate --noinput -v0
$BIN/python manage.py collectstatic --noinput -v0
$BIN/python manage.py import_articles education/content/ >/dev/null
$BIN/python bench/soak/seed.py "$SOAK_DATA"

HOSTS=()
for i in $(seq 0 $((INSTANCES - 1))); do
    port=$((SOAK_PORT + i))
    log=$([[ $INSTANCES == 1 ]] && echo "" || echo "-$port")
    DATABASE_URL=$APP_DATABASE_URL setsid $BIN/gunicorn config.wsgi --bind "127.0.0.1:$port" \
        --workers "$SOAK_WORKERS" --access-logfile "$OUT/access$log.log" \
        --error-logfile "$OUT/error$log.log" 2>>"$OUT/error$log.log" &
    PIDS+=($!)
    HOSTS+=("http://127.0.0.1:$port")
done
if [[ $SOAK_SCALE == 1 ]]; then
    # The task worker, restarted when it exits as systemd's Restart=always would: RQ's worker
    # quits when Redis goes away in the middle of a job.
    DATABASE_URL=$APP_DATABASE_URL setsid bash -c 'while :; do "$@";
        echo "=== task worker exited ($?) at $(date -u +%FT%TZ), restarting"; sleep 1; done' \
        worker $BIN/python manage.py rqworker --with-scheduler --job-class django_tasks_rq.Job default \
        >"$OUT/worker.log" 2>&1 &
    PIDS+=($!)
    WORKER=$!
fi
for host in "${HOSTS[@]}"; do
    for _ in $(seq 100); do
        curl -fs -o /dev/null "$host/accounts/login/" && break
        sleep 0.2
    done
done
export SOAK_HOSTS
SOAK_HOSTS=$(IFS=,; echo "${HOSTS[*]}")

if [[ $SOAK_SCALE == 1 ]]; then
    # The drills, timed from the start of the load: Redis out at 30 % of the run, the database
    # cut at 65 %.
    total=$(seconds "$SOAK_TIME")
    (
        sleep $((total * 30 / 100))
        echo "$(now) redis-stop" >>"$OUT/drills.log"
        redis-cli -p "$SOAK_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
        sleep "$SOAK_REDIS_DOWN"
        redis_start
        echo "$(now) redis-start" >>"$OUT/drills.log"
        gap=$((total * 65 / 100 - total * 30 / 100 - SOAK_REDIS_DOWN))
        sleep $((gap > 5 ? gap : 5))
        echo "$(now) pg-cut" >>"$OUT/drills.log"
        kill -- "-$(cat "$OUT/pg-proxy.pid")"
        sleep "$SOAK_PG_DOWN"
        pg_proxy_start
        echo "$(now) pg-restore" >>"$OUT/drills.log"
    ) &
    DRILLS=$!
    PIDS+=($DRILLS)
fi

echo "$(now) load-start" >>"$OUT/drills.log"
timeout 2h $BIN/locust -f bench/soak/locustfile.py --headless -u "$SOAK_USERS" -r "$SOAK_RATE" \
    -t "$SOAK_TIME" --host "${HOSTS[0]}" --csv "$OUT/locust" \
    --only-summary --stop-timeout 10 --exit-code-on-error 0 2>"$OUT/locust.log" || true
echo "$(now) load-end" >>"$OUT/drills.log"
cut -d' ' -f1-3 /proc/loadavg >"$OUT/loadavg.txt" 2>/dev/null || true

if [[ $SOAK_SCALE == 1 ]]; then
    wait "$DRILLS" || true
    # Resident memory after the load: each gunicorn worker (not the masters) and the task worker.
    {
        for master in "${PIDS[@]:0:$INSTANCES}"; do
            for pid in $(pgrep -P "$master"); do
                echo "gunicorn-worker $pid $(ps -o rss= -p "$pid")"
            done
        done
        for pid in $(pgrep -P "$WORKER" -f rqworker); do
            echo "task-worker $pid $(ps -o rss= -p "$pid")"
        done
    } >"$OUT/rss.txt"
fi
for pid in "${PIDS[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
PIDS=()
$BIN/python bench/soak/check.py "$OUT" | tee "$OUT/report.txt"
exit "${PIPESTATUS[0]}"
