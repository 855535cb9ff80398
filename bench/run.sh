#!/usr/bin/env bash
# Chairside benchmark: `make bench` runs `bench/run.sh build/chairside`.
#
#  (a) availability, one service, all 50 staff, 7 days, against a clinic of
#      200,000 bookings: server-side us per request (median, p99) from the
#      request log, first over each week once (every answer computed),
#      then over sequential requests at varying week offsets (answers
#      kept); requests/s with wrk beside nginx serving the very same body
#      as a static file (the HTTP baseline);
#  (b) bookings/s from 16 concurrent clients (wrk + bench/book.lua posting
#      distinct free slots) beside a plain SQLite insert loop, one row per
#      transaction with the server's journal and synchronous settings
#      (bench/sqlite_insert.c, the write path's baseline); a race of 16
#      clients over the same overlapping slots, then a SQL check that no
#      two live bookings of one staff member overlap;
#  (c) the server's peak RSS (VmHWM);
#  (d) an anchor-shaped clinic: 10 staff, 08:00-20:00 daily, 10,000
#      bookings over 60 days; availability for one staff member and day,
#      beside nginx serving that body.
#  (e) PostgreSQL 15: a scratch cluster (scripts/pg_scratch.sh) under the
#      temp dir, migrated by the server and loaded with the same generated
#      main clinic (bench/copy_to_pg.py); availability as in (a) (wrk
#      against the same nginx figure); bookings/s as in (b) against one
#      serve process, then against two on the same database (two wrk runs
#      at once, 8 connections each, on their own slots), summed; a race of
#      16 clients split over both processes; the same SQL overlap check;
#      then the anchor clinic of (d) in a database of its own.
#  (f) memory over a mixed run (bench/soak.py): the demo clinic under
#      logins, availability, calendar, booking and cancelling for
#      BENCH_SOAK_MINUTES; peak RSS and its growth over the run.
#  (g) with BENCH_BIG=1: a clinic of 10,000,000 bookings (gen_clinic.py
#      profile big: 20 locations x 10 staff, Mon-Sat, ten years), kept in
#      ${BENCH_BIG_DIR:-/var/tmp/chairside-bench-big}/big.db and rebuilt
#      only when its meta (big.db.json) names another generator version or
#      schema version; server-side us (median, p99) of the day calendar of
#      one location and of availability for one staff member and one day,
#      BENCH_BIG_N (2000) sequential requests each, every (location, day)
#      or (staff, day) once at random over the ten years, so every answer
#      is computed. BENCH_ONLY=big runs (g) alone.
#  Plus a keep-alive check with curl -v.
#
# Everything listens on 127.0.0.1 only. Servers and nginx are stopped on
# exit. One table of every figure (value, target, baseline, ratio) goes to
# stdout and bench/out/results.txt, its rows to bench/out/results.json;
# missed targets are reported, never fatal. Tunables (environment):
# BENCH_SEQ_N (2000), BENCH_SEQ_MAXSEC (25), BENCH_WRK_SECONDS (10),
# BENCH_PG (1; 0 skips (e)), BENCH_SOAK_MINUTES (10; 0 skips (f)),
# BENCH_BIG (0; 1 adds (g)), BENCH_BIG_DIR, BENCH_BIG_N, BENCH_ONLY.
set -euo pipefail

BIN=$(realpath "${1:-build/chairside}")
HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/out"
PY="python3 $HERE/client.py"
SEQ_COUNT=${BENCH_SEQ_N:-2000} # not SEQ_N: `take seq` sets that
SEQ_MAXSEC=${BENCH_SEQ_MAXSEC:-25}
WRK_S=${BENCH_WRK_SECONDS:-10}
BENCH_PG=${BENCH_PG:-1}
BENCH_BIG=${BENCH_BIG:-0}
BENCH_ONLY=${BENCH_ONLY:-}
BIG_DIR=${BENCH_BIG_DIR:-/var/tmp/chairside-bench-big}
BIG_N=${BENCH_BIG_N:-2000}
SOAK_MIN=${BENCH_SOAK_MINUTES:-10}
PG_SCRATCH="$HERE/../scripts/pg_scratch.sh"
CLIENTS=16

