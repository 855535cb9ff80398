#!/usr/bin/env bash
# Chairside benchmark: `make bench` runs `bench/run.sh build/chairside`.
#
#  (a) availability, one service, all 50 staff, 7 days, against a clinic of
#      200,000 bookings: server-side us per request (median, p99) from the
#      request log over sequential requests at varying week offsets, and
#      requests/s with wrk beside nginx serving the very same body as a
#      static file;
#  (b) bookings/s from 16 concurrent clients (wrk + bench/book.lua posting
#      distinct free slots), a race of 16 clients over the same overlapping
#      slots, then a SQL check that no two live bookings of one staff
#      member overlap;
#  (c) the server's peak RSS (VmHWM);
#  (d) an anchor-shaped clinic: 10 staff, 08:00-20:00 daily, 10,000
#      bookings over 60 days; availability for one staff member and day.
#  Plus a keep-alive check with curl -v.
#
# Everything listens on 127.0.0.1 only. Servers and nginx are stopped on
# exit. Figures go to stdout and bench/out/results.txt; missed targets are
# reported, never fatal. Tunables (environment): BENCH_SEQ_N (2000),
# BENCH_SEQ_MAXSEC (25), BENCH_WRK_SECONDS (10).
set -euo pipefail

BIN=$(realpath "${1:-build/chairside}")
HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/out"
PY="python3 $HERE/client.py"
SEQ_N=${BENCH_SEQ_N:-2000}
SEQ_MAXSEC=${BENCH_SEQ_MAXSEC:-25}
WRK_S=${BENCH_WRK_SECONDS:-10}
CLIENTS=16

for tool in wrk nginx curl python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/deps.sh --bench)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "bench: no server binary at $BIN" >&2; exit 1; }

TMP=$(mktemp -d /tmp/chairside-bench.XXXXXX)
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    for p in "${PIDS[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/*.txt "$OUT"/*.env "$OUT"/*.json
ENV="$OUT/figures.env"
: >"$ENV"
put() { echo "$1='$2'" >>"$ENV"; }
# Runs a client.py subcommand that prints KEY=VALUE lines; keeps and loads them.
take() {
    local res
    res=$($PY "$@")
    echo "$res" >>"$ENV"
    eval "$res"
}
say() { printf '%s [%3ds] %s\n' "bench:" "$SECONDS" "$*" >&2; }
logsize() { stat -c %s "$1"; }

put WHEN "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
put CPUS "$(nproc)"
put BIN "$BIN"

# --- servers ---------------------------------------------------------------
SERVER_PID=""
start_server() { # db port log
    "$BIN" serve --db "$1" --listen "127.0.0.1:$2" 2>>"$3" >/dev/null &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    $PY wait "http://127.0.0.1:$2/healthz" 15
}
stop_server() { # pid
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# wrk_run NAME ARGS... : raw output to out/wrk-NAME.txt; sets WRK_RPS,
# WRK_NON2XX, WRK_SOCKERR, WRK_SECONDS.
wrk_run() {
    local name=$1
    shift
    wrk "$@" >"$OUT/wrk-$name.txt" 2>&1 || true
    WRK_RPS=$(awk '/^Requests\/sec:/ {print $2}' "$OUT/wrk-$name.txt")
    WRK_NON2XX=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$OUT/wrk-$name.txt")
    WRK_SOCKERR=$(sed -n 's/.*Socket errors: //p' "$OUT/wrk-$name.txt")
    WRK_SECONDS=$(sed -n 's/.* requests in \([0-9.]*\)\(m\?s\),.*/\1 \2/p' "$OUT/wrk-$name.txt" |
        awk '{print ($2 == "ms") ? $1 / 1000 : $1}')
    WRK_RPS=${WRK_RPS:-0}
    WRK_NON2XX=${WRK_NON2XX:-0}
    WRK_SOCKERR=${WRK_SOCKERR:-none}
    WRK_SECONDS=${WRK_SECONDS:-$WRK_S}
}

# --- data --------------------------------------------------------------------
say "generating the main clinic (50 staff, 200,000 bookings) and the anchor clinic"
python3 "$HERE/gen_clinic.py" --bin "$BIN" --profile anchor --db "$TMP/anchor.db" \
    --meta "$OUT/anchor-meta.json" >/dev/null &
GEN_ANCHOR=$!
python3 "$HERE/gen_clinic.py" --bin "$BIN" --profile main --db "$TMP/main.db" \
    --meta "$OUT/main-meta.json" --bodies "$TMP/bodies.txt" --race "$TMP/race.txt" >/dev/null
wait "$GEN_ANCHOR"
meta() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }
put MAIN_STAFF "$(meta "$OUT/main-meta.json" staff)"
put MAIN_BOOKINGS "$(meta "$OUT/main-meta.json" bookings)"
put D_BOOKINGS "$(meta "$OUT/anchor-meta.json" bookings)"
put D_BOOKED_SHARE "$(meta "$OUT/anchor-meta.json" booked_share)"
EMAIL=$(meta "$OUT/main-meta.json" admin_email)
PASSWORD=$(meta "$OUT/main-meta.json" admin_password)
TODAY=$(meta "$OUT/main-meta.json" today)
say "generated in $(meta "$OUT/main-meta.json" seconds) s (anchor booked share $(meta "$OUT/anchor-meta.json" booked_share))"