for tool in wrk nginx curl python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/deps.sh --bench)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "bench: no server binary at $BIN" >&2; exit 1; }

TMP=$(mktemp -d /tmp/chairside-bench.XXXXXX)
PIDS=()
PG_DIR=""
PG_PM=0
cleanup() {
    local p
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    for p in "${PIDS[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    if [ -n "$PG_DIR" ]; then
        "$PG_SCRATCH" stop "$PG_DIR" >/dev/null 2>&1 || true
    fi
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
put WRK_SECONDS_SET "$WRK_S"
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
    wrk_parse "$name"
}
# wrk_parse NAME : the figures of out/wrk-NAME.txt, as wrk_run sets them.
wrk_parse() {
    local name=$1
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

# nginx_rps NAME BODY PATH : nginx serves file BODY at PATH (its query
# ignored) and wrk measures it as it measures chairside; sets WRK_RPS.
nginx_rps() {
    local name=$1 body=$2 path=$3 ngx="$TMP/nginx-$1" port status file
    file=${path%%\?*}
    port=$($PY port)
    mkdir -p "$ngx/www$(dirname "$file")" "$ngx/tmp"
    cp "$body" "$ngx/www$file"
    chmod -R a+rX "$TMP"
    cat >"$ngx/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes auto;
pid $ngx/nginx.pid;
error_log $ngx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $ngx/tmp/body;
    proxy_temp_path $ngx/tmp/proxy;
    fastcgi_temp_path $ngx/tmp/fastcgi;
    uwsgi_temp_path $ngx/tmp/uwsgi;
    scgi_temp_path $ngx/tmp/scgi;
    default_type application/json;
    server {
        listen 127.0.0.1:$port;
        root $ngx/www;
        location / { }
    }
}
EOF
    nginx -e "$ngx/error.log" -p "$ngx" -c "$ngx/nginx.conf" &
    local npid=$!
    PIDS+=("$npid")
    $PY wait "http://127.0.0.1:$port$file" 10
    status=$($PY get "http://127.0.0.1:$port$path" "$COOKIE" "$ngx/got.json")
    cmp -s "$body" "$ngx/got.json" || say "warning: nginx body differs ($status)"
    wrk_run "$name" -t2 -c32 -d"${WRK_S}s" -H "Cookie: $COOKIE" "http://127.0.0.1:$port$path"
    kill -QUIT "$npid" 2>/dev/null || true
    wait "$npid" 2>/dev/null || true
}

# --- (g) ten million bookings ------------------------------------------------------
big_bench() {
    local db="$BIG_DIR/big.db" meta="$OUT/big-meta.json" port base log="$OUT/server-big.log" pid g0 g1
    mkdir -p "$BIG_DIR"
    say "(g) the big clinic (10,000,000 bookings) in $db: reused if current, else generated"
    python3 "$HERE/gen_clinic.py" --bin "$BIN" --profile big --db "$db" --keep >"$meta"
    put G_BOOKINGS "$(meta "$meta" bookings)"
    put G_GEN_SECONDS "$(meta "$meta" seconds)"
    put G_REUSED "$(meta "$meta" reused)"
    put G_DB_BYTES "$(stat -c %s "$db")"
    # A clinic's server has its database in the page cache; a kept one
    # read back from disk after other runs would time this VM's disk.
    say "(g) reading $db once into the page cache"
    cat "$db" >/dev/null
    port=$($PY port)
    base="http://127.0.0.1:$port"
    start_server "$db" "$port" "$log"
    pid=$SERVER_PID
    eval "$($PY login "$base/api/v1/auth/login" "$(meta "$meta" admin_email)" "$(meta "$meta" admin_password)")"
    say "(g) $BIG_N sequential day calendars, each (location, day) once"
    g0=$(logsize "$log")
    take seq "$base" "$COOKIE" calendar "$meta" "$BIG_N" "$SEQ_MAXSEC"
    g1=$(logsize "$log")
    take logstats "$log" "$g0" "$g1" GET /api/v1/calendar G_CAL
    say "(g) $BIG_N sequential availability requests (1 staff, 1 day), each (staff, day) once"
    g0=$(logsize "$log")
    take seq "$base" "$COOKIE" staffday "$meta" "$BIG_N" "$SEQ_MAXSEC"
    g1=$(logsize "$log")
    take logstats "$log" "$g0" "$g1" GET /api/v1/availability G_AV
    put G_LOADAVG "$(cut -d' ' -f1-3 /proc/loadavg)"
    stop_server "$pid"
}
report() {
    put RUN_SECONDS "$SECONDS"
    echo >&2
    $PY report "$ENV" "$OUT/results.txt" "$OUT/results.json"
}
meta() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }
if [ "$BENCH_ONLY" = big ]; then
    put ONLY big
    big_bench
    report
    exit 0
fi

# --- data --------------------------------------------------------------------
say "generating the main clinic (50 staff, 200,000 bookings) and the anchor clinic"
python3 "$HERE/gen_clinic.py" --bin "$BIN" --profile anchor --db "$TMP/anchor.db" \
    --meta "$OUT/anchor-meta.json" >/dev/null &
GEN_ANCHOR=$!
python3 "$HERE/gen_clinic.py" --bin "$BIN" --profile main --db "$TMP/main.db" \
    --meta "$OUT/main-meta.json" --bodies "$TMP/bodies.txt" --race "$TMP/race.txt" >/dev/null
wait "$GEN_ANCHOR"
if [ "$BENCH_PG" != 0 ]; then
    # (e) loads the clinic as generated, before (b) books into it
    python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))' \
        "$TMP/main.db" "$TMP/main-pg.db"
fi
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

# Each week once: every answer is computed (the engine); then the same
# weeks over and over, answered from the kept answers.
WEEKS=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["days"] // 7)' "$OUT/main-meta.json")
say "(a) $WEEKS sequential availability requests, each week once (computed)"
A0=$(logsize "$LOG")
take seq "$BASE" "$COOKIE" week "$OUT/main-meta.json" "$WEEKS" "$SEQ_MAXSEC"
A1=$(logsize "$LOG")
take logstats "$LOG" "$A0" "$A1" GET /api/v1/availability A_COLD
say "(a) $SEQ_COUNT sequential availability requests (50 staff, 7 days, varying weeks, kept)"
A0=$(logsize "$LOG")
take seq "$BASE" "$COOKIE" week "$OUT/main-meta.json" "$SEQ_COUNT" "$SEQ_MAXSEC"
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
nginx_rps avail-nginx "$TMP/body.json" "$AVAIL_PATH"
put A_NGINX_RPS "$WRK_RPS"

# --- (b) bookings --------------------------------------------------------------------
say "(b) baseline: a plain SQLite insert loop, one row per transaction, ${WRK_S}s"
cc -O2 -o "$TMP/sqlite_insert" "$HERE/sqlite_insert.c" -lsqlite3
INSERT_FIGURES=$("$TMP/sqlite_insert" "$TMP/insert-baseline.db" "$WRK_S")
eval "$INSERT_FIGURES"
put W_INSERT_N "$INSERT_N"
put W_INSERT_PER_S "$INSERT_PER_S"

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
# The writer's tally, logged as the store closes: store_write calls and commits.
put B_WRITES_PER_COMMIT "$(sed -n 's/.*msg="group commit" writes=\([0-9]*\) commits=\([0-9]*\).*/\1 \2/p' "$LOG" |
    tail -1 | awk '{ if ($2 > 0) printf "%.1f", $1 / $2 }')"
say "(b) checking the database for double bookings"
take verify "$TMP/main.db" "$(meta "$OUT/main-meta.json" bodies_from_utc)" B_DB