# --- (a) availability on the main clinic -----------------------------------------------
PORT=$($PY port)
BASE="http://127.0.0.1:$PORT"
LOG="$OUT/server-main.log"
start_server "$TMP/main.db" "$PORT" "$LOG"
MAIN_PID=$SERVER_PID
put C_MAIN_HWM_IDLE_KB "$(hwm_kb "$MAIN_PID")"
eval "$($PY login "$BASE/api/v1/auth/login" "$EMAIL" "$PASSWORD")"

FROM=$(date -d "$TODAY + 1 day" +%F)
TO=$(date -d "$TODAY + 7 days" +%F)
AVAIL_PATH="/api/v1/availability?service_ids=1&from=$FROM&to=$TO"

# keepalive NAME CURL_ARGS... : two requests in one curl; sets KEEPALIVE_NAME.
keepalive() {
    local name=$1 f="$OUT/curl-keepalive-$1.txt" v
    shift
    curl -sv "$@" >"$f" 2>&1 || true
    if grep -qi '^< connection: close' "$f"; then
        v="NO: Connection: close"
    elif grep -qiE 're-?using existing connection' "$f"; then
        v="reused"
    else
        v="NO: second connection"
    fi
    put "KEEPALIVE_$name" "$v"
}
say "keep-alive check (curl -v, two GETs and two POSTs)"
keepalive GET -o /dev/null -o /dev/null -H "Cookie: $COOKIE" "$BASE$AVAIL_PATH" "$BASE$AVAIL_PATH"
# an empty booking: refused with 4xx, which must not close the connection either
keepalive POST -o /dev/null -o /dev/null -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" \
    -H "Content-Type: application/json" -d '{}' "$BASE/api/v1/bookings" "$BASE/api/v1/bookings"

say "(a) $SEQ_N sequential availability requests (50 staff, 7 days, varying weeks)"
A0=$(logsize "$LOG")
take seq "$BASE" "$COOKIE" week "$OUT/main-meta.json" "$SEQ_N" "$SEQ_MAXSEC"
put A_SEQ_AVG_BYTES "$SEQ_AVG_BYTES"
put A_SEQ_AVG_SLOTS "$SEQ_AVG_SLOTS"
A1=$(logsize "$LOG")
take logstats "$LOG" "$A0" "$A1" GET /api/v1/availability A_SEQ

say "(a) wrk -t2 -c32 -d${WRK_S}s on $AVAIL_PATH"
STATUS=$($PY get "$BASE$AVAIL_PATH" "$COOKIE" "$TMP/body.json")
[ "$STATUS" = 200 ] || say "warning: availability answered $STATUS"
put A_BODY_BYTES "$(stat -c %s "$TMP/body.json")"
A2=$(logsize "$LOG")
wrk_run avail-chairside -t2 -c32 -d"${WRK_S}s" -H "Cookie: $COOKIE" "$BASE$AVAIL_PATH"
put A_WRK_RPS "$WRK_RPS"
put A_WRK_NON2XX "$WRK_NON2XX"
put A_WRK_SOCKERR "$WRK_SOCKERR"
sleep 0.3
A3=$(logsize "$LOG")
take logstats "$LOG" "$A2" "$A3" GET /api/v1/availability A_LOAD