# --- (d) anchor-shaped clinic -------------------------------------------------------------
PORT=$($PY port)
BASE="http://127.0.0.1:$PORT"
LOG="$OUT/server-anchor.log"
start_server "$TMP/anchor.db" "$PORT" "$LOG"
ANCHOR_PID=$SERVER_PID
eval "$($PY login "$BASE/api/v1/auth/login" "$EMAIL" "$PASSWORD")"
say "(d) $SEQ_COUNT sequential availability requests (1 staff, 1 day)"
D0=$(logsize "$LOG")
take seq "$BASE" "$COOKIE" day "$OUT/anchor-meta.json" "$SEQ_COUNT" "$SEQ_MAXSEC"
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
STATUS=$($PY get "$BASE$D_PATH" "$COOKIE" "$TMP/anchor-body.json")
[ "$STATUS" = 200 ] || say "warning: anchor availability answered $STATUS"
put D_BODY_BYTES "$(stat -c %s "$TMP/anchor-body.json")"
say "(d) nginx serving the same anchor body as a static file"
nginx_rps anchor-nginx "$TMP/anchor-body.json" "$D_PATH"
put D_NGINX_RPS "$WRK_RPS"
stop_server "$ANCHOR_PID"

# --- (e) PostgreSQL -------------------------------------------------------------------------
# An interpreter with psycopg2 (Debian's lives in /usr/bin/python3, which a
# python3 earlier on PATH may not see).
pg_python() {
    local exe
    for exe in python3 /usr/bin/python3; do
        if command -v "$exe" >/dev/null && "$exe" -c 'import psycopg2' 2>/dev/null; then
            echo "$exe"
            return 0
        fi
    done
    return 1
}
pg_skip() {
    put E_SKIPPED "$1"
    say "(e) skipped: $1"
}
# book_figures PREFIX LOG:FROM:TO... : 201/409/other and us/booking of the
# POST /bookings lines in those log ranges, as PREFIX_201 etc.
book_figures() {
    local prefix=$1 part log from to
    shift
    : >"$TMP/book-lines.log"
    for part in "$@"; do
        IFS=: read -r log from to <<<"$part"
        tail -c +"$((from + 1))" "$log" | head -c "$((to - from))" >>"$TMP/book-lines.log"
    done
    take logstats "$TMP/book-lines.log" 0 "$(logsize "$TMP/book-lines.log")" POST /api/v1/bookings "${prefix}_LOG"
    local n201 n409 n
    eval "n201=\${${prefix}_LOG_STATUS_201:-0} n409=\${${prefix}_LOG_STATUS_409:-0} n=\${${prefix}_LOG_N:-0}"
    put "${prefix}_201" "$n201"
    put "${prefix}_409" "$n409"
    put "${prefix}_OTHER" "$((n - n201 - n409))"
    put "${prefix}_MEDIAN_US" "$(eval echo "\${${prefix}_LOG_MEDIAN_US}")"
    put "${prefix}_P99_US" "$(eval echo "\${${prefix}_LOG_P99_US}")"
}
# cpu_mark NAME PIDS : CPU ticks so far of PIDS, of the cluster, of the
# machine, as NAME_TICKS, NAME_PG_TICKS, NAME_ALL_BUSY, NAME_ALL, NAME_HZ.
cpu_mark() {
    eval "$($PY cpu "$1" "$2" "$PG_PM")"
}
# cpu_figures PREFIX FROM TO COUNT : CPU us per item of the serve processes
# and of PostgreSQL between two marks, and how busy the machine was (all of
# it, and with just those).
cpu_figures() {
    local p=$1 a=$2 b=$3 n=$4 hz srv pg busy all
    eval "hz=\$${a}_HZ srv=\$((${b}_TICKS - ${a}_TICKS)) pg=\$((${b}_PG_TICKS - ${a}_PG_TICKS))"
    eval "busy=\$((${b}_ALL_BUSY - ${a}_ALL_BUSY)) all=\$((${b}_ALL - ${a}_ALL))"
    put "${p}_SRV_CPU_US" "$(awk -v t="$srv" -v hz="$hz" -v n="$n" 'BEGIN {printf "%.0f", n ? t * 1e6 / hz / n : 0}')"
    put "${p}_PG_CPU_US" "$(awk -v t="$pg" -v hz="$hz" -v n="$n" 'BEGIN {printf "%.0f", n ? t * 1e6 / hz / n : 0}')"
    put "${p}_BUSY_PCT" "$(awk -v b="$busy" -v t="$all" 'BEGIN {printf "%.0f", t ? 100 * b / t : 0}')"
    put "${p}_OURS_PCT" "$(awk -v o="$((srv + pg))" -v t="$all" 'BEGIN {printf "%.0f", t ? 100 * o / t : 0}')"
}
pg_bench() {
    if [ "$BENCH_PG" = 0 ]; then
        pg_skip "BENCH_PG=0"
        return 0
    fi
    local pgpy
    if ! pgpy=$(pg_python); then
        pg_skip "no python3 with psycopg2 (scripts/deps.sh installs python3-psycopg2)"
        return 0
    fi
    say "(e) PostgreSQL: scratch cluster, migrate, copy the generated main clinic"
    # The cluster may belong to another OS user (postgres, under root): it
    # must reach its directory inside the temp dir.
    chmod a+x "$TMP"
    PG_DIR="$TMP/pg"
    if ! "$PG_SCRATCH" start "$PG_DIR" >"$OUT/pg-start.txt" 2>&1; then
        PG_DIR=""
        pg_skip "scratch cluster did not start ($(tail -1 "$OUT/pg-start.txt"))"
        return 0
    fi
    PG_PM=$(head -1 "$PG_DIR/data/postmaster.pid" 2>/dev/null || echo 0)
    local url
    if ! url=$("$PG_SCRATCH" createdb "$PG_DIR" chairside_bench 2>"$OUT/pg-createdb.txt"); then
        pg_skip "createdb failed ($(tail -1 "$OUT/pg-createdb.txt"))"
        return 0
    fi
    if ! "$BIN" migrate --db "$url" >"$OUT/pg-migrate.log" 2>&1; then
        pg_skip "chairside migrate failed (see $OUT/pg-migrate.log)"
        return 0
    fi
    local t0=$SECONDS
    if ! "$pgpy" "$HERE/copy_to_pg.py" "$TMP/main-pg.db" "$url" >"$OUT/pg-copy.txt" 2>&1; then
        pg_skip "copy_to_pg.py failed ($(tail -1 "$OUT/pg-copy.txt"))"
        return 0
    fi
    put E_LOAD_SECONDS "$((SECONDS - t0))"
    say "$(cat "$OUT/pg-copy.txt")"
    put E_PG 1

    local port1 port2 base1 base2 log1="$OUT/server-pg1.log" log2="$OUT/server-pg2.log" pid1 pid2
    port1=$($PY port)
    base1="http://127.0.0.1:$port1"
    if ! start_server "$url" "$port1" "$log1"; then
        pg_skip "serve on PostgreSQL did not answer (see $log1)"
        return 0
    fi
    pid1=$SERVER_PID
    local login
    if ! login=$($PY login "$base1/api/v1/auth/login" "$EMAIL" "$PASSWORD"); then
        pg_skip "login on PostgreSQL failed (see $log1)"
        return 0
    fi
    eval "$login"

    say "(e1) $WEEKS sequential availability requests on PostgreSQL, each week once (computed)"
    local e0 e1
    e0=$(logsize "$log1")
    take seq "$base1" "$COOKIE" week "$OUT/main-meta.json" "$WEEKS" "$SEQ_MAXSEC"
    e1=$(logsize "$log1")
    take logstats "$log1" "$e0" "$e1" GET /api/v1/availability E_COLD
    say "(e1) $SEQ_COUNT sequential availability requests on PostgreSQL (kept)"
    e0=$(logsize "$log1")
    cpu_mark CA "$pid1"
    take seq "$base1" "$COOKIE" week "$OUT/main-meta.json" "$SEQ_COUNT" "$SEQ_MAXSEC"
    cpu_mark CB "$pid1"
    put E_SEQ_AVG_BYTES "$SEQ_AVG_BYTES"
    put E_SEQ_AVG_SLOTS "$SEQ_AVG_SLOTS"
    e1=$(logsize "$log1")
    take logstats "$log1" "$e0" "$e1" GET /api/v1/availability E_SEQ
    cpu_figures E_SEQ CA CB "$E_SEQ_N"
    say "(e1) wrk -t2 -c32 -d${WRK_S}s on $AVAIL_PATH, PostgreSQL"
    wrk_run pg-avail -t2 -c32 -d"${WRK_S}s" -H "Cookie: $COOKIE" "$base1$AVAIL_PATH"
    put E_AVAIL_WRK_RPS "$WRK_RPS"
    put E_AVAIL_WRK_NON2XX "$WRK_NON2XX"

    # Distinct slots for each run: the first half of the bodies for (e2),
    # the third and fourth quarters for the two processes of (e3).
    local nb half quarter
    nb=$(wc -l <"$TMP/bodies.txt")
    half=$((nb / 2))
    quarter=$((nb / 4))
    head -n "$half" "$TMP/bodies.txt" >"$TMP/pg-bodies-1.txt"
    sed -n "$((half + 1)),$((half + quarter))p" "$TMP/bodies.txt" >"$TMP/pg-bodies-2a.txt"
    tail -n +"$((half + quarter + 1))" "$TMP/bodies.txt" >"$TMP/pg-bodies-2b.txt"

    say "(e2) wrk -t2 -c$CLIENTS -d${WRK_S}s POST /bookings, one serve process on PostgreSQL"
    e0=$(logsize "$log1")
    cpu_mark CA "$pid1"
    wrk_run pg-bookings-1 -t2 -c"$CLIENTS" -d"${WRK_S}s" -s "$HERE/book.lua" \
        -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" "$base1/api/v1/bookings" -- "$TMP/pg-bodies-1.txt" 2
    cpu_mark CB "$pid1"
    sleep 0.5
    e1=$(logsize "$log1")
    book_figures E1 "$log1:$e0:$e1"
    cpu_figures E1 CA CB "${E1_LOG_STATUS_201:-0}"
    put E1_WRK_RPS "$WRK_RPS"
    put E1_BOOKINGS_PER_S "$(awk -v n="${E1_LOG_STATUS_201:-0}" -v s="$WRK_SECONDS" 'BEGIN {printf "%.0f", n / s}')"

    port2=$($PY port)
    base2="http://127.0.0.1:$port2"
    if ! start_server "$url" "$port2" "$log2"; then
        pg_skip "a second serve on PostgreSQL did not answer (see $log2)"
        return 0
    fi
    pid2=$SERVER_PID
    say "(e3) 2 x wrk -t1 -c$((CLIENTS / 2)) -d${WRK_S}s POST /bookings, two serve processes on one database"
    local a0 a1 b0 b1 wa wb
    a0=$(logsize "$log1")
    b0=$(logsize "$log2")
    cpu_mark CA "$pid1,$pid2"
    wrk -t1 -c"$((CLIENTS / 2))" -d"${WRK_S}s" -s "$HERE/book.lua" -H "Cookie: $COOKIE" \
        -H "X-CSRF-Token: $CSRF" "$base1/api/v1/bookings" -- "$TMP/pg-bodies-2a.txt" 1 \
        >"$OUT/wrk-pg-bookings-2a.txt" 2>&1 &
    wa=$!
    wrk -t1 -c"$((CLIENTS / 2))" -d"${WRK_S}s" -s "$HERE/book.lua" -H "Cookie: $COOKIE" \
        -H "X-CSRF-Token: $CSRF" "$base2/api/v1/bookings" -- "$TMP/pg-bodies-2b.txt" 1 \
        >"$OUT/wrk-pg-bookings-2b.txt" 2>&1 &
    wb=$!
    wait "$wa" || true
    wait "$wb" || true
    cpu_mark CB "$pid1,$pid2"
    sleep 0.5
    a1=$(logsize "$log1")
    b1=$(logsize "$log2")
    book_figures E2 "$log1:$a0:$a1" "$log2:$b0:$b1"
    local sa sb na nb2
    wrk_parse pg-bookings-2a
    sa=$WRK_SECONDS
    wrk_parse pg-bookings-2b
    sb=$WRK_SECONDS
    take logstats "$log1" "$a0" "$a1" POST /api/v1/bookings E2A
    take logstats "$log2" "$b0" "$b1" POST /api/v1/bookings E2B
    na=${E2A_STATUS_201:-0}
    nb2=${E2B_STATUS_201:-0}
    put E2_BOOKINGS_PER_S "$(awk -v a="$na" -v sa="$sa" -v b="$nb2" -v sb="$sb" \
        'BEGIN {printf "%.0f", a / sa + b / sb}')"
    cpu_figures E2 CA CB "$((na + nb2))"

    say "(e4) race: $CLIENTS clients over two processes post the same overlapping slots"
    put E_RACE_CLIENTS "$CLIENTS"
    local race
    race=$($PY race "$base1,$base2" "$COOKIE" "$CSRF" "$TMP/race.txt" "$CLIENTS")
    echo "$race" | sed 's/^/E_/' >>"$ENV"
    put E_HWM1_KB "$(hwm_kb "$pid1")"
    put E_HWM2_KB "$(hwm_kb "$pid2")"
    stop_server "$pid1"
    stop_server "$pid2"
    say "(e4) checking PostgreSQL for double bookings"
    local verify
    verify=$("$pgpy" "$HERE/client.py" verify "$url" "$(meta "$OUT/main-meta.json" bodies_from_utc)" E_DB)
    echo "$verify" >>"$ENV"
    pg_anchor "$pgpy"
    "$PG_SCRATCH" stop "$PG_DIR" >/dev/null 2>&1 || true
    PG_DIR=""
}
# (e5) the anchor-shaped clinic of (d) on PostgreSQL, its own database.
pg_anchor() {
    local pgpy=$1 url port base log="$OUT/server-pg-anchor.log" pid a0 a1
    say "(e5) PostgreSQL: the anchor clinic"
    if ! url=$("$PG_SCRATCH" createdb "$PG_DIR" chairside_anchor 2>>"$OUT/pg-createdb.txt") ||
        ! "$BIN" migrate --db "$url" >>"$OUT/pg-migrate.log" 2>&1 ||
        ! "$pgpy" "$HERE/copy_to_pg.py" "$TMP/anchor.db" "$url" >>"$OUT/pg-copy.txt" 2>&1; then
        put E5_SKIPPED "the anchor clinic could not be loaded (see $OUT/pg-copy.txt)"
        return 0
    fi
    port=$($PY port)
    base="http://127.0.0.1:$port"
    if ! start_server "$url" "$port" "$log"; then
        put E5_SKIPPED "serve on the anchor database did not answer (see $log)"
        return 0
    fi
    pid=$SERVER_PID
    eval "$($PY login "$base/api/v1/auth/login" "$EMAIL" "$PASSWORD")"
    a0=$(logsize "$log")
    take seq "$base" "$COOKIE" day "$OUT/anchor-meta.json" "$SEQ_COUNT" "$SEQ_MAXSEC"
    a1=$(logsize "$log")
    take logstats "$log" "$a0" "$a1" GET /api/v1/availability E5_SEQ
    say "(e5) wrk -t2 -c32 -d${WRK_S}s on $D_PATH, PostgreSQL"
    wrk_run pg-anchor -t2 -c32 -d"${WRK_S}s" -H "Cookie: $COOKIE" "$base$D_PATH"
    put E5_WRK_RPS "$WRK_RPS"
    put E5_PG 1
    stop_server "$pid"
}
pg_bench

# --- (f) memory over a mixed run ---------------------------------------------------------
if [ "$SOAK_MIN" != 0 ]; then
    say "(f) ${SOAK_MIN}-minute mixed run on the demo clinic (logins, availability, calendar, booking, cancelling)"
    take_soak=$(python3 "$HERE/soak.py" --bin "$BIN" --minutes "$SOAK_MIN" --out "$OUT/soak.json") ||
        say "warning: the mixed run failed (see $OUT/soak.json)"
    echo "$take_soak" >>"$ENV"
fi

if [ "$BENCH_BIG" = 1 ]; then
    big_bench
fi
report