say "(a) nginx serving the same body as a static file"
NGX="$TMP/nginx"
NGX_PORT=$($PY port)
mkdir -p "$NGX/www/api/v1" "$NGX/tmp"
cp "$TMP/body.json" "$NGX/www/api/v1/availability"
chmod -R a+rX "$TMP"
cat >"$NGX/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes auto;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $NGX/tmp/body;
    proxy_temp_path $NGX/tmp/proxy;
    fastcgi_temp_path $NGX/tmp/fastcgi;
    uwsgi_temp_path $NGX/tmp/uwsgi;
    scgi_temp_path $NGX/tmp/scgi;
    default_type application/json;
    server {
        listen 127.0.0.1:$NGX_PORT;
        root $NGX/www;
        location / { }
    }
}
EOF
nginx -e "$NGX/error.log" -p "$NGX" -c "$NGX/nginx.conf" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
$PY wait "http://127.0.0.1:$NGX_PORT/api/v1/availability" 10
NGX_STATUS=$($PY get "http://127.0.0.1:$NGX_PORT$AVAIL_PATH" "$COOKIE" "$TMP/nginx-body.json")
cmp -s "$TMP/body.json" "$TMP/nginx-body.json" || say "warning: nginx body differs ($NGX_STATUS)"
wrk_run avail-nginx -t2 -c32 -d"${WRK_S}s" -H "Cookie: $COOKIE" "http://127.0.0.1:$NGX_PORT$AVAIL_PATH"
put A_NGINX_RPS "$WRK_RPS"
kill -QUIT "$NGINX_PID" 2>/dev/null || true
wait "$NGINX_PID" 2>/dev/null || true

# --- (b) bookings --------------------------------------------------------------------
say "(b) wrk -t2 -c$CLIENTS -d${WRK_S}s POST /bookings, distinct free slots"
B0=$(logsize "$LOG")
wrk_run bookings -t2 -c"$CLIENTS" -d"${WRK_S}s" -s "$HERE/book.lua" \
    -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" "$BASE/api/v1/bookings" -- "$TMP/bodies.txt" 2
put B_WRK_RPS "$WRK_RPS"
put B_WRK_SECONDS "$WRK_SECONDS"
sleep 0.5
B1=$(logsize "$LOG")
take logstats "$LOG" "$B0" "$B1" POST /api/v1/bookings B_LOG
B201=${B_LOG_STATUS_201:-0}
B409=${B_LOG_STATUS_409:-0}
put B_OTHER "$((B_LOG_N - B201 - B409))"
put B_BOOKINGS_PER_S "$(awk -v n="$B201" -v s="$WRK_SECONDS" 'BEGIN {printf "%.0f", n / s}')"

say "(b) race: $CLIENTS clients post the same overlapping slots"
put RACE_CLIENTS "$CLIENTS"
take race "$BASE" "$COOKIE" "$CSRF" "$TMP/race.txt" "$CLIENTS"

# --- (c) memory ------------------------------------------------------------------------
put C_MAIN_HWM_KB "$(hwm_kb "$MAIN_PID")"
put C_MAIN_RSS_KB "$(awk '/^VmRSS:/ {print $2}' "/proc/$MAIN_PID/status")"
stop_server "$MAIN_PID"
say "(b) checking the database for double bookings"
take verify "$TMP/main.db" "$(meta "$OUT/main-meta.json" bodies_from_utc)" B_DB

# --- (d) anchor-shaped clinic -------------------------------------------------------------
PORT=$($PY port)
BASE="http://127.0.0.1:$PORT"
LOG="$OUT/server-anchor.log"
start_server "$TMP/anchor.db" "$PORT" "$LOG"
ANCHOR_PID=$SERVER_PID
eval "$($PY login "$BASE/api/v1/auth/login" "$EMAIL" "$PASSWORD")"
say "(d) $SEQ_N sequential availability requests (1 staff, 1 day)"
D0=$(logsize "$LOG")
take seq "$BASE" "$COOKIE" day "$OUT/anchor-meta.json" "$SEQ_N" "$SEQ_MAXSEC"
D1=$(logsize "$LOG")
take logstats "$LOG" "$D0" "$D1" GET /api/v1/availability D_SEQ
DAY=$(date -d "$TODAY + 3 days" +%F)
D_PATH="/api/v1/availability?service_ids=1&from=$DAY&to=$DAY&staff_id=1"
say "(d) wrk -t2 -c32 -d${WRK_S}s on $D_PATH"
D2=$(logsize "$LOG")
wrk_run anchor -t2 -c32 -d"${WRK_S}s" -H "Cookie: $COOKIE" "$BASE$D_PATH"
put D_WRK_RPS "$WRK_RPS"
sleep 0.3
D3=$(logsize "$LOG")
take logstats "$LOG" "$D2" "$D3" GET /api/v1/availability D_LOAD
put D_HWM_KB "$(hwm_kb "$ANCHOR_PID")"
stop_server "$ANCHOR_PID"

put RUN_SECONDS "$SECONDS"
echo >&2
$PY report "$ENV" "$OUT/results.txt"
